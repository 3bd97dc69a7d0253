// tests/vectors/m2mauth/options.json through the C API: the option structs as given, read back by
// m2mauth_*_options_describe(), and the constructors refusing exactly what describe refuses. The client
// assertion options have no describe(): what they give is read from the assertion the client signs.
#include <cstdio>
#include <cstring>
#include <string>

#include "capi_support.hpp"

using capi::Buf;
using m2mtest::str;

namespace {

m2mtest::JsonPtr options_doc() { return m2mtest::load_vector_json("m2mauth/options.json"); }

// Owned copies of the strings the struct points at.
struct Texts {
  std::string values[16];
  int used = 0;
  const char *keep(const cJSON *v) {
    values[used] = v->valuestring;
    return values[used++].c_str();
  }
};

void set_manager_field(m2mauth_token_manager_options &o, const cJSON *v) {
  const std::string name = v->string;
  const double d = v->valuedouble;
  if (name == "version") o.version = static_cast<unsigned int>(d);
  else if (name == "refresh_fraction") o.refresh_fraction = d;
  else if (name == "refresh_margin_ms") o.refresh_margin_ms = static_cast<int64_t>(d);
  else if (name == "expiry_skew_ms") o.expiry_skew_ms = static_cast<int64_t>(d);
  else if (name == "jitter_fraction") o.jitter_fraction = d;
  else if (name == "wait_timeout_ms") o.wait_timeout_ms = static_cast<int64_t>(d);
  else if (name == "backoff_base_ms") o.backoff_base_ms = static_cast<int64_t>(d);
  else if (name == "backoff_max_ms") o.backoff_max_ms = static_cast<int64_t>(d);
  else if (name == "permanent_backoff_ms") o.permanent_backoff_ms = static_cast<int64_t>(d);
  else if (name == "min_fetch_interval_ms") o.min_fetch_interval_ms = static_cast<int64_t>(d);
  else if (name == "max_keys") o.max_keys = static_cast<int64_t>(d);
  else if (name == "caller_refresh") o.caller_refresh = static_cast<int>(d);
  else if (name == "report_cache_hits") o.report_cache_hits = static_cast<int>(d);
  else FAIL("unknown token manager field " << name);
}

void set_http_field(m2mauth_http_options &o, const cJSON *v, Texts &texts) {
  const std::string name = v->string;
  if (cJSON_IsString(v)) {
    const char *s = texts.keep(v);
    if (name == "ca_file") o.ca_file = s;
    else if (name == "ca_dir") o.ca_dir = s;
    else if (name == "client_cert") o.client_cert = s;
    else if (name == "client_key") o.client_key = s;
    else if (name == "client_key_passphrase") o.client_key_passphrase = s;
    else if (name == "client_cert_type") o.client_cert_type = s;
    else if (name == "proxy") o.proxy = s;
    else if (name == "user_agent") o.user_agent = s;
    else FAIL("unknown HTTP text field " << name);
    return;
  }
  const double d = v->valuedouble;
  if (name == "version") o.version = static_cast<unsigned int>(d);
  else if (name == "insecure_skip_verify") o.insecure_skip_verify = static_cast<int>(d);
  else if (name == "connect_timeout_ms") o.connect_timeout_ms = static_cast<int64_t>(d);
  else if (name == "timeout_ms") o.timeout_ms = static_cast<int64_t>(d);
  else if (name == "max_response_bytes") o.max_response_bytes = static_cast<size_t>(d);
  else if (name == "allow_plain_http") o.allow_plain_http = static_cast<int>(d);
  else FAIL("unknown HTTP field " << name);
}

// The struct of `version` (the current one unless given names it) with its _init() defaults.
template <typename T, typename Init>
T initialised(const cJSON *given, unsigned int current, Init init) {
  T o;
  std::memset(&o, 0xab, sizeof o);
  const cJSON *v = m2mtest::find(given, "version");
  const unsigned int version = v == nullptr ? current : static_cast<unsigned int>(v->valuedouble);
  if (init(&o, version) != M2MAUTH_OK) init(&o, current);  // an unknown version: set below, refused later
  return o;
}

void check_result(const cJSON *c, m2mauth_status status, const Buf &described) {
  if (m2mtest::has(c, "error")) {
    CHECK_STATUS_NAMED(status, str(c, "error").c_str());
    CHECK(described.str().empty());
    return;
  }
  INFO(m2mauth_error_last()->message);
  REQUIRE(status == M2MAUTH_OK);
  m2mtest::JsonPtr got = m2mtest::parse_json(described.str());
  INFO("described: " << described.str());
  INFO("expected:  " << m2mtest::print(m2mtest::member(c, "effective")));
  CHECK(cJSON_Compare(got.get(), m2mtest::member(c, "effective"), 1));
}

void set_assertion_field(m2mauth_assertion_options &o, const cJSON *v) {
  const std::string name = v->string;
  const double d = v->valuedouble;
  if (name == "version") o.version = static_cast<unsigned int>(d);
  else if (name == "lifetime_s") o.lifetime_s = static_cast<int64_t>(d);
  else if (name == "clock_skew_s") o.clock_skew_s = static_cast<int64_t>(d);
  else FAIL("unknown assertion field " << name);
}

constexpr int64_t kFixedNowS = 1700000000;
int64_t fixed_clock(void *) { return kFixedNowS * 1000; }

// An application transport that keeps the client_assertion of the token request and answers a token.
m2mauth_status keep_assertion(m2mauth_response **out, const m2mauth_request *req, void *payload) {
  size_t len = 0;
  const uint8_t *body = m2mauth_request_body(req, &len);
  const std::string form(reinterpret_cast<const char *>(body), len);
  const std::string field = "client_assertion=";
  const std::size_t at = form.find(field);
  if (at != std::string::npos) {
    const std::size_t end = form.find('&', at);
    *static_cast<std::string *>(payload) =
        form.substr(at + field.size(), end == std::string::npos ? std::string::npos : end - at - field.size());
  }
  const std::string answer = R"({"access_token":"options-token","token_type":"Bearer","expires_in":3600})";
  m2mauth_response *r = nullptr;
  const m2mauth_status rc = m2mauth_response_new(&r, 200);
  if (rc != M2MAUTH_OK) return rc;
  m2mauth_response_add_header(r, "Content-Type", "application/json");
  m2mauth_response_set_body(r, capi::bytes(answer), answer.size());
  *out = r;
  return M2MAUTH_OK;
}

// The claims of a compact JWS (not verified: the suite only reads the times the client wrote).
m2mtest::JsonPtr jws_claims(const std::string &jws) {
  const std::size_t first = jws.find('.');
  const std::size_t second = jws.find('.', first + 1);
  REQUIRE(second != std::string::npos);
  Buf payload;
  REQUIRE_OK(m2mauth_util_base64url_decode(payload.out(), jws.substr(first + 1, second - first - 1).c_str()));
  return m2mtest::parse_json(payload.str());
}

}  // namespace

