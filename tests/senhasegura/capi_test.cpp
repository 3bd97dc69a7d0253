// The A2A client through the C API of libm2mauth.so.
#include <doctest/doctest.h>

#include <string>

#include "a2a_servers.hpp"
#include "m2mauth/m2mauth.h"

using namespace m2mauth_test;

namespace {

struct Buf {
  m2mauth_buf b = M2MAUTH_BUF_INIT;
  ~Buf() { m2mauth_buf_dispose(&b); }
  std::string str() const { return b.ptr == nullptr ? std::string() : std::string(reinterpret_cast<const char *>(b.ptr), b.size); }
};

m2mauth_http *new_http() {
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  o.timeout_ms = 10000;
  m2mauth_http *h = nullptr;
  REQUIRE(m2mauth_http_new(&h, &o) == M2MAUTH_OK);
  return h;
}

m2mauth_a2a *new_a2a(const std::string &base_url, int auth) {
  A2ACredentials cred = a2a_credentials();
  m2mauth_http *http = new_http();
  m2mauth_a2a *a = nullptr;
  REQUIRE(m2mauth_a2a_new(&a, base_url.c_str(), http) == M2MAUTH_OK);
  m2mauth_http_free(http);  // the client keeps the transport alive
  REQUIRE(m2mauth_a2a_set_auth_method(a, auth) == M2MAUTH_OK);
  if (auth == M2MAUTH_A2A_OAUTH2) {
    REQUIRE(m2mauth_a2a_set_oauth2_client(a, cred.client_id.c_str(), cred.client_secret.c_str()) == M2MAUTH_OK);
  } else {
    m2mauth_a2a_oauth1_credentials c = M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT;
    c.consumer_key = cred.consumer_key.c_str();
    c.consumer_secret = cred.consumer_secret.c_str();
    c.token = cred.token.c_str();
    c.token_secret = cred.token_secret.c_str();
    REQUIRE(m2mauth_a2a_set_oauth1_credentials(a, &c) == M2MAUTH_OK);
  }
  return a;
}

std::string field(const std::string &json, const char *name) { return json_string(json, name); }

void check_no_secret(const char *message) {
  for (const std::string &s : a2a_credentials().secrets()) CHECK(std::string(message).find(s) == std::string::npos);
}

}  // namespace

TEST_CASE("C API: the three methods, typed helpers and the generic call") {
  for (int auth : {M2MAUTH_A2A_OAUTH2, M2MAUTH_A2A_OAUTH1, M2MAUTH_A2A_QUERY}) {
    CAPTURE(m2mauth_a2a_auth_name(auth));
    ServerInfo srv = fresh("a2a");
    m2mauth_a2a *a = new_a2a(srv.str("base_url"), auth);
    Buf cred, info, key, app, call;
    REQUIRE(m2mauth_a2a_credential(&cred.b, a, "credential_5@destktop-91.com") == M2MAUTH_OK);
    CHECK(field(cred.str(), "password") == "secret@2504");
    REQUIRE(m2mauth_a2a_info(&info.b, a, "10") == M2MAUTH_OK);
    CHECK(field(info.str(), "content") == "pk_test_51M2mAuTh+/=");
    REQUIRE(m2mauth_a2a_ssh_key(&key.b, a, "7") == M2MAUTH_OK);
    CHECK(field(key.str(), "private_key").rfind("-----BEGIN OPENSSH PRIVATE KEY-----", 0) == 0);
    REQUIRE(m2mauth_a2a_dsm_application(&app.b, a) == M2MAUTH_OK);
    CHECK(field(app.str(), "name") == "m2mauth-demo");
    REQUIRE(m2mauth_a2a_call(&call.b, a, "POST", "pam/info", R"({"content":"c-api secret","name":"x"})", 0) == M2MAUTH_OK);
    CHECK(json_number(call.str(), "response.status") == 201);
    std::string st = stats(srv);
    CHECK(json_number(st, std::string("requests.") + m2mauth_a2a_auth_name(auth)) == 5);
    // Configuration is frozen once the client is in use.
    CHECK(m2mauth_a2a_set_tenant(a, "t") == M2MAUTH_ESTATE);
    m2mauth_a2a_free(a);
  }
}

