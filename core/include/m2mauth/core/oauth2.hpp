// OAuth 2.0 token requests (RFC 6749, RFC 7523, RFC 8705, RFC 8707): client authentication, grants,
// response parsing and error classification. One TokenClient makes one request per fetch(); caching
// and refresh live in TokenManager.
#pragma once

#include <cstddef>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/freeze.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/key.hpp"
#include "m2mauth/core/key_source.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

class Dpop;  // dpop.hpp

// Token endpoint client authentication (RFC 6749 2.3, OpenID Connect Core 9, RFC 8705 2).
enum class ClientAuth {
  client_secret_basic = 1,
  client_secret_post = 2,
  client_secret_jwt = 3,
  private_key_jwt = 4,
  tls_client_auth = 5,
  self_signed_tls_client_auth = 6,
  none = 7,
};
const char *client_auth_name(ClientAuth auth) noexcept;
ClientAuth client_auth_from_name(std::string_view name);
// A method given as a number (C API, bindings); throws Error(invalid_argument) for unknown values.
ClientAuth client_auth_from_int(int auth);

enum class Grant {
  client_credentials = 1,
  jwt_bearer = 2,  // RFC 7523 section 2.1: the client's own JWT as the authorization grant
};
// A grant given as a number; throws Error(invalid_argument) for unknown values.
Grant grant_from_int(int grant);

struct TokenExchange;  // token_exchange.hpp

// What the token request asks for. Part of the cache key.
struct TokenScope {
  std::string scope;                  // space-separated
  std::string audience;               // "audience" parameter (Auth0, Keycloak token exchange style)
  std::vector<std::string> resources; // RFC 8707 "resource" parameters
  std::string dpop_jkt{};             // the token manager's DPoP key thumbprint (empty: no DPoP); not sent
  // RFC 8693 token exchange: token_exchange_key(*exchange) (hashes, never a token) in the key, and the
  // request itself (not part of the key) for the fetches. Empty / null: the client's own grant.
  std::string exchange_key = {};
  std::shared_ptr<const TokenExchange> exchange = {};
  bool operator==(const TokenScope &o) const {
    return scope == o.scope && audience == o.audience && resources == o.resources && dpop_jkt == o.dpop_jkt &&
           exchange_key == o.exchange_key;
  }
};

// A token key that borrows its strings: the lookup the C API makes allocates nothing.
struct TokenKeyRef {
  std::string_view scope;
  std::string_view audience;
  const std::string_view *resources = nullptr;
  std::size_t resource_count = 0;
  std::string_view dpop_jkt{};         // set by the token manager
  std::string_view exchange_key = {};  // TokenScope::exchange_key

  bool matches(const TokenScope &s) const noexcept {
    if (s.scope != scope || s.audience != audience || s.resources.size() != resource_count ||
        s.exchange_key != exchange_key)
      return false;
    if (s.dpop_jkt != dpop_jkt) return false;
    for (std::size_t i = 0; i < resource_count; ++i)
      if (s.resources[i] != resources[i]) return false;
    return true;
  }
  TokenScope owned() const {
    TokenScope s;
    s.scope.assign(scope);
    s.audience.assign(audience);
    for (std::size_t i = 0; i < resource_count; ++i) s.resources.emplace_back(resources[i]);
    s.dpop_jkt.assign(dpop_jkt);
    s.exchange_key.assign(exchange_key);  // the exchange itself is set by the caller that has it
    return s;
  }
  // Every field with its length, so that ("a b", "") and ("a", "b") differ; 8 bytes per step.
  std::uint64_t hash() const noexcept {
    std::uint64_t h = key_hash_seed();
    h = hash_field(scope, h);
    h = hash_field(audience, h);
    for (std::size_t i = 0; i < resource_count; ++i) h = hash_field(resources[i], h);
    if (!dpop_jkt.empty()) h = hash_field(dpop_jkt, h);
    if (!exchange_key.empty()) h = hash_field(exchange_key, h);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return h;
  }

 private:
  static std::uint64_t key_hash_seed() noexcept;  // random per process: collisions are not predictable
  static std::uint64_t hash_field(std::string_view v, std::uint64_t h) noexcept {
    constexpr std::uint64_t k = 0x9e3779b97f4a7c15ULL;
    h = (h ^ v.size()) * k;
    const unsigned char *p = reinterpret_cast<const unsigned char *>(v.data());
    std::size_t n = v.size();
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * k;
      h ^= h >> 31;
    }
    // The last 0-7 bytes: two overlapping 4-byte reads, or 3 bytes picked (the length is mixed in).
    std::uint64_t tail = 0;
    if (n >= 4) {
      std::uint32_t a, b;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      tail = (static_cast<std::uint64_t>(a) << 32) | b;
    } else if (n > 0) {
      tail = static_cast<std::uint64_t>(p[0]) | static_cast<std::uint64_t>(p[n / 2]) << 8 |
             static_cast<std::uint64_t>(p[n - 1]) << 16;
    }
    h = (h ^ tail) * k;
    return h ^ (h >> 31);
  }
};