TEST_CASE("options.json: token manager options given -> describe, and the manager refuses the same values") {
  auto doc = options_doc();
  m2mauth_http *http = nullptr;
  REQUIRE_OK(m2mauth_http_new(&http, nullptr));
  m2mauth_token_client *client = nullptr;
  REQUIRE_OK(m2mauth_token_client_new(&client, "https://as.invalid/token", "options-client", http));
  m2mauth_http_free(http);
  REQUIRE_OK(m2mauth_token_client_set_secret(client, "a-secret-the-manager-never-uses"));
  int n = 0;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "cases")) {
    if (str(c, "struct") != "token_manager") continue;
    INFO(str(c, "name"));
    const cJSON *given = m2mtest::member(c, "given");
    auto o = initialised<m2mauth_token_manager_options>(given, M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION,
                                                        m2mauth_token_manager_options_init);
    M2MTEST_FOR_EACH(v, given) set_manager_field(o, v);
    Buf described;
    check_result(c, m2mauth_token_manager_options_describe(described.out(), &o), described);
    o.caller_refresh = 1;  // no manager thread needed to check the constructor
    m2mauth_token_manager *manager = nullptr;
    const m2mauth_status made = m2mauth_token_manager_new(&manager, client, &o);
    if (m2mtest::has(c, "error")) CHECK_STATUS_NAMED(made, str(c, "error").c_str());
    else CHECK(made == M2MAUTH_OK);
    m2mauth_token_manager_free(manager);
    ++n;
  }
  m2mauth_token_client_free(client);
  CHECK(n >= 40);
  std::printf("[vectors] %-44s %4d cases\n", "m2mauth/options.json token_manager", n);
}

TEST_CASE("options.json: HTTP options given -> describe, and the transport refuses the same values") {
  auto doc = options_doc();
  int n = 0;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "cases")) {
    if (str(c, "struct") != "http") continue;
    INFO(str(c, "name"));
    const cJSON *given = m2mtest::member(c, "given");
    auto o = initialised<m2mauth_http_options>(given, M2MAUTH_HTTP_OPTIONS_VERSION, m2mauth_http_options_init);
    Texts texts;
    M2MTEST_FOR_EACH(v, given) set_http_field(o, v, texts);
    Buf described;
    check_result(c, m2mauth_http_options_describe(described.out(), &o), described);
    if (m2mtest::has(c, "error")) {
      m2mauth_http *http = nullptr;
      CHECK_STATUS_NAMED(m2mauth_http_new(&http, &o), str(c, "error").c_str());
      CHECK(http == nullptr);
    }
    ++n;
  }
  CHECK(n >= 20);
  std::printf("[vectors] %-44s %4d cases\n", "m2mauth/options.json http", n);
}

