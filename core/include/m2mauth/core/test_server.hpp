// A token-endpoint test double (issue 15): a loopback OAuth 2.0 authorization server for tests.
//
// Plain HTTP or HTTPS (a self-signed certificate it generates, optional mTLS) on 127.0.0.1 and a free
// port, on its own threads. Endpoints: discovery (/.well-known/openid-configuration and
// /.well-known/oauth-authorization-server), /token (client_credentials and token exchange),
// /introspect (RFC 7662) and /jwks. Client authentication is real: client_secret_basic,
// client_secret_post, client_secret_jwt and private_key_jwt assertions verified with the registered key
// (the core's Verifier: iss = sub = client_id, aud, exp, jti replay refused), tls_client_auth.
// DPoP (RFC 9449): a token request with a DPoP header gets its proof checked (one header, typ dpop+jwt,
// an asymmetric alg, a public jwk, the signature, htm POST, htu the token endpoint, iat within 60 s of
// the server's clock, a jti never seen before; else 400 invalid_dpop_proof) and a DPoP token bound to
// the proof key (cnf.jkt in JWT access tokens and in introspection).
// Knobs: fail the next N token requests, stall the next N, count requests, revoke every token; the same
// knobs over HTTP under /_admin/ when an admin token is set (ServerOptions::admin_token).
// Test code, yet bounded: body, header count and header size caps, a read deadline per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace m2mauth::core::testing {

enum class ClientAuth : int {
  client_secret_basic = 1,
  client_secret_post = 2,
  client_secret_jwt = 3,
  private_key_jwt = 4,
  tls_client_auth = 5,
};

enum class TokenFormat : int { opaque = 1, jwt = 2 };

struct ServerOptions {
  bool tls = false;                  // HTTPS with a generated self-signed certificate (ca_pem())
  bool request_client_cert = false;  // mTLS: ask for a client certificate (needs tls)
  std::int64_t token_lifetime_s = 3600;
  TokenFormat token_format = TokenFormat::opaque;
  std::string extra_claims_json;     // a JSON object merged into JWT access tokens ("" = none)
  std::string audience;              // "aud" of JWT access tokens ("" = the issuer URL)
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_headers = 64;
  std::int64_t read_timeout_ms = 5000;  // a connection that sends no complete request by then is closed
  // The server's clock runs this many seconds ahead of the system clock (negative: behind): "iat" and
  // "exp" of its tokens, expires_in checks and the assertion checks use it (clock skew tests).
  std::int64_t clock_offset_s = 0;
  // DPoP (RFC 9449 section 8): when not empty, every token request's proof must carry this nonce; one
  // without it is answered 400 use_dpop_nonce with a DPoP-Nonce header.
  std::string dpop_nonce;
  // The admin interface: when not empty (16 to 256 characters of A-Z a-z 0-9 - . _ ~ + / =), requests
  // under /_admin/ that carry "Authorization: Bearer <admin_token>" (compared in constant time) control the
  // server at run time (fail_next, stall, revoke_all, lifetime, clock_offset, token_format, counters:
  // README.md, "The test double's admin interface"); a wrong or absent token is answered 401. When empty,
  // /_admin/ is an unknown path like any other (404). Admin requests are neither counted nor failed or
  // stalled.
  std::string admin_token;
};

struct ClientRegistration {
  std::string id;
  ClientAuth method = ClientAuth::client_secret_basic;
  std::string secret;      // client_secret_* (client_secret_jwt: the HMAC key)
  std::string public_key;  // private_key_jwt: PEM or JWK
  std::string tls_subject;     // tls_client_auth: the certificate's RFC 2253 subject, or
  std::string tls_thumbprint;  // its SHA-256 thumbprint (base64url, as x5t#S256)
  std::string scopes;          // space-separated scopes the client may ask for ("" = any)
};

// Failure injected into the next token requests.
struct Failure {
  int http_status = 503;
  std::string oauth_error;          // "" = no OAuth error body ("temporarily_unavailable" style otherwise)
  std::int64_t retry_after_s = -1;  // < 0: no Retry-After header
};

class TokenServer {
 public:
  explicit TokenServer(ServerOptions options);
  ~TokenServer();  // stops
  TokenServer(const TokenServer &) = delete;
  TokenServer &operator=(const TokenServer &) = delete;

  // Binds 127.0.0.1 on a free port and starts serving. Errc::state when started twice.
  void start();
  // Stops serving and joins every thread (idempotent). Stalled requests end at once.
  void stop();
  // "http://127.0.0.1:<port>" or "https://..." (Errc::state before start()).
  std::string url() const;
  // The certificate's PEM (what clients trust); "" for plain HTTP.
  std::string ca_pem() const;
  // Registers (or replaces) a client; Errc::invalid_argument naming the field that is missing or bad.
  void add_client(ClientRegistration client);
  // The next `count` token requests fail with `failure` (replaces what was pending).
  void fail_next(unsigned int count, Failure failure);
  // The next `count` token requests wait `ms` milliseconds before they are answered.
  void stall(unsigned int count, std::int64_t ms);
  // Requests received: "" every request; "token", "introspection", "jwks", "discovery", "other";
  // "grant:<grant_type>" token requests by grant type; "failed" injected failures; "dpop" token requests
  // with an accepted DPoP proof, "dpop_refused" those whose proof was refused.
  std::uint64_t requests(const std::string &counter) const;
  // Every token issued so far becomes inactive (introspection answers {"active": false}).
  void revoke_all();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace m2mauth::core::testing
