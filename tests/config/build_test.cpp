// Builders against real servers: the http section (mTLS, PKCS#12), the oauth2 section (every way to
// authenticate, discovery, parameters), the "bmp" profile (oidc-provider and Authlib with svc-moneyp,
// IdempotencyKey on API calls), manager tuning, and the senhasegura section.
#include "config_support.hpp"
#include "m2mauth/core/senhasegura.hpp"

using namespace m2mauth_test;

namespace {

std::string moneyp_json(const std::string &token_url, const std::string &extra = "") {
  return R"({"http": {"timeout_ms": 10000}, "oauth2": {"profile": "bmp", "token_url": )" + quoted(token_url) +
         R"(, "client_id": "svc-moneyp", "private_key_file": )" + quoted(servers_dir() + "/keys/moneyp-private.pem") +
         R"(, "scope": "api.read api.write")" + extra + "}}";
}

Response get(Transport &t, const std::string &url) {
  Request req;
  req.url = url;
  return t.send(req);
}

bool is_uuid_v4(const std::string &s) {
  if (s.size() != 36 || s[14] != '4') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && std::string("0123456789abcdef").find(s[i]) == std::string::npos) return false;
  }
  return true;
}

std::string header_of(const std::string &echo, const char *name) {
  cJSON *root = cJSON_Parse(echo.c_str());
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "headers"), name);
  std::string s = cJSON_IsString(v) ? v->valuestring : "";
  cJSON_Delete(root);
  return s;
}

std::string manifest_p12(const char *field) {
  const cJSON *p12 = cJSON_GetObjectItemCaseSensitive(servers().pki().json(), "client_p12");
  return cJSON_GetObjectItemCaseSensitive(p12, field)->valuestring;
}

}  // namespace

TEST_CASE("http section: CA and client certificate (PEM, and PKCS#12 with its passphrase from a variable)") {
  ServerInfo tls = servers()["fault_tls"];
  Config pem = load(R"({"http": {"ca_file": )" + quoted(pki_dir() + "/ca.pem") + R"(, "client_cert": )" +
                    quoted(cert_field("client_rsa", "cert")) + R"(, "client_key": )" + quoted(cert_field("client_rsa", "key")) +
                    R"(, "timeout_ms": 10000}})");
  Response r = get(*make_transport(pem), tls.str("url") + "/echo/config");
  CHECK(r.status == 200);
  CHECK(json_str(r.body, "tls_client_cert_sha256") == cert_field("client_rsa", "sha256"));

  Config p12 = load(R"({"http": {"ca_file": )" + quoted(pki_dir() + "/ca.pem") + R"(, "client_cert": )" +
                        quoted(manifest_p12("path")) + R"(, "client_cert_type": "P12", "client_key_passphrase_env": "P12_PASS"}})",
                    {{"P12_PASS", manifest_p12("password")}});
  r = get(*make_transport(p12), tls.str("url") + "/echo/p12");
  CHECK(json_str(r.body, "tls_client_cert_sha256") == cert_field("client_rsa", "sha256"));

  // Without the CA the server's certificate is not trusted; insecure_skip_verify is never the default.
  Config none = load(R"({"http": {"client_cert": )" + quoted(cert_field("client_rsa", "cert")) + R"(, "client_key": )" +
                     quoted(cert_field("client_rsa", "key")) + "}}");
  CHECK(error_of([&] { get(*make_transport(none), tls.str("url") + "/echo/x"); }).code() == Errc::tls);
}

TEST_CASE("oauth2 section: client_secret_basic, client_secret_post, private_key_jwt by discovery") {
  ServerInfo oidc = servers()["oidc"];
  for (const char *id : {"svc-basic", "svc-post"}) {
    CAPTURE(id);
    Config c = load(R"({"oauth2": {"token_url": )" + quoted(oidc.str("token_endpoint")) + R"(, "client_id": )" + quoted(id) +
                    R"(, "auth_method": )" + quoted(client_field(id, "token_endpoint_auth_method")) + R"(, "client_secret": )" +
                    quoted(client_field(id, "client_secret")) + R"(, "scope": "api.read"}})");
    auto manager = make_token_manager(c);
    CHECK(!manager->get().access_token.empty());
  }
  Config c = load(R"({"oauth2": {"issuer": )" + quoted(oidc.str("issuer")) + R"(, "client_id": "svc-rs256", "private_key_file": )" +
                  quoted(servers_dir() + "/keys/rsa2048.pem") + R"(, "assertion_alg": "RS256", "assertion_lifetime_s": 60}})");
  auto manager = make_token_manager(c);
  CHECK(manager->client()->config().token_url == oidc.str("token_endpoint"));
  CHECK(manager->client()->config().assertion_lifetime_s == 60);
  CHECK(!manager->get().access_token.empty());
}

