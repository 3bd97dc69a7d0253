// The configuration through the C API of libm2mauth.so: loading (file, JSON, environment,
// $M2MAUTH_CONFIG), describe, get, has, errors, and every builder against real servers.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "config_servers.hpp"
#include "m2mauth/m2mauth.h"

using namespace m2mauth_test;

namespace {

struct Buf {
  m2mauth_buf b = M2MAUTH_BUF_INIT;
  ~Buf() { m2mauth_buf_dispose(&b); }
  std::string str() const { return b.ptr == nullptr ? std::string() : std::string(reinterpret_cast<const char *>(b.ptr), b.size); }
};

// Sets an environment variable for the scope of the object (tests run on one thread).
struct ScopedEnv {
  std::string name;
  ScopedEnv(const char *n, const std::string &value) : name(n) { setenv(n, value.c_str(), 1); }
  ~ScopedEnv() { unsetenv(name.c_str()); }
};

m2mauth_config *from_json(const std::string &json, int use_env = 0) {
  m2mauth_config *c = nullptr;
  REQUIRE(m2mauth_config_from_json(&c, json.c_str(), use_env) == M2MAUTH_OK);
  return c;
}

std::string get(const m2mauth_config *c, const char *name) {
  Buf b;
  REQUIRE(m2mauth_config_get(&b.b, c, name) == M2MAUTH_OK);
  return b.str();
}

std::string header_of(const m2mauth_response *r, const char *name) {
  size_t len = 0;
  const uint8_t *body = m2mauth_response_body(r, &len);
  cJSON *root = cJSON_ParseWithLength(reinterpret_cast<const char *>(body), len);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "headers"), name);
  std::string s = cJSON_IsString(v) ? v->valuestring : "";
  cJSON_Delete(root);
  return s;
}

}  // namespace

TEST_CASE("C API: load a file, the environment over it, $M2MAUTH_CONFIG; describe, get, has") {
  std::string secret_file = write_temp("capi-secret", "Zq9-capi-file-secret\n");
  std::string path = write_temp("capi.json", R"({"oauth2": {"token_url": "https://as.example/t", "client_id": "file-id",
      "client_secret_file": )" + quoted(secret_file) + R"(, "resource": ["a", "b"]}, "http": {"timeout_ms": 1500}})");
  m2mauth_config *c = nullptr;
  {
    ScopedEnv id("M2MAUTH_OAUTH2_CLIENT_ID", "env-id");
    ScopedEnv pw("M2MAUTH_OAUTH2_CLIENT_SECRET", "Zq9-capi-env-secret");
    REQUIRE(m2mauth_config_load(&c, path.c_str(), 1) == M2MAUTH_OK);
    CHECK(get(c, "oauth2.client_id") == "env-id");
    m2mauth_config *no_env = nullptr;
    REQUIRE(m2mauth_config_load(&no_env, path.c_str(), 0) == M2MAUTH_OK);
    CHECK(get(no_env, "oauth2.client_id") == "file-id");
    CHECK(get(no_env, "oauth2.client_secret_file") == secret_file);
    m2mauth_config_free(no_env);
  }
  CHECK(get(c, "http.timeout_ms") == "1500");
  CHECK(get(c, "oauth2.resource") == R"(["a","b"])");
  Buf d;
  REQUIRE(m2mauth_config_describe(&d.b, c) == M2MAUTH_OK);
  CHECK(d.str().find("Zq9-capi") == std::string::npos);
  CHECK(d.str().find("M2MAUTH_OAUTH2_CLIENT_SECRET") != std::string::npos);
  CHECK(m2mauth_config_has(c, "oauth2") == 1);
  CHECK(m2mauth_config_has(c, "senhasegura") == 0);
  CHECK(m2mauth_config_has(c, "oauth2.scope") == 0);
  CHECK(m2mauth_config_has(c, "bogus.key") == 0);
  CHECK(m2mauth_config_has(nullptr, "oauth2") == 0);
  Buf out;
  CHECK(m2mauth_config_get(&out.b, c, "oauth2.client_secret") == M2MAUTH_EINVAL);
  CHECK(m2mauth_config_get(&out.b, c, "oauth2.scope") == M2MAUTH_ENOTFOUND);
  CHECK(m2mauth_config_get(&out.b, c, "oauth2.scop") == M2MAUTH_EINVAL);
  CHECK(std::string(m2mauth_error_last()->message).find("scope") != std::string::npos);
  m2mauth_config_free(c);

  ScopedEnv var("M2MAUTH_CONFIG", path);
  REQUIRE(m2mauth_config_load(&c, nullptr, 0) == M2MAUTH_OK);
  CHECK(get(c, "oauth2.client_id") == "file-id");
  m2mauth_config_free(c);
  m2mauth_config_free(nullptr);
}