TEST_CASE("options.json: assertion options given -> the signed assertion's times, refusals naming the member") {
  auto doc = options_doc();
  int n = 0;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "cases")) {
    if (str(c, "struct") != "assertion") continue;
    INFO(str(c, "name"));
    const cJSON *given = m2mtest::member(c, "given");
    REQUIRE(m2mtest::has(given, "version"));  // C only: the bindings skip these cases
    auto o = initialised<m2mauth_assertion_options>(given, M2MAUTH_ASSERTION_OPTIONS_VERSION,
                                                    m2mauth_assertion_options_init);
    M2MTEST_FOR_EACH(v, given) set_assertion_field(o, v);
    std::string assertion;
    m2mauth_http *http = nullptr;
    REQUIRE_OK(m2mauth_http_new_custom(&http, keep_assertion, &assertion, nullptr));
    m2mauth_token_client *client = nullptr;
    REQUIRE_OK(m2mauth_token_client_new(&client, "https://as.example.test/token", "options-client", http));
    m2mauth_http_free(http);  // the client keeps the transport
    REQUIRE_OK(m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_CLIENT_SECRET_JWT));
    REQUIRE_OK(m2mauth_token_client_set_secret(client, "an-hmac-secret-of-more-than-32-bytes-for-hs256"));
    REQUIRE_OK(m2mauth_token_client_set_clock(client, fixed_clock, nullptr, nullptr));
    const m2mauth_status set = m2mauth_token_client_set_assertion(client, &o);
    if (m2mtest::has(c, "error")) {
      CHECK_STATUS_NAMED(set, str(c, "error").c_str());
      const std::string message = m2mauth_error_last()->message;
      if (m2mtest::has(c, "names")) {
        INFO(message);
        CHECK(message.find("m2mauth_assertion_options." + str(c, "names") + ":") != std::string::npos);
      }
    } else {
      INFO(m2mauth_error_last()->message);
      REQUIRE(set == M2MAUTH_OK);
      m2mauth_token *token = nullptr;
      REQUIRE_OK(m2mauth_token_client_fetch(&token, client));
      m2mauth_token_free(token);
      REQUIRE_FALSE(assertion.empty());
      auto claims = jws_claims(assertion);
      const cJSON *effective = m2mtest::member(c, "effective");
      CHECK(m2mtest::integer(claims.get(), "exp") - kFixedNowS == m2mtest::integer(effective, "lifetime_s"));
      CHECK(kFixedNowS - m2mtest::integer(claims.get(), "iat") == m2mtest::integer(effective, "clock_skew_s"));
      CHECK(kFixedNowS - m2mtest::integer(claims.get(), "nbf") == m2mtest::integer(effective, "clock_skew_s"));
    }
    m2mauth_token_client_free(client);
    ++n;
  }
  CHECK(n >= 15);
  std::printf("[vectors] %-44s %4d cases\n", "m2mauth/options.json assertion", n);
}

