// A hostile token endpoint, through the C API only: an application transport (m2mauth_http_new_custom)
// that echoes the request's credentials into its error answers, or answers with access tokens an
// Authorization header cannot carry, or loose numbers. The thread's error record never holds a secret.
#include <string>

#include "capi_support.hpp"

namespace {

constexpr const char *kSecret = "c-api-S3cret+/&value";

// What the transport answers: a JSON body in which "$REQUEST" is replaced by the request's
// Authorization header and form body (a server that echoes what it got).
struct Echo {
  int status;
  std::string body;
  std::string retry_after;
};

std::string json_escaped(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

m2mauth_status echo_send(m2mauth_response **out, const m2mauth_request *req, void *payload) {
  auto *e = static_cast<Echo *>(payload);
  size_t len = 0;
  const uint8_t *body = m2mauth_request_body(req, &len);
  const char *auth = m2mauth_request_header(req, "Authorization");
  std::string seen = std::string(auth != nullptr ? auth : "") + " " + std::string(reinterpret_cast<const char *>(body), len);
  std::string answer = e->body;
  for (std::size_t at = answer.find("$REQUEST"); at != std::string::npos; at = answer.find("$REQUEST", at))
    answer.replace(at, 8, json_escaped(seen));
  m2mauth_response *r = nullptr;
  m2mauth_status rc = m2mauth_response_new(&r, e->status);
  if (rc != M2MAUTH_OK) return rc;
  m2mauth_response_add_header(r, "Content-Type", "application/json");
  if (!e->retry_after.empty()) m2mauth_response_add_header(r, "Retry-After", e->retry_after.c_str());
  m2mauth_response_set_body(r, capi::bytes(answer), answer.size());
  *out = r;
  return M2MAUTH_OK;
}

// Fetches once with client_secret_post (or Basic) against a transport answering echo; returns the status.
m2mauth_status fetch(Echo echo, int auth_method = M2MAUTH_AUTH_CLIENT_SECRET_POST) {
  m2mauth_http *http = nullptr;
  REQUIRE(m2mauth_http_new_custom(&http, echo_send, &echo, nullptr) == M2MAUTH_OK);
  m2mauth_token_client *c = nullptr;
  REQUIRE(m2mauth_token_client_new(&c, "https://as.example.test/token", "svc", http) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_auth_method(c, auth_method) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(c, kSecret) == M2MAUTH_OK);
  m2mauth_token *t = nullptr;
  m2mauth_status rc = m2mauth_token_client_fetch(&t, c);
  m2mauth_token_free(t);
  m2mauth_token_client_free(c);
  m2mauth_http_free(http);
  return rc;
}

void check_record_clean(const char *secret_part) {
  const m2mauth_error *e = m2mauth_error_last();
  for (const char *text : {e->message, e->oauth_error, e->oauth_error_description, e->oauth_error_uri}) {
    INFO(text);
    CHECK(std::string(text).find(secret_part) == std::string::npos);
    for (const char *p = text; *p != '\0'; ++p) CHECK(static_cast<unsigned char>(*p) >= 0x20);
  }
}

}  // namespace

TEST_CASE("hostile peer: an echoed client secret never reaches the error record (post and Basic)") {
  for (int method : {M2MAUTH_AUTH_CLIENT_SECRET_POST, M2MAUTH_AUTH_CLIENT_SECRET_BASIC}) {
    INFO(method);
    Echo echo{401, R"({"error":"invalid_client $REQUEST","error_description":"refused:\n$REQUEST","error_uri":"x?$REQUEST"})", ""};
    CHECK_STATUS(fetch(echo, method), M2MAUTH_EOAUTH);
    check_record_clean("S3cret");
    check_record_clean("YXBpLVMzY3JldCUy");  // nor a run of the Basic credential (base64 of svc:<form-encoded secret>)
    CHECK(std::string(m2mauth_error_last()->oauth_error_description).find("<redacted>") != std::string::npos);
  }
}

TEST_CASE("hostile peer: access tokens outside RFC 6750 b64token are M2MAUTH_EPROTOCOL without their bytes") {
  for (const char *token : {"zqx realm=evil", "zqx\\u0001", "z\\u00e9qx", "zqx\\r\\nX: 1", "zqx=y"}) {
    INFO(token);
    Echo echo{200, std::string(R"({"access_token":")") + token + R"(","token_type":"Bearer","expires_in":60})", ""};
    CHECK_STATUS(fetch(echo), M2MAUTH_EPROTOCOL);
    check_record_clean("zqx");
  }
  CHECK(fetch({200, R"({"access_token":"Ab9-._~+/==","token_type":"DPoP","expires_in":60})", ""}) == M2MAUTH_OK);
}

TEST_CASE("hostile peer: expires_in and Retry-After are decimal digits only") {
  for (const char *bad : {"\"0x10\"", "\"+5\"", "\"3.5\"", "-1", "\"1e3\""}) {
    INFO(bad);
    Echo echo{200, std::string(R"({"access_token":"tok","token_type":"Bearer","expires_in":)") + bad + "}", ""};
    CHECK_STATUS(fetch(echo), M2MAUTH_EPROTOCOL);
  }
  CHECK(fetch({200, R"({"access_token":"tok","expires_in":"3600"})", ""}) == M2MAUTH_OK);
  CHECK(fetch({200, R"({"access_token":"tok","expires_in":0.4})", ""}) == M2MAUTH_OK);
  for (const char *bad : {"0x10", "+5", "5.0", "-1"}) {
    INFO(bad);
    CHECK_STATUS(fetch({503, R"({"error":"temporarily_unavailable"})", bad}), M2MAUTH_EOAUTH);
    CHECK(m2mauth_error_last()->retry_after_ms == 0);
  }
  CHECK_STATUS(fetch({503, R"({"error":"temporarily_unavailable"})", "12"}), M2MAUTH_EOAUTH);
  CHECK(m2mauth_error_last()->retry_after_ms == 12000);
}