TEST_CASE("C API: errors name the key") {
  m2mauth_config *c = nullptr;
  CHECK(m2mauth_config_from_json(&c, R"({"http": {"timeout_ms": "10"}})", 0) == M2MAUTH_ECONFIG);
  CHECK(std::string(m2mauth_error_last()->message).find("http.timeout_ms") != std::string::npos);
  CHECK(m2mauth_config_from_json(&c, R"({"senhasegura": {"base_ur": "x"}})", 0) == M2MAUTH_ECONFIG);
  CHECK(std::string(m2mauth_error_last()->message).find("senhasegura.base_ur") != std::string::npos);
  CHECK(m2mauth_config_load(&c, "/nonexistent/m2mauth.json", 0) == M2MAUTH_EIO);
  CHECK(c == nullptr);
  CHECK(m2mauth_config_from_json(nullptr, "{}", 0) == M2MAUTH_EINVAL);
  CHECK(m2mauth_config_from_json(&c, nullptr, 0) == M2MAUTH_EINVAL);
  {
    ScopedEnv typo("M2MAUTH_SENHASEGURA_TENNANT", "x");
    CHECK(m2mauth_config_from_json(&c, "{}", 1) == M2MAUTH_ECONFIG);
    CHECK(std::string(m2mauth_error_last()->message).find("M2MAUTH_SENHASEGURA_TENNANT") != std::string::npos);
    CHECK(m2mauth_config_from_json(&c, "{}", 0) == M2MAUTH_OK);  // the environment is not read
    m2mauth_config_free(c);
  }
  // Builders on an incomplete configuration.
  c = from_json("{}");
  m2mauth_token_client *tc = nullptr;
  CHECK(m2mauth_token_client_new_from_config(&tc, c, nullptr) == M2MAUTH_ECONFIG);
  m2mauth_a2a *a = nullptr;
  CHECK(m2mauth_a2a_new_from_config(&a, c, nullptr) == M2MAUTH_ECONFIG);
  CHECK(a == nullptr);
  m2mauth_http *h = nullptr;
  REQUIRE(m2mauth_http_new_from_config(&h, c) == M2MAUTH_OK);  // the defaults
  m2mauth_http_free(h);
  m2mauth_config_free(c);
}

