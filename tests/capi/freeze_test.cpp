// The one thread model (README "Threads"): every configurable handle is configured, then frozen by its
// first use. For every handle and every setter: a setter after first use fails with M2MAUTH_ESTATE and
// a message naming the handle and the setter, and the handle still works afterwards. Transports here
// are application transports (m2mauth_http_new_custom) answering from memory; the libcurl transport's
// freeze is tested against a loopback server in tests/http.
#include <functional>
#include <string>
#include <vector>

#include "capi_support.hpp"

namespace {

using Setter = std::function<int()>;
struct NamedSetter {
  const char *name;
  Setter call;
};

// Every setter gives ESTATE with "<handle>: <setter> after first use" in the thread's error record.
void check_frozen(const char *handle, const std::vector<NamedSetter> &setters) {
  for (const NamedSetter &s : setters) {
    INFO(handle << " " << s.name);
    CHECK_STATUS(s.call(), M2MAUTH_ESTATE);
    CHECK(std::string(m2mauth_error_last()->message) == std::string(handle) + ": " + s.name + " after first use");
  }
}

// An application transport that answers every request with this status and JSON body.
struct Canned {
  int status;
  std::string body;
  int calls = 0;
};

m2mauth_status canned_send(m2mauth_response **out, const m2mauth_request *, void *payload) {
  auto *c = static_cast<Canned *>(payload);
  ++c->calls;
  m2mauth_response *r = nullptr;
  m2mauth_status rc = m2mauth_response_new(&r, c->status);
  if (rc != M2MAUTH_OK) return rc;
  m2mauth_response_add_header(r, "Content-Type", "application/json");
  m2mauth_response_set_body(r, capi::bytes(c->body), c->body.size());
  *out = r;
  return M2MAUTH_OK;
}

std::int64_t fixed_clock(void *) { return 1700000000000; }

struct Http {
  m2mauth_http *h = nullptr;
  explicit Http(Canned *c) { REQUIRE(m2mauth_http_new_custom(&h, canned_send, c, nullptr) == M2MAUTH_OK); }
  ~Http() { m2mauth_http_free(h); }
};

}  // namespace

TEST_CASE("threads: a token client is frozen by its first fetch, every setter then ESTATE, fetch still works") {
  Canned canned{200, R"({"access_token":"tok-frozen-0123456789","token_type":"Bearer","expires_in":600})"};
  Http http(&canned);
  m2mauth_token_client *c = nullptr;
  REQUIRE(m2mauth_token_client_new(&c, "https://as.example.test/token", "svc", http.h) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(c, "client-secret-for-freeze") == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_scope(c, "api.read") == M2MAUTH_OK);  // setters work before first use
  m2mauth_token *t = nullptr;
  REQUIRE(m2mauth_token_client_fetch(&t, c) == M2MAUTH_OK);
  m2mauth_token_free(t);

  capi::KeyPtr key;
  {
    m2mauth_key *k = nullptr;
    REQUIRE(m2mauth_key_generate_ec(&k, "P-256") == M2MAUTH_OK);
    key.reset(k);
  }
  m2mauth_assertion_options a = M2MAUTH_ASSERTION_OPTIONS_INIT;
  check_frozen("token client",
               {{"set_auth_method", [&] { return m2mauth_token_client_set_auth_method(c, M2MAUTH_AUTH_CLIENT_SECRET_POST); }},
                {"set_secret", [&] { return m2mauth_token_client_set_secret(c, "other-secret"); }},
                {"set_private_key", [&] { return m2mauth_token_client_set_private_key(c, key.get()); }},
                {"set_grant", [&] { return m2mauth_token_client_set_grant(c, M2MAUTH_GRANT_JWT_BEARER); }},
                {"set_subject", [&] { return m2mauth_token_client_set_subject(c, "sub"); }},
                {"set_scope", [&] { return m2mauth_token_client_set_scope(c, "api.write"); }},
                {"set_audience", [&] { return m2mauth_token_client_set_audience(c, "aud"); }},
                {"add_resource", [&] { return m2mauth_token_client_add_resource(c, "https://rs.example.test/"); }},
                {"add_param", [&] { return m2mauth_token_client_add_param(c, "x", "y"); }},
                {"set_assertion", [&] { return m2mauth_token_client_set_assertion(c, &a); }},
                {"set_default_expires_in", [&] { return m2mauth_token_client_set_default_expires_in(c, 60); }},
                {"set_clock", [&] { return m2mauth_token_client_set_clock(c, fixed_clock, nullptr, nullptr); }}});

  REQUIRE(m2mauth_token_client_fetch(&t, c) == M2MAUTH_OK);
  CHECK(std::string(m2mauth_token_scope(t)) == "api.read");  // the configuration before the freeze
  m2mauth_token_free(t);
  CHECK(canned.calls == 2);
  m2mauth_token_client_free(c);
}