struct ClientConfig {
  std::string token_url;
  std::string client_id;
  ClientAuth auth = ClientAuth::client_secret_basic;
  SecretString client_secret;          // client_secret_basic / _post / _jwt
  std::optional<Key> private_key;      // private_key_jwt (and jwt_bearer grant)
  std::shared_ptr<KeySource> key_source;  // when set, its current key signs each assertion (private_key: the first)
  Grant grant = Grant::client_credentials;
  TokenScope scope;
  std::vector<Header> extra_params;    // sent on every request, refetches included

  // Client assertions (private_key_jwt, client_secret_jwt) and jwt_bearer grants.
  int assertion_alg = 0;               // 0: the key's default (RS256 for RSA; HS256 for client_secret_jwt)
  std::string assertion_audience;      // empty: the token endpoint URL (see README)
  std::int64_t assertion_lifetime_s = 120;
  // iat and nbf are this many seconds before now (exp is now + lifetime), so a server whose clock is
  // a little behind still accepts the assertion; 0 to 300, 0 = none.
  std::int64_t assertion_clock_skew_s = 5;
  std::string assertion_kid;           // empty: the key's kid if it has one
  bool assertion_kid_thumbprint = false;  // use the RFC 7638 thumbprint as kid
  std::optional<Certificate> assertion_cert;
  unsigned int assertion_cert_members = 0;  // JwsHeader::cert_members bits (x5t, x5t#S256, x5c)
  std::string jwt_bearer_subject;      // jwt_bearer grant: "sub" (default client_id)

  std::int64_t default_expires_in_s = 3600;  // when the server omits expires_in
  std::size_t max_response_bytes = 1u << 20;
  bool use_refresh_token = true;       // use a returned refresh_token on the next fetch
  // DPoP (RFC 9449): token requests carry a proof of this key (nonce challenges retried once); null: none.
  std::shared_ptr<Dpop> dpop;
};

struct Token {
  SecretString access_token;
  std::string token_type;              // as the server wrote it; "Bearer" compared case-insensitively
  std::int64_t issued_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::string scope;                   // granted scope, or the requested one when omitted
  SecretString refresh_token;
  std::string issued_token_type = {};  // RFC 8693 token exchange answers only
  // "Bearer" (normalised) for the Authorization header.
  std::string authorization_scheme() const;
};

class TokenClient {
 public:
  TokenClient(ClientConfig config, std::shared_ptr<Transport> transport, Clock clock = system_clock());

  // One token request for the configured scope (or an override). Throws Error: oauth (RFC 6749 5.2
  // body, with detail), http (other statuses), protocol (bad body), network/timeout/tls, ...
  // detail().transient tells whether retrying later may help.
  Token fetch(const TokenScope *scope = nullptr, const CallOptions &options = {});
  // One RFC 8693 token exchange (no cache; TokenManager::exchange caches): check_token_exchange, the
  // request with this client's authentication, parse_token_exchange_response, and the expiry bounded by
  // the subject token's exp when it is a JWT. Error(expired) without a request when that exp has passed.
  Token exchange(const TokenExchange &exchange, const CallOptions &options = {});

  // The form body and headers a fetch would send, without sending (diagnostics and tests); with DPoP,
  // the DPoP header holds a fresh proof carrying the token endpoint's newest nonce.
  Request build_request(const TokenScope &scope);

  const ClientConfig &config() const noexcept { return config_; }
  const std::shared_ptr<Transport> &transport() const noexcept { return transport_; }
  const Clock &clock() const noexcept { return clock_; }
  // The token server's clock minus this client's, in ms, as the last token response showed it (its
  // JWT access token's iat, else its Date header; 0 within the noise; clamped to +-1 hour); nullopt
  // before any response that carried either.
  std::optional<std::int64_t> server_clock_offset_ms() const noexcept {
    if (!has_server_offset_.load(std::memory_order_acquire)) return std::nullopt;
    return server_offset_ms_.load(std::memory_order_relaxed);
  }

 private:
  std::string client_assertion(const std::string &audience, bool grant);
  void observe_server_clock(Token &token, const Response &resp, std::int64_t sent_ms);