TEST_CASE("oauth2 section: scope, audience, resource and params reach the token endpoint") {
  ServerInfo fault = servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST", "{}");
  Config c = load(R"({"oauth2": {"token_url": )" + quoted(fault.str("token_endpoint")) +
                  R"(, "client_id": "svc-basic", "scope": "api.read", "audience": "https://api.example", "resource": ["https://rs.example/"],
                      "params": {"tenant": "acme"}, "default_expires_in_s": 120}})",
                  {{"M2MAUTH_OAUTH2_CLIENT_SECRET", client_field("svc-basic", "client_secret")}});
  auto manager = make_token_manager(c);
  CHECK(!manager->get().access_token.empty());
  std::string st = control(fault.str("control_url") + "/stats");
  cJSON *root = cJSON_Parse(st.c_str());
  const cJSON *form = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "last_token_request"), "form");
  auto field = [&](const char *n) { return std::string(cJSON_GetObjectItemCaseSensitive(form, n)->valuestring); };
  CHECK(field("scope") == "api.read");
  CHECK(field("audience") == "https://api.example");
  CHECK(field("resource") == "https://rs.example/");
  CHECK(field("tenant") == "acme");
  cJSON_Delete(root);
}

TEST_CASE("bmp profile: private_key_jwt RS256 with aud = token endpoint from oidc-provider's svc-moneyp; IdempotencyKey on API calls") {
  ServerInfo oidc = servers()["oidc"];
  ServerInfo fault = servers()["fault"];
  Config c = load(moneyp_json(oidc.str("token_endpoint")));
  ClientConfig cc = client_config_from(c);
  CHECK(cc.auth == ClientAuth::private_key_jwt);
  CHECK(cc.assertion_alg == static_cast<int>(Alg::rs256));
  CHECK(cc.assertion_audience == oidc.str("token_endpoint"));
  CHECK(manager_options_from(c).idempotency_header == "IdempotencyKey");
  std::string d = c.describe();
  CHECK(contains(d, R"("idempotency_header":"IdempotencyKey")"));
  CHECK(contains(d, R"("auth_method":"private_key_jwt")"));

  auto manager = make_token_manager(c);
  std::vector<std::string> keys;
  for (int i = 0; i < 2; ++i) {
    Request req;
    req.url = fault.str("url") + "/echo/bmp/pix";
    Response r = manager->request(req);
    REQUIRE(r.status == 200);
    CHECK(header_of(r.body, "Authorization").rfind("Bearer ", 0) == 0);
    keys.push_back(header_of(r.body, "IdempotencyKey"));
    CHECK(is_uuid_v4(keys.back()));
  }
  CHECK(keys[0] != keys[1]);
  // An explicit setting wins over the profile's preset.
  Config other = load(moneyp_json(oidc.str("token_endpoint"), R"(, "idempotency_header": "X-Request-Id")"));
  CHECK(manager_options_from(other).idempotency_header == "X-Request-Id");
}

TEST_CASE("bmp profile against Authlib, which accepts only aud = the token endpoint") {
  ServerInfo as = servers()["authlib"];
  auto manager = make_token_manager(load(moneyp_json(as.str("token_endpoint"))));
  TokenView v = manager->get();
  CHECK(!v.access_token.empty());
  CHECK(v.scope == "api.read api.write");
}

TEST_CASE("bmp profile: the 300-character scope limit and the RSA key are enforced client-side") {
  std::string scope(301, 'a');
  std::string m = config_error([&] {
    load(R"({"oauth2": {"profile": "bmp", "token_url": "https://auth.moneyp.dev.br/connect/token", "client_id": "c", "scope": )" +
         quoted(scope) + "}}");
  });
  CHECK(contains(m, "oauth2.scope is 301 characters"));
  CHECK(contains(m, "at most 300"));
  // The same when the scope comes from the environment.
  CHECK(contains(config_error([&] {
                   load(R"({"oauth2": {"profile": "bmp"}})", {{"M2MAUTH_OAUTH2_SCOPE", scope}});
                 }),
                 "at most 300"));
  std::string ok_scope(300, 'b');
  CHECK_NOTHROW(load(R"({"oauth2": {"profile": "bmp", "scope": )" + quoted(ok_scope) + "}}"));
  Config ec = load(R"({"oauth2": {"profile": "bmp", "token_url": "https://auth.moneyp.dev.br/connect/token", "client_id": "c", "private_key_file": )" +
                   quoted(servers_dir() + "/keys/ec-p256.pem") + "}}");
  CHECK(contains(config_error([&] { client_config_from(ec); }), "RSA"));
}

