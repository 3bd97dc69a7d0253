/*
 * testing.hpp: the C++ face of testing.h, the token-endpoint test double (header-only, over the C API).
 *
 *   m2mauth::testing::TokenServer server;              // plain HTTP, opaque tokens
 *   server.add_client({"svc", "s3cret"});               // client_secret_basic
 *   server.start();
 *   std::string token_url = server.url() + "/token";
 *   server.fail_next(1, 503, "temporarily_unavailable", 0);
 */
#ifndef M2MAUTH_TESTING_HPP
#define M2MAUTH_TESTING_HPP

#include <optional>
#include <string>

#include "m2mauth.hpp"
#include "testing.h"

namespace m2mauth::testing {

enum class ClientAuth : int {
  client_secret_basic = M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC,
  client_secret_post = M2MAUTH_TEST_AUTH_CLIENT_SECRET_POST,
  client_secret_jwt = M2MAUTH_TEST_AUTH_CLIENT_SECRET_JWT,
  private_key_jwt = M2MAUTH_TEST_AUTH_PRIVATE_KEY_JWT,
  tls_client_auth = M2MAUTH_TEST_AUTH_TLS_CLIENT_AUTH,
};

enum class TokenFormat : int { opaque = M2MAUTH_TEST_TOKEN_OPAQUE, jwt = M2MAUTH_TEST_TOKEN_JWT };

struct ServerOptions {
  bool tls = false;
  bool request_client_cert = false;
  std::int64_t token_lifetime_s = 3600;
  TokenFormat token_format = TokenFormat::opaque;
  std::optional<std::string> extra_claims_json;
  std::optional<std::string> audience;
  std::size_t max_body_bytes = 65536;
  std::size_t max_headers = 64;
  std::int64_t read_timeout_ms = 5000;
  std::int64_t clock_offset_s = 0;
  std::optional<std::string> dpop_nonce;   // every DPoP proof must carry it (400 use_dpop_nonce otherwise)
  std::optional<std::string> admin_token;  // the admin interface under url() + "/_admin/" (testing.h)
};

struct Client {
  std::string client_id;
  std::optional<std::string> secret;
  ClientAuth auth_method = ClientAuth::client_secret_basic;
  std::optional<std::string> public_key;
  std::optional<std::string> tls_subject;
  std::optional<std::string> tls_thumbprint;
  std::optional<std::string> scopes;
};

class TokenServer {
 public:
  explicit TokenServer(const ServerOptions &o = ServerOptions()) {
    m2mauth_test_server_options c = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
    c.tls = o.tls ? 1 : 0;
    c.request_client_cert = o.request_client_cert ? 1 : 0;
    c.token_lifetime_s = o.token_lifetime_s;
    c.token_format = static_cast<int>(o.token_format);
    c.extra_claims_json = detail::c_str(o.extra_claims_json);
    c.audience = detail::c_str(o.audience);
    c.max_body_bytes = o.max_body_bytes;
    c.max_headers = o.max_headers;
    c.read_timeout_ms = o.read_timeout_ms;
    c.clock_offset_s = o.clock_offset_s;
    c.dpop_nonce = detail::c_str(o.dpop_nonce);
    c.admin_token = detail::c_str(o.admin_token);
    m2mauth_test_server *s = nullptr;
    detail::check(m2mauth_test_server_new(&s, &c));
    h_.reset(s);
  }

  void start() { detail::check(m2mauth_test_server_start(h_.get())); }
  void stop() noexcept { m2mauth_test_server_stop(h_.get()); }
  /** The issuer URL; the token endpoint is url() + "/token". */
  std::string url() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_test_server_url(out, h_.get()); });
  }
  /** The certificate clients trust ("" for plain HTTP). */
  std::string ca_pem() const {
    return detail::text([&](m2mauth_buf *out) { return m2mauth_test_server_ca_pem(out, h_.get()); });
  }
  void add_client(const Client &client) {
    m2mauth_test_client c = M2MAUTH_TEST_CLIENT_INIT;
    c.client_id = detail::c_str(client.client_id);
    c.auth_method = static_cast<int>(client.auth_method);
    c.secret = detail::c_str(client.secret);
    c.public_key = detail::c_str(client.public_key);
    c.tls_subject = detail::c_str(client.tls_subject);
    c.tls_thumbprint = detail::c_str(client.tls_thumbprint);
    c.scopes = detail::c_str(client.scopes);
    detail::check(m2mauth_test_server_add_client(h_.get(), &c));
  }
  /** The next count token requests fail with http_status (an OAuth error body unless oauth_error is
   *  empty; Retry-After unless retry_after_s < 0). */
  void fail_next(unsigned int count, int http_status, const std::string &oauth_error = {},
                 std::int64_t retry_after_s = -1) {
    detail::check(m2mauth_test_server_fail_next(h_.get(), count, http_status,
                                                oauth_error.empty() ? nullptr : detail::c_str(oauth_error),
                                                retry_after_s));
  }
  void stall(unsigned int count, std::int64_t ms) { detail::check(m2mauth_test_server_stall(h_.get(), count, ms)); }
  /** Requests received ("" all; "token", "introspection", "grant:client_credentials", "failed", ...). */
  std::uint64_t requests(const std::string &counter = {}) const {
    return m2mauth_test_server_requests(h_.get(), detail::c_str(counter));
  }
  void revoke_all() noexcept { m2mauth_test_server_revoke_all(h_.get()); }

  m2mauth_test_server *get() const noexcept { return h_.get(); }

 private:
  detail::Handle<m2mauth_test_server, m2mauth_test_server_free> h_;
};

}  // namespace m2mauth::testing

#endif /* M2MAUTH_TESTING_HPP */