  ClientConfig config_;
  std::shared_ptr<Transport> transport_;
  Clock clock_;
  std::string thumbprint_kid_;
  std::mutex refresh_mutex_;
  SecretString refresh_token_;  // the latest one the server returned, if any
  std::atomic<std::int64_t> server_offset_ms_{0};
  std::atomic<bool> has_server_offset_{false};
};

// How client assertions (private_key_jwt, client_secret_jwt) and jwt-bearer grants are signed.
struct AssertionOptions {
  std::string audience;                // empty: the token endpoint URL
  int alg = 0;                         // 0: the key's default; else an Alg value
  std::int64_t lifetime_s = 120;       // 10 to 3600
  std::int64_t clock_skew_s = 5;       // iat and nbf backdated by this much, 0 to 300 (0: none)
  std::string kid;                     // empty: the key's kid if it has one
  bool kid_thumbprint = false;         // use the RFC 7638 thumbprint as kid
  std::optional<Certificate> cert;     // for x5t, x5t#S256, x5c
  unsigned int cert_members = 0;       // JwsHeader::cert_members bits; ignored without cert
};
// Throws Error(algorithm) for an unknown alg, Error(invalid_argument) for a lifetime outside 10 to
// 3600 seconds, a clock skew outside 0 to 300 seconds or unknown cert member bits.
void check_assertion_options(const AssertionOptions &options);

// Configures a TokenClient, then builds it once: the first fetch or token manager made from it
// freezes the configuration (core::FreezeGate, "token client"). Each setter checks its value
// (Error(invalid_argument) ...) and throws Error(state) "token client: <setter> after first use" once
// frozen. Setters and client() may be called from any thread.
class TokenClientBuilder {
 public:
  // Checks token_url (absolute http(s)), client_id (not empty) and transport (not null).
  TokenClientBuilder(std::string token_url, std::string client_id, std::shared_ptr<Transport> transport);
  // From a whole configuration (the factories of config.hpp), checked as the setters would.
  TokenClientBuilder(ClientConfig config, std::shared_ptr<Transport> transport);

  void set_auth_method(ClientAuth auth);
  void set_secret(SecretString secret);
  void set_private_key(Key key);
  void set_key_source(std::shared_ptr<KeySource> source);  // replaces a private key, and the reverse
  void set_grant(Grant grant);
  void set_subject(std::string subject);
  void set_scope(std::string scope);
  void set_audience(std::string audience);
  void add_resource(std::string resource);
  void add_param(std::string name, std::string value);  // name not empty
  void set_assertion(AssertionOptions options);
  void set_default_expires_in(std::int64_t seconds);    // > 0
  void set_clock(Clock clock);                          // empty: the system clock
  void set_dpop(std::shared_ptr<Dpop> dpop);            // null: no DPoP

  // The client, built on the first call (which freezes this builder) and the same one afterwards.
  // Throws Error(config ...) for an incomplete configuration, leaving the builder open.
  std::shared_ptr<TokenClient> client();
  bool frozen() const noexcept { return gate_.frozen(); }

 private:
  template <typename F>
  void configure(const char *setter, F &&change) {
    gate_.configure(setter, [&] { change(config_); });
  }

  FreezeGate gate_{"token client"};
  ClientConfig config_;
  std::shared_ptr<Transport> transport_;
  Clock clock_ = system_clock();
  std::shared_ptr<TokenClient> built_;
};

// Parses a token endpoint response (status, headers, body) into a Token or throws the classified
// Error. now_ms is when the response arrived. secrets are the values of the request that no error may
// echo (the assertion, the refresh token, the Authorization credential; the configured client secret
// and the response's own tokens are added): text of the server in an Error passes through
// sanitize_peer_text (peer_text.hpp). The access token must be an RFC 6750 b64token and token_type
// an RFC 9110 token (else Error(protocol)), Bearer or DPoP (else Error(unsupported)); expires_in is
// a JSON number >= 0 (fractions truncate) or a string of decimal digits (else Error(protocol)).
Token parse_token_response(const Response &response, std::int64_t now_ms, const ClientConfig &config,
                           const TokenScope &requested, const std::vector<std::string_view> &secrets = {});

// Retry-After (RFC 9110 10.2.3): delta-seconds (decimal digits only) or an HTTP-date (peer_numbers.hpp),
// in milliseconds from now_ms, at most one hour; 0 if absent or neither (then ignored).
std::int64_t retry_after_ms(const Response &response, std::int64_t now_ms);

// RFC 8414 / OpenID Connect discovery: the token endpoint of issuer. Tries
// /.well-known/oauth-authorization-server then /.well-known/openid-configuration, and checks that
// the metadata's "issuer" equals issuer.
std::string discover_token_endpoint(Transport &transport, const std::string &issuer);

}  // namespace m2mauth::core