TEST_CASE("manager tuning from the oauth2 section") {
  Config c = load(R"({"oauth2": {"refresh_fraction": 0.5, "refresh_margin_ms": 1000, "expiry_skew_ms": 2000, "jitter_fraction": 0,
                                 "wait_timeout_ms": 3000, "backoff_base_ms": 100, "backoff_max_ms": 4000, "permanent_backoff_ms": 5000,
                                 "min_fetch_interval_ms": 250, "background_refresh": false}})");
  ManagerOptions m = manager_options_from(c);
  CHECK(m.refresh_fraction == 0.5);
  CHECK(m.refresh_margin_ms == 1000);
  CHECK(m.expiry_skew_ms == 2000);
  CHECK(m.jitter_fraction == 0.0);
  CHECK(m.wait_timeout_ms == 3000);
  CHECK(m.backoff_base_ms == 100);
  CHECK(m.backoff_max_ms == 4000);
  CHECK(m.permanent_backoff_ms == 5000);
  CHECK(m.min_fetch_interval_ms == 250);
  CHECK_FALSE(m.background_refresh);
  CHECK(m.idempotency_header.empty());
}

TEST_CASE("senhasegura section: each method, client_auth body with tenant, and the decryption key") {
  ServerInfo a2a = servers()["a2a"];
  control(a2a.str("control_url") + "/reset", "POST", "{}");
  std::string base = R"("base_url": )" + quoted(a2a.str("base_url"));
  std::vector<std::string> sections = {
      base + R"(, "client_id": )" + quoted(a2a_field("client_id")) + R"(, "client_secret": )" + quoted(a2a_field("client_secret")),
      base + R"(, "client_id": )" + quoted(a2a_field("client_id")) + R"(, "client_secret": )" + quoted(a2a_field("client_secret")) +
          R"(, "client_auth": "body", "tenant": "acme")",
      base + R"(, "auth_method": "oauth1", "consumer_key": )" + quoted(a2a_field("consumer_key")) + R"(, "consumer_secret": )" +
          quoted(a2a_field("consumer_secret")) + R"(, "token": )" + quoted(a2a_field("token")) + R"(, "token_secret": )" +
          quoted(a2a_field("token_secret")),
      base + R"(, "auth_method": "query", "consumer_key": )" + quoted(a2a_field("consumer_key")) + R"(, "token": )" + quoted(a2a_field("token")),
  };
  for (const std::string &s : sections) {
    CAPTURE(s);
    auto client = make_a2a_client(load(R"({"http": {"timeout_ms": 10000}, "senhasegura": {)" + s + "}}"));
    SecretJson cred = client->credential("5");
    CHECK(std::string(cJSON_GetObjectItemCaseSensitive(cred.get(), "password")->valuestring) == "secret@2504");
  }
  std::string st = control(a2a.str("control_url") + "/stats");
  cJSON *root = cJSON_Parse(st.c_str());
  const cJSON *req = cJSON_GetObjectItemCaseSensitive(root, "requests");
  CHECK(cJSON_GetObjectItemCaseSensitive(req, "oauth2")->valuedouble == 2);
  CHECK(cJSON_GetObjectItemCaseSensitive(req, "oauth1")->valuedouble == 1);
  CHECK(cJSON_GetObjectItemCaseSensitive(req, "query")->valuedouble == 1);
  const cJSON *auth = cJSON_GetObjectItemCaseSensitive(root, "token_auth");
  CHECK(cJSON_GetObjectItemCaseSensitive(auth, "basic")->valuedouble == 1);
  CHECK(cJSON_GetObjectItemCaseSensitive(auth, "body")->valuedouble == 1);
  CHECK(std::string(cJSON_GetObjectItemCaseSensitive(root, "last_tenant")->valuestring) == "acme");
  cJSON_Delete(root);

  ServerInfo enc = servers()["a2a_enc"];
  auto client = make_a2a_client(load(R"({"senhasegura": {"base_url": )" + quoted(enc.str("base_url")) +
                                     R"(, "auth_method": "query", "consumer_key": )" + quoted(a2a_field("consumer_key")) +
                                     R"(, "decryption_key_file": )" + quoted(servers_dir() + "/keys/a2a-encryption.pem") + "}}",
                                     {{"M2MAUTH_SENHASEGURA_TOKEN_ENV", "A2A_TOKEN"}, {"A2A_TOKEN", a2a_field("token")}}));
  SecretJson info = client->info("10");
  CHECK(std::string(cJSON_GetObjectItemCaseSensitive(info.get(), "content")->valuestring) == "pk_test_51M2mAuTh+/=");
}
