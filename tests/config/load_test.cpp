// Reading the configuration: the file, the environment, both, $M2MAUTH_CONFIG, and what is refused.
#include "config_support.hpp"

using namespace m2mauth_test;

TEST_CASE("a file: every type read as written; get() and has()") {
  std::string path = write_temp("full.json", R"({
    "_comment": "members starting with _ are comments",
    "http": {"ca_file": "/etc/ca.pem", "timeout_ms": 2500, "insecure_skip_verify": false, "client_cert_type": "P12",
             "max_response_bytes": 65536, "_note": "ignored"},
    "oauth2": {"token_url": "https://as.example/token", "client_id": "svc", "client_secret": "s3cret-abc",
               "scope": "api.read api.write", "resource": ["https://api.example/", "urn:x"],
               "params": {"tenant": "acme", "x": "y z"}, "refresh_fraction": 0.6, "background_refresh": false},
    "senhasegura": {"base_url": "https://vault.example", "auth_method": "query", "consumer_key": "ck", "token": "tk"}
  })");
  ConfigSource s;
  s.path = path;
  Environment none;
  s.env = &none;
  Config c = Config::load(s);
  CHECK(c.get("http.ca_file") == "/etc/ca.pem");
  CHECK(c.get("http.timeout_ms") == "2500");
  CHECK(c.get("http.insecure_skip_verify") == "false");
  CHECK(c.get("http.client_cert_type") == "P12");
  CHECK(c.get("oauth2.resource") == R"(["https://api.example/","urn:x"])");
  CHECK(c.get("oauth2.params") == R"({"tenant":"acme","x":"y z"})");
  CHECK(c.get("oauth2.refresh_fraction") == "0.6");
  CHECK(c.get("oauth2.auth_method") == "client_secret_basic");  // inferred from client_secret
  CHECK(c.get("http.proxy") == std::nullopt);
  CHECK(c.has("http"));
  CHECK(c.has("oauth2.scope"));
  CHECK_FALSE(c.has("oauth2.audience"));
  CHECK(c.has("senhasegura.token"));
  CHECK(error_of([&] { c.get("oauth2.client_secret"); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { c.get("senhasegura.token"); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { c.get("oauth2.scopes"); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { c.get("oauth2"); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { c.has("nosuch.key"); }).code() == Errc::invalid_argument);
  HttpConfig h = http_config_from(c);
  CHECK(h.timeout_ms == 2500);
  CHECK(h.max_response_bytes == 65536);
  CHECK(h.client_cert_type == "P12");
  ClientConfig cc = client_config_from(c);
  CHECK(cc.scope.resources == std::vector<std::string>{"https://api.example/", "urn:x"});
  CHECK(cc.extra_params.size() == 2);
  CHECK(cc.client_secret.reveal() == "s3cret-abc");
  ManagerOptions m = manager_options_from(c);
  CHECK(m.refresh_fraction == doctest::Approx(0.6));
  CHECK_FALSE(m.background_refresh);
  CHECK(describe_contains_sources(c.describe(), path));
}

TEST_CASE("the environment alone: M2MAUTH_<SECTION>_<KEY>, typed from text") {
  Environment env = {{"M2MAUTH_HTTP_TIMEOUT_MS", "1200"},
                     {"M2MAUTH_HTTP_INSECURE_SKIP_VERIFY", "yes"},
                     {"M2MAUTH_OAUTH2_TOKEN_URL", "https://as.example/token"},
                     {"M2MAUTH_OAUTH2_CLIENT_ID", "svc-env"},
                     {"M2MAUTH_OAUTH2_AUTH_METHOD", "client_secret_post"},
                     {"M2MAUTH_OAUTH2_CLIENT_SECRET", "env-secret-1"},
                     {"M2MAUTH_OAUTH2_RESOURCE", " https://a.example/ , urn:b ,"},
                     {"M2MAUTH_OAUTH2_PARAMS", R"({"k":"v"})"},
                     {"M2MAUTH_OAUTH2_JITTER_FRACTION", "0.25"},
                     {"M2MAUTH_CONFIG_UNRELATED", "x"},
                     {"M2MAUTH_KEEP_SERVER_LOGS", "1"},
                     {"HOME", "/root"}};
  Config c = load_env(env);
  HttpConfig h = http_config_from(c);
  CHECK(h.timeout_ms == 1200);
  CHECK_FALSE(h.verify_peer);
  ClientConfig cc = client_config_from(c);
  CHECK(cc.client_id == "svc-env");
  CHECK(cc.auth == ClientAuth::client_secret_post);
  CHECK(cc.client_secret.reveal() == "env-secret-1");
  CHECK(cc.scope.resources == std::vector<std::string>{"https://a.example/", "urn:b"});
  CHECK(cc.extra_params == std::vector<Header>{{"k", "v"}});
  CHECK(manager_options_from(c).jitter_fraction == doctest::Approx(0.25));
  std::string d = c.describe();
  CHECK(contains(d, "M2MAUTH_OAUTH2_CLIENT_ID"));
  CHECK_FALSE(contains(d, "M2MAUTH_KEEP_SERVER_LOGS"));
}

TEST_CASE("file and environment: the environment wins key by key, secrets included, whatever their form") {
  std::string secret_file = write_temp("prec-secret", "file-secret-value\n");
  std::string json = R"({"oauth2": {"token_url": "https://file.example/token", "client_id": "file-id", "scope": "a",
                         "client_secret_file": )" + quoted(secret_file) + R"(}, "http": {"timeout_ms": 100}})";
  Config file_only = load(json, {{"M2MAUTH_OAUTH2_CLIENT_ID", "env-id"}}, false);
  CHECK(file_only.get("oauth2.client_id") == "file-id");
  Config both = load(json, {{"M2MAUTH_OAUTH2_CLIENT_ID", "env-id"}, {"M2MAUTH_OAUTH2_CLIENT_SECRET", "env-secret"},
                            {"M2MAUTH_HTTP_TIMEOUT_MS", "200"}});
  CHECK(both.get("oauth2.client_id") == "env-id");
  CHECK(both.get("oauth2.token_url") == "https://file.example/token");
  CHECK(both.get("oauth2.scope") == "a");
  CHECK(both.get("http.timeout_ms") == "200");
  CHECK(client_config_from(both).client_secret.reveal() == "env-secret");
  CHECK_FALSE(both.has("oauth2.client_secret_file"));
  CHECK(client_config_from(load(json)).client_secret.reveal() == "file-secret-value");
  CHECK(load(json).get("oauth2.client_secret_file") == secret_file);
}

TEST_CASE("$M2MAUTH_CONFIG names the file when no path is given") {
  std::string path = write_temp("via-var.json", R"({"senhasegura": {"base_url": "https://v.example", "client_id": "i", "client_secret": "s"}})");
  Environment env = {{"M2MAUTH_CONFIG", path}, {"M2MAUTH_SENHASEGURA_TENANT", "t1"}};
  Config c = load_env(env);
  CHECK(c.get("senhasegura.base_url") == "https://v.example");
  CHECK(c.get("senhasegura.tenant") == "t1");
  ConfigSource s;
  s.env = &env;
  s.config_var = false;
  CHECK_FALSE(Config::load(s).has("senhasegura.base_url"));
  Environment missing = {{"M2MAUTH_CONFIG", servers().dir() + "/no-such.json"}};
  CHECK(contains(config_error([&] { load_env(missing); }, Errc::io), "no-such.json"));
}

TEST_CASE("unknown sections, keys and variables are refused, naming the key and the likely intent") {
  std::string m = config_error([] { load(R"({"oauth2": {"client_secrt": "x"}})"); });
  CHECK(contains(m, "\"oauth2.client_secrt\""));
  CHECK(contains(m, "did you mean \"client_secret\""));
  CHECK(contains(config_error([] { load(R"({"oauth3": {}})"); }), "\"oauth3\""));
  CHECK(contains(config_error([] { load(R"({"http": {"timeout": 5}})"); }), "timeout_ms"));
  m = config_error([] { load_env({{"M2MAUTH_HTTP_CA_FIEL", "/x"}}); });
  CHECK(contains(m, "M2MAUTH_HTTP_CA_FIEL"));
  CHECK(contains(m, "ca_file"));
  CHECK(contains(config_error([] { load(R"({"http": {"ca_file_file": "/x"}})"); }), "http.ca_file_file"));
  CHECK(contains(config_error([] { load(R"({"oauth2": {"scope_env": "X"}})"); }), "oauth2.scope_env"));
}

TEST_CASE("wrong types, out-of-range values and unknown choices are refused, naming the key") {
  struct Case {
    const char *json;
    const char *key;
  };
  for (const Case &c : {
           Case{R"({"http": {"timeout_ms": "5000"}})", "http.timeout_ms must be an integer"},
           Case{R"({"http": {"timeout_ms": 1.5}})", "http.timeout_ms must be an integer"},
           Case{R"({"http": {"timeout_ms": -1}})", "http.timeout_ms: HTTP options: timeout_ms must be 0 to"},
           Case{R"({"http": {"insecure_skip_verify": "true"}})", "http.insecure_skip_verify must be true or false"},
           Case{R"({"http": {"client_cert_type": "DER"}})", "http.client_cert_type"},
           Case{R"({"http": {"ca_file": 7}})", "http.ca_file must be a string"},
           Case{R"({"http": []})", "\"http\" must be a JSON object"},
           Case{R"({"oauth2": {"resource": 5}})", "oauth2.resource must be a list"},
           Case{R"({"oauth2": {"resource": ["a", 1]}})", "oauth2.resource must be a list"},
           Case{R"({"oauth2": {"params": {"a": 1}}})", "oauth2.params.a must be a string"},
           Case{R"({"oauth2": {"assertion_lifetime_s": 5}})", "oauth2.assertion_lifetime_s: assertion lifetime must be 10 to 3600 seconds"},
           Case{R"({"oauth2": {"assertion_alg": "none"}})", "oauth2.assertion_alg"},
           Case{R"({"oauth2": {"auth_method": "basic"}})", "oauth2.auth_method"},
           Case{R"({"oauth2": {"profile": "moneyp"}})", "oauth2.profile"},
           Case{R"({"oauth2": {"refresh_fraction": 2}})", "oauth2.refresh_fraction"},
           Case{R"({"oauth2": {"client_secret": 12345}})", "oauth2.client_secret must be a string"},
           Case{R"({"oauth2": {"client_secret_file": true}})", "oauth2.client_secret_file must be a string"},
           Case{R"({"senhasegura": {"auth_method": "oauth3"}})", "senhasegura.auth_method"},
           Case{R"({"senhasegura": {"client_auth": "post"}})", "senhasegura.client_auth"},
       }) {
    CAPTURE(c.json);
    CHECK(contains(config_error([&] { load(c.json); }), c.key));
  }
  for (auto [name, value] : {std::pair<const char *, const char *>{"M2MAUTH_HTTP_TIMEOUT_MS", "12x"},
                             {"M2MAUTH_HTTP_TIMEOUT_MS", " 12"},
                             {"M2MAUTH_HTTP_INSECURE_SKIP_VERIFY", "maybe"},
                             {"M2MAUTH_OAUTH2_REFRESH_FRACTION", "half"},
                             {"M2MAUTH_OAUTH2_PARAMS", "a=b"}}) {
    CAPTURE(name);
    CHECK(contains(config_error([&] { load_env({{name, value}}); }), name));
  }
  CHECK(config_error([] { load("not json"); }).find("not valid JSON") != std::string::npos);
  CHECK(contains(config_error([] { load("[1]"); }), "not a JSON object"));
  CHECK(contains(config_error([] { load(R"({"http": {"ca_file": "a", "ca_file": "b"}})"); }), "duplicate"));
}

TEST_CASE("builders refuse incomplete or inconsistent sections") {
  CHECK(contains(config_error([] { client_config_from(load("{}")); }), "no oauth2 section"));
  CHECK(contains(config_error([] { client_config_from(load(R"({"oauth2": {"token_url": "https://x/t", "client_secret": "s"}})")); }),
                 "oauth2.client_id"));
  CHECK(contains(config_error([] { client_config_from(load(R"({"oauth2": {"client_id": "i", "client_secret": "s"}})")); }),
                 "token_url and oauth2.issuer"));
  CHECK(contains(config_error([] {
                   client_config_from(load(R"({"oauth2": {"client_id": "i", "client_secret": "s", "token_url": "https://x/t", "issuer": "https://x"}})"));
                 }),
                 "exactly one"));
  CHECK(contains(config_error([] { client_config_from(load(R"({"oauth2": {"client_id": "i", "issuer": "https://x", "client_secret": "s"}})")); }),
                 "discovery"));
  CHECK(contains(config_error([] { client_config_from(load(R"({"oauth2": {"client_id": "i", "token_url": "https://x/t", "auth_method": "private_key_jwt"}})")); }),
                 "oauth2.private_key"));
  CHECK(contains(config_error([] { a2a_config_from(load("{}")); }), "no senhasegura section"));
  CHECK(contains(config_error([] { a2a_config_from(load(R"({"senhasegura": {"base_url": "https://v"}})")); }), "senhasegura.client_id"));
  CHECK(contains(config_error([] { a2a_config_from(load(R"({"senhasegura": {"base_url": "https://v", "auth_method": "oauth1", "consumer_key": "k", "token": "t"}})")); }),
                 "senhasegura.consumer_secret"));
  CHECK(contains(config_error([] { http_config_from(load(R"({"http": {"client_key": "/k.pem"}})")); }), "http.client_cert"));
  CHECK(contains(config_error([] { manager_options_from(load(R"({"oauth2": {"backoff_base_ms": 5000, "backoff_max_ms": 100}})")); }),
                 "backoff"));
  // No http section: the transport's defaults.
  HttpConfig h = http_config_from(load("{}"));
  CHECK(h.verify_peer);
  CHECK(h.timeout_ms == HttpConfig{}.timeout_ms);
}
