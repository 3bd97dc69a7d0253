// Test support for the token exchange suites: the strict loopback server and subject tokens.
#pragma once

#include <cjson/cJSON.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "loopback.hpp"

namespace exchange_test {

constexpr const char *kAccess = "urn:ietf:params:oauth:token-type:access_token";
constexpr const char *kJwtType = "urn:ietf:params:oauth:token-type:jwt";
constexpr const char *kIdToken = "urn:ietf:params:oauth:token-type:id_token";
constexpr const char *kBasicSecret = "test-basic-a3ccY8j7rCiWY-DDOE5C3_FhdNVsjacLdRu2alpi";
constexpr const char *kPostSecret = "test-post-j4r6aENeieipUY21iX0FHwQvPMIMpPunax-eDeOJ";
constexpr const char *kJwtSecret = "test-hs256-client-secret-vGiFuN1fxKyuXFo2WFA_uQFBuICQBOJC5G1Limp5";

// One exchange server for the process (public client "pub-x"), reset by each test that counts.
inline m2mauth_test::Servers &servers() {
  static m2mauth_test::Servers instance({"exchange"}, {"exchange.public_client=pub-x"});
  return instance;
}
inline std::string base_url() { return servers()["exchange"].str("url"); }
inline std::string token_url() { return base_url() + "/token"; }
inline void reset() { m2mauth_test::control(base_url() + "/reset", "POST"); }
inline long count() {
  cJSON *j = cJSON_Parse(m2mauth_test::control(base_url() + "/count").c_str());
  long n = static_cast<long>(cJSON_GetObjectItemCaseSensitive(j, "count")->valuedouble);
  cJSON_Delete(j);
  return n;
}
// The form of the last request the server saw, as "name=value" lines (values as sent).
inline std::string last_form() {
  cJSON *j = cJSON_Parse(m2mauth_test::control(base_url() + "/exchanges").c_str());
  std::string out;
  cJSON *last = cJSON_GetArrayItem(j, cJSON_GetArraySize(j) - 1);
  cJSON *pair = nullptr;
  cJSON_ArrayForEach(pair, cJSON_GetObjectItemCaseSensitive(last, "form")) {
    out += std::string(cJSON_GetArrayItem(pair, 0)->valuestring) + "=" + cJSON_GetArrayItem(pair, 1)->valuestring + "\n";
  }
  cJSON *auth = cJSON_GetObjectItemCaseSensitive(last, "auth");
  if (cJSON_IsString(auth)) out += std::string("@auth=") + auth->valuestring + "\n";
  cJSON_Delete(j);
  return out;
}

inline std::string b64url(const std::string &s) {
  static const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                 static_cast<unsigned char>(s[i + 2]);
    out += a[v >> 18], out += a[(v >> 12) & 63], out += a[(v >> 6) & 63], out += a[v & 63];
  }
  if (s.size() - i == 1) {
    unsigned v = static_cast<unsigned char>(s[i]) << 16;
    out += a[v >> 18], out += a[(v >> 12) & 63];
  } else if (s.size() - i == 2) {
    unsigned v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8);
    out += a[v >> 18], out += a[(v >> 12) & 63], out += a[(v >> 6) & 63];
  }
  return out;
}

inline std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A JWS-shaped subject token (not signed: the client never verifies it, it only reads exp).
inline std::string jwt_with_exp(std::int64_t exp, const std::string &sub = "alice") {
  return b64url(R"({"alg":"RS256","typ":"JWT"})") + "." +
         b64url(R"({"sub":")" + sub + R"(","exp":)" + std::to_string(exp) + "}") + ".c2lnbmF0dXJl";
}

}  // namespace exchange_test