TEST_CASE("C API: vendor errors in the thread-local record, without secrets") {
  ServerInfo srv = fresh("a2a");
  m2mauth_a2a *a = new_a2a(srv.str("base_url"), M2MAUTH_A2A_OAUTH2);
  Buf out;
  struct Case {
    const char *path;
    int64_t code;
  };
  for (const Case &c : {Case{"pam/device/3", 1011}, Case{"pam/info/77", 1023}, Case{"pam/info/1024", 1024},
                        Case{"pam/info/1026", 1026}, Case{"pam/credential/404", 1010}, Case{"pam/key/0", 1030}}) {
    CAPTURE(c.path);
    CHECK(m2mauth_a2a_call(&out.b, a, "GET", c.path, nullptr, 0) == M2MAUTH_EVENDOR);
    const m2mauth_error *e = m2mauth_error_last();
    CHECK(e->code == M2MAUTH_EVENDOR);
    CHECK(e->vendor_code == c.code);
    CHECK(e->http_status == 400);
    CHECK(e->transient == 0);
    CHECK(std::string(e->message).find(std::to_string(c.code) + ":") != std::string::npos);
    check_no_secret(e->message);
    CHECK(out.b.ptr == nullptr);
  }
  m2mauth_a2a_free(a);

  // Wrong credentials: 401 -> M2MAUTH_EUNAUTHORIZED (query) / M2MAUTH_EOAUTH (token endpoint).
  m2mauth_http *http = new_http();
  m2mauth_a2a *q = nullptr;
  REQUIRE(m2mauth_a2a_new(&q, srv.str("base_url").c_str(), http) == M2MAUTH_OK);
  REQUIRE(m2mauth_a2a_set_auth_method(q, M2MAUTH_A2A_QUERY) == M2MAUTH_OK);
  std::string consumer_key = a2a_credentials().consumer_key;
  m2mauth_a2a_oauth1_credentials wrong = M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT;
  wrong.consumer_key = consumer_key.c_str();
  wrong.token = "not-the-token-4242";
  REQUIRE(m2mauth_a2a_set_oauth1_credentials(q, &wrong) == M2MAUTH_OK);
  CHECK(m2mauth_a2a_info(&out.b, q, "10") == M2MAUTH_EUNAUTHORIZED);
  CHECK(m2mauth_error_last()->http_status == 401);
  CHECK(std::string(m2mauth_error_last()->message).find("not-the-token-4242") == std::string::npos);
  m2mauth_a2a_free(q);
  m2mauth_a2a *o = nullptr;
  REQUIRE(m2mauth_a2a_new(&o, srv.str("base_url").c_str(), http) == M2MAUTH_OK);
  REQUIRE(m2mauth_a2a_set_oauth2_client(o, a2a_credentials().client_id.c_str(), "wrong-secret-9876") == M2MAUTH_OK);
  REQUIRE(m2mauth_a2a_set_client_auth(o, M2MAUTH_AUTH_CLIENT_SECRET_POST) == M2MAUTH_OK);
  CHECK(m2mauth_a2a_info(&out.b, o, "10") == M2MAUTH_EOAUTH);
  CHECK(std::string(m2mauth_error_last()->oauth_error) == "invalid_client");
  CHECK(std::string(m2mauth_error_last()->message).find("wrong-secret-9876") == std::string::npos);
  m2mauth_a2a_free(o);
  m2mauth_http_free(http);
}

TEST_CASE("C API: special client with Basic and body, tenant, token cached") {
  A2ACredentials cred = a2a_credentials();
  for (int auth : {M2MAUTH_AUTH_CLIENT_SECRET_BASIC, M2MAUTH_AUTH_CLIENT_SECRET_POST}) {
    ServerInfo srv = fresh("a2a");
    m2mauth_http *http = new_http();
    m2mauth_a2a *a = nullptr;
    REQUIRE(m2mauth_a2a_new(&a, (srv.str("url") + "/iso").c_str(), http) == M2MAUTH_OK);
    REQUIRE(m2mauth_a2a_set_oauth2_client(a, cred.special_id.c_str(), cred.special_secret.c_str()) == M2MAUTH_OK);
    REQUIRE(m2mauth_a2a_set_client_auth(a, auth) == M2MAUTH_OK);
    REQUIRE(m2mauth_a2a_set_tenant(a, "acme") == M2MAUTH_OK);
    Buf out;
    for (int i = 0; i < 3; ++i) REQUIRE(m2mauth_a2a_credential(&out.b, a, "6") == M2MAUTH_OK);
    std::string st = stats(srv);
    CHECK(json_number(st, "token_requests") == 1);
    CHECK(json_number(st, auth == M2MAUTH_AUTH_CLIENT_SECRET_BASIC ? "token_auth.basic" : "token_auth.body") == 1);
    CHECK(json_string(st, "last_tenant") == "acme");
    m2mauth_a2a_free(a);
    m2mauth_http_free(http);
  }
}