TEST_CASE("threads: a token client is frozen by the first manager made from it") {
  Canned canned{200, R"({"access_token":"tok-manager-0123456789","token_type":"Bearer","expires_in":600})"};
  Http http(&canned);
  m2mauth_token_client *c = nullptr;
  REQUIRE(m2mauth_token_client_new(&c, "https://as.example.test/token", "svc", http.h) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(c, "client-secret-for-freeze") == M2MAUTH_OK);
  m2mauth_token_manager *m = nullptr;
  REQUIRE(m2mauth_token_manager_new(&m, c, nullptr) == M2MAUTH_OK);
  check_frozen("token client", {{"set_scope", [&] { return m2mauth_token_client_set_scope(c, "late"); }}});
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get(&v, m) == M2MAUTH_OK);
  CHECK(std::string(v.access_token, v.access_token_len) == "tok-manager-0123456789");
  m2mauth_token_manager_free(m);
  m2mauth_token_client_free(c);
}

TEST_CASE("threads: a failed first use (incomplete configuration) leaves the token client open") {
  Canned canned{200, R"({"access_token":"tok-late-0123456789","token_type":"Bearer","expires_in":600})"};
  Http http(&canned);
  m2mauth_token_client *c = nullptr;
  REQUIRE(m2mauth_token_client_new(&c, "https://as.example.test/token", "svc", http.h) == M2MAUTH_OK);
  m2mauth_token *t = nullptr;
  CHECK_STATUS(m2mauth_token_client_fetch(&t, c), M2MAUTH_ECONFIG);  // basic without a secret
  REQUIRE(m2mauth_token_client_set_secret(c, "client-secret-given-late") == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_fetch(&t, c) == M2MAUTH_OK);
  m2mauth_token_free(t);
  m2mauth_token_client_free(c);
}

TEST_CASE("threads: an A2A client is frozen by its first call, every setter then ESTATE, calls still work") {
  Canned canned{200, R"({"response":{"status":200,"message":"OK","error":false}})"};
  Http http(&canned);
  m2mauth_a2a *a = nullptr;
  REQUIRE(m2mauth_a2a_new(&a, "https://vault.example.test", http.h) == M2MAUTH_OK);
  REQUIRE(m2mauth_a2a_set_auth_method(a, M2MAUTH_A2A_QUERY) == M2MAUTH_OK);
  m2mauth_a2a_oauth1_credentials cred = M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT;
  cred.consumer_key = "consumer";
  cred.token = "query-token-for-freeze";
  REQUIRE(m2mauth_a2a_set_oauth1_credentials(a, &cred) == M2MAUTH_OK);
  capi::Buf out;
  REQUIRE(m2mauth_a2a_call(out.out(), a, "GET", "pam/info/1", nullptr, 0) == M2MAUTH_OK);

  capi::KeyPtr key;
  {
    m2mauth_key *k = nullptr;
    REQUIRE(m2mauth_key_generate_rsa(&k, 2048) == M2MAUTH_OK);
    key.reset(k);
  }
  m2mauth_token_manager_options mo = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
  check_frozen("A2A client",
               {{"set_auth_method", [&] { return m2mauth_a2a_set_auth_method(a, M2MAUTH_A2A_OAUTH1); }},
                {"set_oauth2_client", [&] { return m2mauth_a2a_set_oauth2_client(a, "id", "secret"); }},
                {"set_client_auth", [&] { return m2mauth_a2a_set_client_auth(a, M2MAUTH_AUTH_CLIENT_SECRET_POST); }},
                {"set_tenant", [&] { return m2mauth_a2a_set_tenant(a, "t"); }},
                {"set_token_url", [&] { return m2mauth_a2a_set_token_url(a, "https://vault.example.test/token"); }},
                {"set_manager_options", [&] { return m2mauth_a2a_set_manager_options(a, &mo); }},
                {"set_oauth1_credentials", [&] { return m2mauth_a2a_set_oauth1_credentials(a, &cred); }},
                {"set_decryption_key", [&] { return m2mauth_a2a_set_decryption_key(a, key.get()); }},
                {"set_clock", [&] { return m2mauth_a2a_set_clock(a, fixed_clock, nullptr, nullptr); }}});

  REQUIRE(m2mauth_a2a_call(out.out(), a, "GET", "pam/info/1", nullptr, 0) == M2MAUTH_OK);
  CHECK(canned.calls == 2);
  m2mauth_a2a_free(a);
}