TEST_CASE("C API builders: transport with mTLS, token client, bmp manager with IdempotencyKey, A2A client") {
  ServerInfo tls = servers()["fault_tls"], oidc = servers()["oidc"], fault = servers()["fault"], a2a = servers()["a2a"];
  m2mauth_config *c = from_json(
      R"({"http": {"timeout_ms": 10000, "ca_file": )" + quoted(pki_dir() + "/ca.pem") + R"(, "client_cert": )" +
      quoted(cert_field("client_ec", "cert")) + R"(, "client_key": )" + quoted(cert_field("client_ec", "key")) + R"(},
          "oauth2": {"profile": "bmp", "token_url": )" + quoted(oidc.str("token_endpoint")) + R"(, "client_id": "svc-moneyp",
                     "private_key_file": )" + quoted(servers_dir() + "/keys/moneyp-private.pem") + R"(, "scope": "api.read"},
          "senhasegura": {"base_url": )" + quoted(a2a.str("base_url")) + R"(, "auth_method": "oauth1", "consumer_key": )" +
      quoted(a2a_field("consumer_key")) + R"(, "consumer_secret": )" + quoted(a2a_field("consumer_secret")) + R"(, "token": )" +
      quoted(a2a_field("token")) + R"(, "token_secret": )" + quoted(a2a_field("token_secret")) + "}}");

  m2mauth_http *http = nullptr;
  REQUIRE(m2mauth_http_new_from_config(&http, c) == M2MAUTH_OK);
  m2mauth_request *req = nullptr;
  REQUIRE(m2mauth_request_new(&req, "GET", (tls.str("url") + "/echo/capi").c_str()) == M2MAUTH_OK);
  m2mauth_response *resp = nullptr;
  REQUIRE(m2mauth_http_send(&resp, http, req) == M2MAUTH_OK);
  size_t len = 0;
  const uint8_t *body = m2mauth_response_body(resp, &len);
  CHECK(json_str(std::string(reinterpret_cast<const char *>(body), len), "tls_client_cert_sha256") == cert_field("client_ec", "sha256"));
  m2mauth_response_free(resp);
  m2mauth_request_free(req);

  m2mauth_token_client *tc = nullptr;
  REQUIRE(m2mauth_token_client_new_from_config(&tc, c, http) == M2MAUTH_OK);
  m2mauth_token *token = nullptr;
  REQUIRE(m2mauth_token_client_fetch(&token, tc) == M2MAUTH_OK);
  CHECK(std::string(m2mauth_token_scope(token)) == "api.read");
  m2mauth_token_free(token);
  m2mauth_token_client_free(tc);

  m2mauth_token_manager *manager = nullptr;
  REQUIRE(m2mauth_token_manager_new_from_config(&manager, c, nullptr) == M2MAUTH_OK);
  std::string first;
  for (int i = 0; i < 2; ++i) {
    REQUIRE(m2mauth_request_new(&req, "POST", (fault.str("url") + "/echo/bmp").c_str()) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_manager_request(&resp, manager, req) == M2MAUTH_OK);
    std::string key = header_of(resp, "IdempotencyKey");
    CHECK(key.size() == 36);
    CHECK(key != first);
    first = key;
    CHECK(header_of(resp, "Authorization").rfind("Bearer ", 0) == 0);
    m2mauth_response_free(resp);
    m2mauth_request_free(req);
  }
  m2mauth_token_manager_free(manager);

  m2mauth_a2a *client = nullptr;
  REQUIRE(m2mauth_a2a_new_from_config(&client, c, http) == M2MAUTH_OK);
  REQUIRE(m2mauth_a2a_set_tenant(client, "still configurable") == M2MAUTH_OK);
  Buf cred;
  REQUIRE(m2mauth_a2a_credential(&cred.b, client, "5") == M2MAUTH_OK);
  CHECK(json_str(cred.str(), "password") == "secret@2504");
  m2mauth_a2a_free(client);
  m2mauth_http_free(http);
  m2mauth_config_free(c);
}