TEST_CASE("C API: decryption key, m2mauth_a2a_decrypt, NO_DECRYPT") {
  ServerInfo srv = fresh("a2a_enc");
  m2mauth_key *key = nullptr;
  REQUIRE(m2mauth_key_from_file(&key, encryption_key_path().c_str(), nullptr) == M2MAUTH_OK);
  m2mauth_a2a *a = new_a2a(srv.str("base_url"), M2MAUTH_A2A_QUERY);
  REQUIRE(m2mauth_a2a_set_decryption_key(a, key) == M2MAUTH_OK);
  Buf cred, raw, plain, app;
  REQUIRE(m2mauth_a2a_credential(&cred.b, a, "5") == M2MAUTH_OK);
  CHECK(field(cred.str(), "password") == "secret@2504");
  REQUIRE(m2mauth_a2a_call(&raw.b, a, "GET", "pam/info/10", nullptr, M2MAUTH_A2A_NO_DECRYPT) == M2MAUTH_OK);
  cJSON *doc = cJSON_Parse(raw.str().c_str());
  std::string cipher = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "info"), "content")->valuestring;
  cJSON_Delete(doc);
  REQUIRE(m2mauth_a2a_decrypt(&plain.b, key, cipher.c_str()) == M2MAUTH_OK);
  CHECK(plain.str() == "pk_test_51M2mAuTh+/=");
  REQUIRE(m2mauth_a2a_dsm_application(&app.b, a) == M2MAUTH_OK);
  CHECK(app.str().find("dsm-s3cret") != std::string::npos);
  CHECK(m2mauth_a2a_call(&raw.b, a, "GET", "pam/info/10", nullptr, 8) == M2MAUTH_EINVAL);
  m2mauth_a2a_free(a);

  m2mauth_key *pub = nullptr, *ec = nullptr;
  REQUIRE(m2mauth_key_public(&pub, key) == M2MAUTH_OK);
  REQUIRE(m2mauth_key_generate_ec(&ec, "P-256") == M2MAUTH_OK);
  m2mauth_a2a *b = new_a2a(srv.str("base_url"), M2MAUTH_A2A_QUERY);
  CHECK(m2mauth_a2a_set_decryption_key(b, pub) == M2MAUTH_ENOPRIVATE);
  CHECK(m2mauth_a2a_set_decryption_key(b, ec) == M2MAUTH_EKEYTYPE);
  CHECK(m2mauth_a2a_decrypt(&plain.b, key, "not base64!") == M2MAUTH_EPROTOCOL);
  CHECK(plain.b.ptr == nullptr);
  m2mauth_a2a_free(b);
  m2mauth_key_free(pub);
  m2mauth_key_free(ec);
  m2mauth_key_free(key);
}

TEST_CASE("C API: certificate fingerprints as pki.py writes them") {
  m2mauth_cert *cert = nullptr;
  REQUIRE(m2mauth_cert_from_file(&cert, cert_field("client_rsa", "cert").c_str()) == M2MAUTH_OK);
  Buf fp;
  REQUIRE(m2mauth_a2a_cert_fingerprints(&fp.b, cert) == M2MAUTH_OK);
  for (const char *f : {"sha256", "sha256_colon", "sha1", "sha1_colon"}) CHECK(field(fp.str(), f) == cert_field("client_rsa", f));
  m2mauth_cert_free(cert);
  CHECK(m2mauth_a2a_cert_fingerprints(&fp.b, nullptr) == M2MAUTH_EINVAL);
}