TEST_CASE("threads: a verifier is frozen by its first verify, every setter then ESTATE, verify still works") {
  m2mauth_key *k = nullptr;
  REQUIRE(m2mauth_key_generate_hmac(&k, 32) == M2MAUTH_OK);
  capi::KeyPtr key(k);
  capi::Buf token;
  REQUIRE(m2mauth_jwt_sign_json(token.out(), key.get(), R"({"iss":"me","sub":"s"})", nullptr) == M2MAUTH_OK);
  m2mauth_verifier *v = nullptr;
  REQUIRE(m2mauth_verifier_new(&v, key.get(), M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS256)) == M2MAUTH_OK);
  capi::VerifierPtr verifier(v);
  REQUIRE(m2mauth_verifier_set_issuer(v, "me") == M2MAUTH_OK);
  m2mauth_claims *claims = nullptr;
  REQUIRE(m2mauth_verifier_verify(&claims, v, token.c_str()) == M2MAUTH_OK);
  m2mauth_claims_free(claims);

  check_frozen("verifier", {{"set_issuer", [&] { return m2mauth_verifier_set_issuer(v, "other"); }},
                            {"set_subject", [&] { return m2mauth_verifier_set_subject(v, "other"); }},
                            {"add_audience", [&] { return m2mauth_verifier_add_audience(v, "aud"); }},
                            {"require_claim", [&] { return m2mauth_verifier_require_claim(v, "jti"); }},
                            {"set_typ", [&] { return m2mauth_verifier_set_typ(v, "JWT"); }},
                            {"set_leeway", [&] { return m2mauth_verifier_set_leeway(v, 5); }},
                            {"set_max_size", [&] { return m2mauth_verifier_set_max_size(v, 1024); }},
                            {"set_clock", [&] { return m2mauth_verifier_set_clock(v, fixed_clock, nullptr, nullptr); }}});

  REQUIRE(m2mauth_verifier_verify(&claims, v, token.c_str()) == M2MAUTH_OK);  // issuer still "me"
  m2mauth_claims_free(claims);
}

TEST_CASE("threads: an OAuth 1.0 signer is frozen by its first signature, every setter then ESTATE, signing still works") {
  m2mauth_oauth1 *s = nullptr;
  REQUIRE(m2mauth_oauth1_new(&s, "consumer") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_consumer_secret(s, "consumer-secret") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_fixed_nonce(s, "nonce") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_fixed_timestamp(s, 1700000000) == M2MAUTH_OK);
  m2mauth_request *r = nullptr;
  REQUIRE(m2mauth_request_new(&r, "GET", "https://api.example.test/x") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_sign(s, r) == M2MAUTH_OK);
  std::string first = m2mauth_request_header(r, "Authorization");
  m2mauth_request_free(r);

  m2mauth_key *k = nullptr;
  REQUIRE(m2mauth_key_generate_rsa(&k, 2048) == M2MAUTH_OK);
  capi::KeyPtr key(k);
  check_frozen("OAuth 1.0 signer",
               {{"set_consumer_secret", [&] { return m2mauth_oauth1_set_consumer_secret(s, "x"); }},
                {"set_token", [&] { return m2mauth_oauth1_set_token(s, "t", "ts"); }},
                {"set_rsa_key", [&] { return m2mauth_oauth1_set_rsa_key(s, key.get()); }},
                {"set_method", [&] { return m2mauth_oauth1_set_method(s, M2MAUTH_OAUTH1_HMAC_SHA256); }},
                {"set_placement", [&] { return m2mauth_oauth1_set_placement(s, M2MAUTH_OAUTH1_IN_QUERY); }},
                {"set_realm", [&] { return m2mauth_oauth1_set_realm(s, "r"); }},
                {"set_include_version", [&] { return m2mauth_oauth1_set_include_version(s, 0); }},
                {"set_callback", [&] { return m2mauth_oauth1_set_callback(s, "oob"); }},
                {"set_verifier", [&] { return m2mauth_oauth1_set_verifier(s, "v"); }},
                {"add_param", [&] { return m2mauth_oauth1_add_param(s, "oauth_extra", "1"); }},
                {"clear_params", [&] { return m2mauth_oauth1_clear_params(s); }},
                {"set_clock", [&] { return m2mauth_oauth1_set_clock(s, fixed_clock, nullptr, nullptr); }},
                {"set_fixed_nonce", [&] { return m2mauth_oauth1_set_fixed_nonce(s, "other"); }},
                {"set_fixed_timestamp", [&] { return m2mauth_oauth1_set_fixed_timestamp(s, 1); }},
                {"set_body_hash", [&] { return m2mauth_oauth1_set_body_hash(s, 1); }}});

  REQUIRE(m2mauth_request_new(&r, "GET", "https://api.example.test/x") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_sign(s, r) == M2MAUTH_OK);
  CHECK(std::string(m2mauth_request_header(r, "Authorization")) == first);  // same configuration, same signature
  m2mauth_request_free(r);
  m2mauth_oauth1_free(s);
}

TEST_CASE("threads: the diagnostic functions of an OAuth 1.0 signer freeze it too") {
  m2mauth_oauth1 *s = nullptr;
  REQUIRE(m2mauth_oauth1_new(&s, "consumer") == M2MAUTH_OK);
  m2mauth_request *r = nullptr;
  REQUIRE(m2mauth_request_new(&r, "GET", "https://api.example.test/x") == M2MAUTH_OK);
  capi::Buf base;
  REQUIRE(m2mauth_oauth1_base_string(base.out(), s, r, "n", 1) == M2MAUTH_OK);
  check_frozen("OAuth 1.0 signer", {{"set_realm", [&] { return m2mauth_oauth1_set_realm(s, "r"); }}});
  m2mauth_request_free(r);
  m2mauth_oauth1_free(s);
}

TEST_CASE("threads: a custom transport takes no overrides, before or after use") {
  Canned canned{200, "{}"};
  Http http(&canned);
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  CHECK_STATUS(m2mauth_http_add_override(http.h, "https://x/", &o), M2MAUTH_ESTATE);
}
