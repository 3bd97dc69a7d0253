// m2mauth_test_server_options version 2 (dpop_nonce, admin_token): version 1 callers keep working (init writes
// only their layout, new_ reads only it), the new fields are checked without repeating their values, and the
// DPoP nonce reaches the library's own DPoP client: use_dpop_nonce first, success on its one retry.
#include <cstddef>
#include <cstring>
#include <string>

#include "test_server_support.hpp"

using capi::Buf;
using namespace test_server_support;

TEST_CASE("test server options: version 2 defaults, version 1 written and read in its own layout only") {
  m2mauth_test_server_options o;
  std::memset(&o, 0x5a, sizeof o);
  REQUIRE_OK(m2mauth_test_server_options_init(&o, M2MAUTH_TEST_SERVER_OPTIONS_VERSION));
  CHECK(o.version == 2);
  CHECK(o.dpop_nonce == nullptr);
  CHECK(o.admin_token == nullptr);
  CHECK(o.token_lifetime_s == 3600);

  // A version 1 caller's struct ends at clock_offset_s: init writes nothing past it...
  constexpr std::size_t v1_size = offsetof(m2mauth_test_server_options, dpop_nonce);
  unsigned char raw[sizeof(m2mauth_test_server_options)];
  std::memset(raw, 0x5a, sizeof raw);
  auto *v1 = reinterpret_cast<m2mauth_test_server_options *>(raw);
  REQUIRE_OK(m2mauth_test_server_options_init(v1, 1));
  CHECK(v1->version == 1);
  CHECK(v1->token_lifetime_s == 3600);
  for (std::size_t i = v1_size; i < sizeof raw; ++i) CHECK(raw[i] == 0x5a);
  // ...and new_ reads nothing past it: the garbage there is no pointer it follows.
  m2mauth_test_server *s = nullptr;
  REQUIRE_OK(m2mauth_test_server_new(&s, v1));
  REQUIRE_OK(m2mauth_test_server_start(s));
  Buf url;
  REQUIRE_OK(m2mauth_test_server_url(url.out(), s));
  const int port = std::stoi(url.str().substr(url.str().rfind(':') + 1));
  CHECK(status_of(raw_exchange(port, "GET /_admin/counters HTTP/1.1\r\n\r\n")) == 404);  // no admin interface
  m2mauth_test_server_free(s);
}

TEST_CASE("test server options: a bad admin_token or dpop_nonce is EINVAL naming the field, not its value") {
  struct Bad {
    const char *admin_token;
    const char *dpop_nonce;
    const char *field;
  };
  const std::string long_token(257, 'a');
  const std::string long_nonce(1025, 'n');
  const Bad cases[] = {
      {"token-of-16-char", nullptr, nullptr},  // 16 characters: accepted
      {"token-of-15-chr", nullptr, "admin_token"},
      {long_token.c_str(), nullptr, "admin_token"},
      {"secret token with spaces", nullptr, "admin_token"},
      {"secret\"token-with-quote", nullptr, "admin_token"},
      {"secret-token-\xc3\xa9-utf8", nullptr, "admin_token"},
      {nullptr, "nonce with space", "dpop_nonce"},
      {nullptr, "nonce\"quote", "dpop_nonce"},
      {nullptr, long_nonce.c_str(), "dpop_nonce"},
  };
  for (const auto &c : cases) {
    m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
    o.admin_token = c.admin_token;
    o.dpop_nonce = c.dpop_nonce;
    m2mauth_test_server *s = nullptr;
    CAPTURE(c.admin_token != nullptr ? c.admin_token : c.dpop_nonce);
    if (c.field == nullptr) {
      REQUIRE_OK(m2mauth_test_server_new(&s, &o));
      m2mauth_test_server_free(s);
      continue;
    }
    CHECK_STATUS(m2mauth_test_server_new(&s, &o), M2MAUTH_EINVAL);
    CHECK(s == nullptr);
    const std::string message = m2mauth_error_last()->message;
    CHECK(message.find(c.field) != std::string::npos);
    const std::string value = c.admin_token != nullptr ? c.admin_token : c.dpop_nonce;
    CHECK(message.find(value.substr(0, 10)) == std::string::npos);
  }
  // "" is "none", as NULL.
  m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
  o.admin_token = "";
  o.dpop_nonce = "";
  Server server(&o);
  server.start();
  CHECK(status_of(raw_exchange(server.port(), "GET /_admin/counters HTTP/1.1\r\nAuthorization: Bearer \r\n\r\n")) == 404);
}

TEST_CASE("test server options: dpop_nonce through the C API: use_dpop_nonce, then the client's retry succeeds") {
  m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
  o.dpop_nonce = "c-api-nonce-0123";
  Server server(&o);
  server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
  server.start();
  // A request without a proof gets a Bearer token: the nonce is asked of DPoP proofs only.
  CHECK(status_of(post(server.port(), "/token", "grant_type=client_credentials", basic_auth_header("svc", kSecret))) == 200);

  Http http;
  TokenClient client(server.url() + "/token", "svc", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));
  m2mauth_dpop *dpop = nullptr;
  REQUIRE_OK(m2mauth_dpop_new(&dpop, nullptr, nullptr));
  REQUIRE_OK(m2mauth_token_client_set_dpop(client.c, dpop));
  m2mauth_dpop_free(dpop);
  m2mauth_token *t = nullptr;
  REQUIRE_OK(m2mauth_token_client_fetch(&t, client.c));
  CHECK(std::string(m2mauth_token_type(t)) == "DPoP");
  m2mauth_token_free(t);
  CHECK(server.count("dpop_refused") == 1);  // the first proof, without the nonce
  CHECK(server.count("dpop") == 1);          // the retry, with it
  CHECK(server.count("token") == 3);
  // The nonce is remembered: no second challenge.
  REQUIRE_OK(m2mauth_token_client_fetch(&t, client.c));
  m2mauth_token_free(t);
  CHECK(server.count("dpop_refused") == 1);
  CHECK(server.count("dpop") == 2);
}