TEST_CASE("C API, hostile input: files that are not regular, strict types and numbers, the core's ranges, NUL") {
  const std::string fifo = servers().dir() + "/capi-hostile.fifo";
  ::unlink(fifo.c_str());
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string base = R"({"oauth2": {"token_url": "https://as.example/t", "client_id": "i", )";
  m2mauth_config *c = nullptr;
  for (const std::string &path : {fifo, servers().dir(), std::string("/dev/null")}) {
    CAPTURE(path);
    m2mauth_key *k = nullptr;
    CHECK(m2mauth_key_from_file(&k, path.c_str(), nullptr) == M2MAUTH_EIO);
    CHECK(std::string(m2mauth_error_last()->message).find("not a regular file") != std::string::npos);
    m2mauth_cert *cert = nullptr;
    CHECK(m2mauth_cert_from_file(&cert, path.c_str()) == M2MAUTH_EIO);
    CHECK(m2mauth_config_load(&c, path.c_str(), 0) == M2MAUTH_EIO);
    CHECK(m2mauth_config_from_json(&c, (base + R"("client_secret_file": )" + quoted(path) + "}}").c_str(), 0) == M2MAUTH_ECONFIG);
    CHECK(std::string(m2mauth_error_last()->message).find("oauth2.client_secret_file") != std::string::npos);
    CHECK(m2mauth_config_from_json(&c, (R"({"http": {"ca_file": )" + quoted(path) + "}}").c_str(), 0) == M2MAUTH_OK);
    m2mauth_http *http = nullptr;
    CHECK(m2mauth_http_new_from_config(&http, c) == M2MAUTH_ECONFIG);
    CHECK(http == nullptr);
    m2mauth_config_free(c);
  }
  const std::string big = write_temp("capi-big", std::string((std::size_t{1} << 20) + 1, 'Q'));
  m2mauth_key *k = nullptr;
  CHECK(m2mauth_key_from_file(&k, big.c_str(), nullptr) == M2MAUTH_ETOOLARGE);
  CHECK(std::string(m2mauth_error_last()->message).find("QQQQ") == std::string::npos);
  struct Case {
    std::string json;
    const char *named;
  };
  for (const Case &bad : {Case{base + R"("resource": "https://rs.example/"}})", "oauth2.resource"},
                          Case{base + R"("assertion_lifetime_s": 1e2}})", "oauth2.assertion_lifetime_s"},
                          Case{base + R"("refresh_fraction": 0}})", "oauth2.refresh_fraction"},
                          Case{base + R"("scope": "Zq9\u0000x"}})", "oauth2.scope contains a NUL"},
                          Case{base + R"("client_secret": "Zq9\u0000x"}})", "oauth2.client_secret"}}) {
    CAPTURE(bad.json);
    c = nullptr;
    CHECK(m2mauth_config_from_json(&c, bad.json.c_str(), 0) == M2MAUTH_ECONFIG);
    CHECK(c == nullptr);
    std::string m = m2mauth_error_last()->message;
    CHECK(m.find(bad.named) != std::string::npos);
    CHECK(m.find("Zq9") == std::string::npos);
  }
  REQUIRE(m2mauth_config_from_json(&c, (base + R"("refresh_fraction": 0.01, "wait_timeout_ms": 0}})").c_str(), 0) == M2MAUTH_OK);
  CHECK(get(c, "oauth2.refresh_fraction") == "0.01");
  m2mauth_config_free(c);
}

TEST_CASE("C API: oauth2.dpop_key makes the configured manager DPoP-bound; describe shows no key; public key refused") {
  const std::string keys = servers_dir() + "/keys/";
  const std::string base =
      R"({"oauth2": {"token_url": "http://127.0.0.1:9/token", "client_id": "c", "client_secret": "s", )";
  m2mauth_config *c = from_json(base + R"("dpop_key_file": )" + quoted(keys + "ec-p256.pem") + "}}");
  Buf described;
  REQUIRE(m2mauth_config_describe(&described.b, c) == M2MAUTH_OK);
  CHECK(described.str().find("\"dpop_key_file\":") != std::string::npos);
  CHECK(described.str().find("PRIVATE KEY") == std::string::npos);
  CHECK(m2mauth_config_get(&described.b, c, "oauth2.dpop_key") == M2MAUTH_EINVAL);  // a secret: not read back
  m2mauth_token_manager *m = nullptr;
  REQUIRE(m2mauth_token_manager_new_from_config(&m, c, nullptr) == M2MAUTH_OK);
  m2mauth_dpop *d = nullptr;
  REQUIRE(m2mauth_token_manager_dpop(&d, m) == M2MAUTH_OK);
  REQUIRE(d != nullptr);
  m2mauth_key *k = nullptr;
  REQUIRE(m2mauth_key_from_file(&k, (keys + "ec-p256.pem").c_str(), nullptr) == M2MAUTH_OK);
  Buf a, b;
  REQUIRE(m2mauth_dpop_thumbprint(&a.b, d) == M2MAUTH_OK);
  REQUIRE(m2mauth_key_thumbprint(&b.b, k) == M2MAUTH_OK);
  CHECK(a.str() == b.str());
  m2mauth_key_free(k);
  m2mauth_dpop_free(d);
  m2mauth_token_manager_free(m);
  m2mauth_config_free(c);

  // ### Hostile input: a public key (or a certificate) as oauth2.dpop_key is M2MAUTH_ENOPRIVATE, naming the key.
  c = from_json(base + R"("dpop_key_file": )" + quoted(keys + "ec-p256.pub.pem") + "}}");
  m = reinterpret_cast<m2mauth_token_manager *>(1);
  CHECK(m2mauth_token_manager_new_from_config(&m, c, nullptr) == M2MAUTH_ENOPRIVATE);
  CHECK(m == nullptr);
  CHECK(std::string(m2mauth_error_last()->message).find("oauth2.dpop_key") != std::string::npos);
  m2mauth_config_free(c);
}