TEST_CASE("C API: HTTPS with a registered client certificate on the transport") {
  Servers &tls = tls_servers();
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  std::string ca = pki_dir() + "/ca.pem", cert = cert_field("client_rsa", "cert"), key = cert_field("client_rsa", "key");
  o.ca_file = ca.c_str();
  o.client_cert = cert.c_str();
  o.client_key = key.c_str();
  o.timeout_ms = 10000;
  m2mauth_http *http = nullptr;
  REQUIRE(m2mauth_http_new(&http, &o) == M2MAUTH_OK);
  A2ACredentials cred = a2a_credentials();
  m2mauth_a2a *a = nullptr;
  REQUIRE(m2mauth_a2a_new(&a, tls["a2a_tls"].str("base_url").c_str(), http) == M2MAUTH_OK);
  REQUIRE(m2mauth_a2a_set_oauth2_client(a, cred.client_id.c_str(), cred.client_secret.c_str()) == M2MAUTH_OK);
  Buf out;
  CHECK(m2mauth_a2a_credential(&out.b, a, "5") == M2MAUTH_OK);
  m2mauth_a2a_free(a);
  // The same against the server that registered only client_ec: 403 from the token endpoint.
  REQUIRE(m2mauth_a2a_new(&a, tls["a2a_tls_ec"].str("base_url").c_str(), http) == M2MAUTH_OK);
  REQUIRE(m2mauth_a2a_set_oauth2_client(a, cred.client_id.c_str(), cred.client_secret.c_str()) == M2MAUTH_OK);
  CHECK(m2mauth_a2a_credential(&out.b, a, "5") == M2MAUTH_EVENDOR);
  CHECK(m2mauth_error_last()->http_status == 403);
  CHECK(m2mauth_error_last()->vendor_code == 403);
  m2mauth_a2a_free(a);
  m2mauth_http_free(http);
}

TEST_CASE("C API: bad arguments") {
  m2mauth_http *http = new_http();
  m2mauth_a2a *a = nullptr;
  CHECK(m2mauth_a2a_new(nullptr, "https://x", http) == M2MAUTH_EINVAL);
  CHECK(m2mauth_a2a_new(&a, nullptr, http) == M2MAUTH_EINVAL);
  CHECK(m2mauth_a2a_new(&a, "https://x", nullptr) == M2MAUTH_EINVAL);
  CHECK(m2mauth_a2a_new(&a, "not a url", http) == M2MAUTH_EINVAL);
  CHECK(a == nullptr);
  REQUIRE(m2mauth_a2a_new(&a, "https://vault.example.test", http) == M2MAUTH_OK);
  CHECK(m2mauth_a2a_set_auth_method(a, 9) == M2MAUTH_EINVAL);
  CHECK(m2mauth_a2a_set_client_auth(a, M2MAUTH_AUTH_PRIVATE_KEY_JWT) == M2MAUTH_EINVAL);
  CHECK(m2mauth_a2a_set_oauth2_client(a, "", "x") == M2MAUTH_EINVAL);
  m2mauth_a2a_oauth1_credentials cred = M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT;
  cred.consumer_key = "k";
  CHECK(m2mauth_a2a_set_oauth1_credentials(a, &cred) == M2MAUTH_EINVAL);  // no token
  cred.token = "";
  CHECK(m2mauth_a2a_set_oauth1_credentials(a, &cred) == M2MAUTH_EINVAL);
  cred.token = "t";
  cred.version = 99;
  CHECK(m2mauth_a2a_set_oauth1_credentials(a, &cred) == M2MAUTH_EINVAL);
  CHECK(m2mauth_a2a_set_oauth1_credentials(a, nullptr) == M2MAUTH_EINVAL);
  CHECK(m2mauth_a2a_oauth1_credentials_init(&cred, 99) == M2MAUTH_EINVAL);
  REQUIRE(m2mauth_a2a_oauth1_credentials_init(&cred, M2MAUTH_A2A_OAUTH1_CREDENTIALS_VERSION) == M2MAUTH_OK);
  CHECK((cred.consumer_key == nullptr && cred.token == nullptr && cred.version == M2MAUTH_A2A_OAUTH1_CREDENTIALS_VERSION));
  Buf out;
  // Default method OAuth 2.0 without a client: a configuration error at the first call.
  CHECK(m2mauth_a2a_credential(&out.b, a, "5") == M2MAUTH_ECONFIG);
  CHECK(m2mauth_a2a_credential(&out.b, nullptr, "5") == M2MAUTH_EINVAL);
  CHECK(m2mauth_a2a_call(&out.b, a, "GET", "pam/x", "[1]", 0) == M2MAUTH_EINVAL);
  int auth = 0;
  CHECK(m2mauth_a2a_auth_from_name(&auth, "oauth1") == M2MAUTH_OK);
  CHECK(auth == M2MAUTH_A2A_OAUTH1);
  CHECK(m2mauth_a2a_auth_from_name(&auth, "nope") == M2MAUTH_EINVAL);
  CHECK(auth == 0);
  CHECK(std::string(m2mauth_a2a_auth_name(42)).empty());
  m2mauth_a2a_free(a);
  m2mauth_a2a_free(nullptr);
  m2mauth_http_free(http);
}
