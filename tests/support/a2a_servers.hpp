// The A2A suites' servers (started once per suite, stopped at exit) and fixtures from clients.json.
// Independent of the library under test: used by the core and the C API suites alike.
#pragma once

#include <cjson/cJSON.h>

#include <memory>
#include <string>
#include <vector>

#include "loopback.hpp"

namespace m2mauth_test {

// The "a2a" credentials of tests/servers/clients.json.
struct A2ACredentials {
  std::string consumer_key, consumer_secret, token, token_secret;
  std::string client_id, client_secret;    // the first OAuth 2.0 client
  std::string special_id, special_secret;  // "a2a special:client": ": + % &" and spaces
  // Every secret above, for "never in a message" checks.
  std::vector<std::string> secrets() const { return {consumer_secret, token, token_secret, client_secret, special_secret}; }
};

inline A2ACredentials a2a_credentials() {
  cJSON *root = cJSON_Parse(read_file(servers_dir() + "/clients.json").c_str());
  const cJSON *a2a = cJSON_GetObjectItemCaseSensitive(root, "a2a");
  auto str = [](const cJSON *o, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(v)) throw std::runtime_error(std::string("clients.json: no a2a ") + name);
    return std::string(v->valuestring);
  };
  const cJSON *o1 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(a2a, "oauth1"), 0);
  const cJSON *o2 = cJSON_GetObjectItemCaseSensitive(a2a, "oauth2");
  A2ACredentials c{str(o1, "consumer_key"), str(o1, "consumer_secret"), str(o1, "token"), str(o1, "token_secret"),
                   str(cJSON_GetArrayItem(o2, 0), "client_id"), str(cJSON_GetArrayItem(o2, 0), "client_secret"),
                   str(cJSON_GetArrayItem(o2, 1), "client_id"), str(cJSON_GetArrayItem(o2, 1), "client_secret")};
  cJSON_Delete(root);
  return c;
}

inline std::string encryption_key_path() { return servers_dir() + "/keys/a2a-encryption.pem"; }

// The plain servers, with the test PKI: "a2a" (HTTP), "a2a_enc" (HTTP, sensitive values encrypted with
// keys/a2a-encryption.pub.pem) and "fault" (its /echo shows exactly what a request carried).
inline Servers &plain_servers() {
  static Servers s({"a2a", "a2a_enc=a2a", "fault"}, {"a2a_enc.encrypt_with_public_key=keys/a2a-encryption.pub.pem"}, true);
  return s;
}

inline std::string pki_dir() { return plain_servers().dir() + "/pki"; }

// A field of the PKI manifest's certificate entry, e.g. cert_field("client_rsa", "sha256_colon").
inline std::string cert_field(const char *cert, const char *field) { return pki_cert_field(plain_servers(), cert, field); }

// HTTPS emulators that require a client certificate from the test CA: "a2a_tls" registers client_rsa's
// fingerprint as rsa_fingerprint, "a2a_tls_ec" client_ec's as ec_fingerprint (the suite passes the
// forms the library computed, so the server proves they are what an administrator would register).
inline Servers &tls_servers(const std::string &rsa_fingerprint = "", const std::string &ec_fingerprint = "") {
  static Servers s(
      {"a2a_tls=a2a", "a2a_tls_ec=a2a"},
      {"a2a_tls.tls_cert=" + pki_dir() + "/server.pem", "a2a_tls.tls_key=" + pki_dir() + "/server.key",
       "a2a_tls.client_ca=" + pki_dir() + "/ca.pem",
       "a2a_tls.require_client_cert_fingerprint=" + (rsa_fingerprint.empty() ? cert_field("client_rsa", "sha256_colon") : rsa_fingerprint),
       "a2a_tls_ec.tls_cert=" + pki_dir() + "/server.pem", "a2a_tls_ec.tls_key=" + pki_dir() + "/server.key",
       "a2a_tls_ec.client_ca=" + pki_dir() + "/ca.pem",
       "a2a_tls_ec.require_client_cert_fingerprint=" + (ec_fingerprint.empty() ? cert_field("client_ec", "sha1") : ec_fingerprint)});
  return s;
}

// A numeric field of a JSON document by dotted path ("requests.oauth2"); -1 if absent.
inline long json_number(const std::string &json, const std::string &path) {
  cJSON *root = cJSON_Parse(json.c_str());
  const cJSON *v = root;
  for (std::size_t start = 0; v != nullptr && start <= path.size();) {
    std::size_t dot = path.find('.', start);
    if (dot == std::string::npos) dot = path.size();
    v = cJSON_GetObjectItemCaseSensitive(v, path.substr(start, dot - start).c_str());
    start = dot + 1;
  }
  long n = cJSON_IsNumber(v) ? static_cast<long>(v->valuedouble) : -1;
  cJSON_Delete(root);
  return n;
}

inline std::string json_string(const std::string &json, const char *name) {
  cJSON *root = cJSON_Parse(json.c_str());
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
  std::string s = cJSON_IsString(v) ? v->valuestring : "";
  cJSON_Delete(root);
  return s;
}

// An HTTP emulator reset (data, statistics, tokens); returns its info.
inline ServerInfo fresh(const char *alias) {
  ServerInfo s = plain_servers()[alias];
  control(s.str("control_url") + "/reset", "POST", "{}");
  return s;
}

inline std::string stats(const ServerInfo &s) { return control(s.str("control_url") + "/stats"); }

}  // namespace m2mauth_test