TEST_CASE("options: _INIT and _init() write the same defaults, version 1 and unknown versions") {
  static const m2mauth_token_manager_options a = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;  // static: padding zeroed
  m2mauth_token_manager_options b;
  std::memset(&b, 0xab, sizeof b);
  REQUIRE_OK(m2mauth_token_manager_options_init(&b, M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION));
  CHECK(std::memcmp(&a, &b, sizeof a) == 0);
  CHECK(b.version == M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION);
  CHECK(b.jitter_fraction == 0.1);
  REQUIRE_OK(m2mauth_token_manager_options_init(&b, 1));
  CHECK(b.version == 1);
  CHECK(b.refresh_fraction == 0.0);
  CHECK(b.wait_timeout_ms == 0);
  // A version 3 caller's struct ends before max_keys: init(3) writes nothing past it.
  std::memset(&b, 0xab, sizeof b);
  REQUIRE_OK(m2mauth_token_manager_options_init(&b, 3));
  CHECK(b.version == 3);
  CHECK(b.min_fetch_interval_ms == 1000);
  unsigned char tail[sizeof b.max_keys];
  std::memcpy(tail, &b.max_keys, sizeof tail);
  for (unsigned char c : tail) CHECK(c == 0xab);
  CHECK_STATUS(m2mauth_token_manager_options_init(&b, M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION + 1), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_token_manager_options_init(&b, 0), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_token_manager_options_init(nullptr, 2), M2MAUTH_EINVAL);

  static const m2mauth_http_options h = M2MAUTH_HTTP_OPTIONS_INIT;
  m2mauth_http_options g;
  std::memset(&g, 0xab, sizeof g);
  REQUIRE_OK(m2mauth_http_options_init(&g, M2MAUTH_HTTP_OPTIONS_VERSION));
  CHECK(std::memcmp(&h, &g, sizeof h) == 0);
  CHECK(g.timeout_ms == 30000);
  CHECK(g.max_response_bytes == 4194304u);
  REQUIRE_OK(m2mauth_http_options_init(&g, 1));
  CHECK(g.version == 1);
  CHECK(g.timeout_ms == 0);
  CHECK_STATUS(m2mauth_http_options_init(&g, 3), M2MAUTH_EINVAL);

  // m2mauth_assertion_options: version 2 adds clock_skew_s; a version 1 struct ends before it.
  static const m2mauth_assertion_options ai = M2MAUTH_ASSERTION_OPTIONS_INIT;
  m2mauth_assertion_options ao;
  std::memset(&ao, 0xab, sizeof ao);
  REQUIRE_OK(m2mauth_assertion_options_init(&ao, M2MAUTH_ASSERTION_OPTIONS_VERSION));
  CHECK(ao.version == 2);
  const m2mauth_assertion_options *const written[] = {&ai, &ao};
  for (const m2mauth_assertion_options *x : written) {
    CHECK(x->audience == nullptr);
    CHECK(x->alg == 0);
    CHECK(x->lifetime_s == 120);
    CHECK(x->kid == nullptr);
    CHECK(x->kid_thumbprint == 0);
    CHECK(x->cert == nullptr);
    CHECK(x->cert_members == 0u);
    CHECK(x->clock_skew_s == 5);
  }
  std::memset(&ao, 0xab, sizeof ao);
  REQUIRE_OK(m2mauth_assertion_options_init(&ao, 1));
  CHECK(ao.version == 1);
  CHECK(ao.lifetime_s == 120);
  CHECK(ao.cert_members == 0u);
  unsigned char skew[sizeof ao.clock_skew_s];
  std::memcpy(skew, &ao.clock_skew_s, sizeof skew);
  for (unsigned char c : skew) CHECK(c == 0xab);
  CHECK_STATUS(m2mauth_assertion_options_init(&ao, M2MAUTH_ASSERTION_OPTIONS_VERSION + 1), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_assertion_options_init(&ao, 0), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_assertion_options_init(nullptr, 2), M2MAUTH_EINVAL);

  // NULL options: the defaults; NULL out: refused.
  Buf d1, d2;
  REQUIRE_OK(m2mauth_token_manager_options_describe(d1.out(), nullptr));
  REQUIRE_OK(m2mauth_token_manager_options_describe(d2.out(), &a));
  CHECK(d1.str() == d2.str());
  CHECK(d1.str().find("\"jitter_fraction\":0.1") != std::string::npos);
  CHECK_STATUS(m2mauth_token_manager_options_describe(nullptr, &a), M2MAUTH_EINVAL);
  Buf d3;
  REQUIRE_OK(m2mauth_http_options_describe(d3.out(), nullptr));
  CHECK(d3.str().find("\"timeout_ms\":30000") != std::string::npos);
  CHECK_STATUS(m2mauth_http_options_describe(nullptr, &h), M2MAUTH_EINVAL);
}

TEST_CASE("options: a passphrase reaches describe only as <redacted>, and the error names the field") {
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  o.client_key_passphrase = "correct-horse-battery";
  Buf d;
  REQUIRE_OK(m2mauth_http_options_describe(d.out(), &o));
  CHECK(d.str().find("correct-horse") == std::string::npos);
  CHECK(d.str().find("\"client_key_passphrase\":\"<redacted>\"") != std::string::npos);
  o.timeout_ms = -1;
  Buf bad;
  CHECK_STATUS(m2mauth_http_options_describe(bad.out(), &o), M2MAUTH_EINVAL);
  CHECK(std::string(m2mauth_error_last()->message).find("timeout_ms") != std::string::npos);
  m2mauth_token_manager_options m = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
  m.backoff_base_ms = 0;
  CHECK_STATUS(m2mauth_token_manager_options_describe(bad.out(), &m), M2MAUTH_EINVAL);
  CHECK(std::string(m2mauth_error_last()->message).find("backoff_base_ms") != std::string::npos);
}
