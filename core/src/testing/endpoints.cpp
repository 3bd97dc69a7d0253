// The test server's endpoints: discovery, JWKS, token (client_credentials, token exchange) and
// introspection, with real client authentication. Error descriptions are fixed text: a peer's bytes
// or a secret never appear in a response.
#include <openssl/err.h>

#include <algorithm>

#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jwt.hpp"
#include "m2mauth/core/random.hpp"
#include "m2mauth/core/request.hpp"
#include "m2mauth/core/secret.hpp"
#include "m2mauth/core/telemetry.hpp"
#include "testing/server_impl.hpp"

namespace m2mauth::core::testing {

namespace {

constexpr const char *kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr const char *kTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
constexpr const char *kAccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
constexpr std::size_t kMaxRemembered = 100000;

// An OAuth error response (RFC 6749 section 5.2).
struct OAuthFailure {
  int status;
  const char *error;
  const char *description;
  bool basic = false;  // 401 to a client that used Basic: WWW-Authenticate
  const std::string *dpop_nonce = nullptr;  // use_dpop_nonce: the DPoP-Nonce header to send
};

std::string json_response(int status, const std::string &body,
                          const std::vector<std::pair<std::string, std::string>> &headers = {}) {
  return wire_response(status, "application/json", body, headers);
}

std::string oauth_error(const OAuthFailure &f) {
  std::string body = "{\"error\":";
  json_quote_append(body, f.error);
  body += ",\"error_description\":";
  json_quote_append(body, f.description);
  body += "}";
  std::vector<std::pair<std::string, std::string>> headers;
  if (f.status == 401) headers.emplace_back("WWW-Authenticate", f.basic ? "Basic realm=\"m2mauth-test\"" : "Bearer");
  if (f.dpop_nonce != nullptr) headers.emplace_back("DPoP-Nonce", *f.dpop_nonce);
  return json_response(f.status, body, headers);
}

bool equal(std::string_view a, std::string_view b) {
  return constant_time_equal(reinterpret_cast<const std::uint8_t *>(a.data()), a.size(),
                             reinterpret_cast<const std::uint8_t *>(b.data()), b.size());
}

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// Form parameters, each at most once (RFC 6749 section 3.2).
class Form {
 public:
  explicit Form(const WireRequest &req) {
    const std::string *type = req.header("content-type");
    std::string_view t = type == nullptr ? std::string_view() : std::string_view(*type);
    t = t.substr(0, t.find(';'));
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (!ascii_iequal(t, "application/x-www-form-urlencoded"))
      throw OAuthFailure{400, "invalid_request", "the body must be application/x-www-form-urlencoded"};
    try {
      pairs_ = parse_form(req.body);
    } catch (const Error &) {
      throw OAuthFailure{400, "invalid_request", "the body is not valid form encoding"};
    }
    for (std::size_t i = 0; i < pairs_.size(); ++i)
      for (std::size_t j = i + 1; j < pairs_.size(); ++j)
        if (pairs_[i].first == pairs_[j].first)
          throw OAuthFailure{400, "invalid_request", "a parameter is sent more than once"};
  }
  const std::string *get(std::string_view name) const {
    for (const auto &p : pairs_)
      if (p.first == name) return &p.second;
    return nullptr;
  }

 private:
  std::vector<Header> pairs_;
};

std::vector<std::string> split_scopes(std::string_view scope) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < scope.size()) {
    std::size_t sp = scope.find(' ', i);
    if (sp == std::string_view::npos) sp = scope.size();
    if (sp > i) out.emplace_back(scope.substr(i, sp - i));
    i = sp + 1;
  }
  return out;
}

// The scope granted for a request: the requested scopes when the client may have each of them, all the
// client's scopes when none are requested.
std::string grant_scope(const ClientRegistration &client, const std::string *requested) {
  if (requested == nullptr || requested->empty()) return client.scopes;
  for (unsigned char c : *requested)
    if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) throw OAuthFailure{400, "invalid_scope", "the scope is malformed"};
  std::vector<std::string> asked = split_scopes(*requested);
  if (asked.empty()) throw OAuthFailure{400, "invalid_scope", "the scope is malformed"};
  if (!client.scopes.empty()) {
    std::vector<std::string> allowed = split_scopes(client.scopes);
    for (const auto &s : asked)
      if (std::find(allowed.begin(), allowed.end(), s) == allowed.end())
        throw OAuthFailure{400, "invalid_scope", "the client may not ask for this scope"};
  }
  std::string out;
  for (const auto &s : asked) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

namespace {

struct Authenticated {
  ClientRegistration reg;
};

}  // namespace

// The client a token or introspection request authenticates as, or an OAuthFailure (401 invalid_client).
static Authenticated authenticate(TokenServer::Impl &s, const WireRequest &req, const Form &form, SSL *ssl) {
  const std::string *authz = req.header("authorization");
  const std::string *assertion = form.get("client_assertion");
  const std::string *assertion_type = form.get("client_assertion_type");
  const std::string *secret = form.get("client_secret");
  const std::string *form_id = form.get("client_id");
  const bool basic = authz != nullptr && authz->size() > 6 && ascii_iequal(std::string_view(*authz).substr(0, 6), "basic ");
  int methods = (basic ? 1 : 0) + (assertion != nullptr ? 1 : 0) + (secret != nullptr ? 1 : 0);
  if (methods > 1) throw OAuthFailure{400, "invalid_request", "more than one client authentication method"};
  const OAuthFailure bad{401, "invalid_client", "client authentication failed", basic};

  std::string id, given_secret;
  if (basic) {
    try {
      std::vector<std::uint8_t> raw = base64_decode(std::string_view(*authz).substr(6));
      std::string text(raw.begin(), raw.end());
      secure_wipe(raw.data(), raw.size());
      std::size_t colon = text.find(':');
      if (colon == std::string::npos) throw bad;
      id = percent_decode(std::string_view(text).substr(0, colon), true);
      given_secret = percent_decode(std::string_view(text).substr(colon + 1), true);
      secure_wipe(text);
    } catch (const Error &) {
      throw bad;
    }
  } else if (assertion != nullptr) {
    if (assertion_type == nullptr || *assertion_type != kJwtBearer)
      throw OAuthFailure{400, "invalid_request", "client_assertion_type must be jwt-bearer"};
    if (form_id != nullptr) {
      id = *form_id;
    } else {
      try {
        id = jwt_decode_unverified(*assertion).get_string("sub");
      } catch (const Error &) {
        throw bad;
      }
    }
  } else {
    if (form_id == nullptr) throw bad;
    id = *form_id;
    if (secret != nullptr) given_secret = *secret;
  }
  if (form_id != nullptr && *form_id != id) throw bad;

  Client client;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.clients.find(id);
    if (it == s.clients.end()) throw bad;
    client = it->second;
  }
  const ClientRegistration &reg = client.reg;
  switch (reg.method) {
    case ClientAuth::client_secret_basic:
    case ClientAuth::client_secret_post: {
      bool used_basic = reg.method == ClientAuth::client_secret_basic;
      bool ok = (used_basic ? basic : secret != nullptr) && equal(given_secret, reg.secret);
      secure_wipe(given_secret);
      if (!ok) throw bad;
      break;
    }
    case ClientAuth::client_secret_jwt:
    case ClientAuth::private_key_jwt: {
      if (assertion == nullptr || !client.key) throw bad;
      constexpr std::uint32_t hmac = alg_bit(Alg::hs256) | alg_bit(Alg::hs384) | alg_bit(Alg::hs512);
      Verifier verifier(*client.key, reg.method == ClientAuth::client_secret_jwt ? hmac : (alg_all_bits & ~hmac));
      verifier.set_issuer(id);
      verifier.set_subject(id);
      verifier.add_audience(s.base_url + "/token");
      verifier.add_audience(s.base_url);
      verifier.require_claim("exp");
      verifier.require_claim("jti");
      const std::int64_t offset_ms = s.clock_offset_s.load() * 1000;
      verifier.set_clock([offset_ms] { return system_now_ms() + offset_ms; });
      std::string jti;
      std::int64_t exp = 0;
      try {
        Claims claims = verifier.verify(*assertion);
        jti = claims.get_string("jti");
        exp = claims.get_int("exp");
      } catch (const Error &) {
        ERR_clear_error();
        throw bad;
      }
      std::lock_guard<std::mutex> lock(s.mu);
      const std::int64_t now = s.now_s();
      if (s.seen_jti.size() >= kMaxRemembered) {
        for (auto it = s.seen_jti.begin(); it != s.seen_jti.end();)
          it = it->second < now ? s.seen_jti.erase(it) : std::next(it);
        if (s.seen_jti.size() >= kMaxRemembered) throw OAuthFailure{503, "temporarily_unavailable", "too many assertions remembered"};
      }
      if (!s.seen_jti.emplace(id + "\n" + jti, exp).second)
        throw OAuthFailure{401, "invalid_client", "the assertion's jti was seen before"};
      break;
    }
    case ClientAuth::tls_client_auth: {
      if (basic || secret != nullptr || assertion != nullptr) throw bad;
      std::string subject, thumbprint;
      if (!peer_certificate(ssl, subject, thumbprint)) throw bad;
      bool ok = (!reg.tls_subject.empty() && subject == reg.tls_subject) ||
                (!reg.tls_thumbprint.empty() && equal(thumbprint, reg.tls_thumbprint));
      if (!ok) throw bad;
      break;
    }
  }
  return Authenticated{reg};
}

namespace {

std::string discovery(const std::string &base) {
  std::string b = "{\"issuer\":";
  json_quote_append(b, base);
  b += ",\"token_endpoint\":";
  json_quote_append(b, base + "/token");
  b += ",\"introspection_endpoint\":";
  json_quote_append(b, base + "/introspect");
  b += ",\"jwks_uri\":";
  json_quote_append(b, base + "/jwks");
  b += ",\"grant_types_supported\":[\"client_credentials\",\"";
  b += kTokenExchange;
  b += "\"],\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"client_secret_post\","
       "\"client_secret_jwt\",\"private_key_jwt\",\"tls_client_auth\"],"
       "\"token_endpoint_auth_signing_alg_values_supported\":[\"HS256\",\"HS384\",\"HS512\",\"RS256\","
       "\"RS384\",\"RS512\",\"PS256\",\"PS384\",\"PS512\",\"ES256\",\"ES384\",\"ES512\",\"EdDSA\"],"
       "\"introspection_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"client_secret_post\","
       "\"client_secret_jwt\",\"private_key_jwt\",\"tls_client_auth\"],"
       "\"dpop_signing_alg_values_supported\":[\"RS256\",\"RS384\",\"RS512\",\"PS256\",\"PS384\",\"PS512\","
       "\"ES256\",\"ES384\",\"ES512\",\"EdDSA\"]}";
  return b;
}

}  // namespace

// Issues a token to client for scope (subject: the token's "sub"; actor: RFC 8693 "act" subject; jkt:
// the DPoP key thumbprint it is bound to, "" for a Bearer token).
static std::string issue(TokenServer::Impl &s, const std::string &client_id, const std::string &subject,
                         const std::string &scope, const std::string &actor, bool exchange,
                         const std::string &jkt) {
  const std::int64_t now = s.now_s();
  const std::int64_t lifetime = s.lifetime_s.load();
  const std::int64_t exp = now + lifetime;
  std::string token;
  if (s.token_format.load() == TokenFormat::jwt) {
    Claims claims = s.options.extra_claims_json.empty() ? Claims() : Claims::from_json(s.options.extra_claims_json);
    claims.set_string("iss", s.base_url);
    claims.set_string("sub", subject);
    claims.set_string("aud", s.options.audience.empty() ? s.base_url : s.options.audience);
    claims.set_string("client_id", client_id);
    if (!scope.empty()) claims.set_string("scope", scope);
    if (!actor.empty()) {
      std::string act = "{\"sub\":";
      json_quote_append(act, actor);
      claims.set_json("act", act + "}");
    }
    if (!jkt.empty()) {
      std::string cnf = "{\"jkt\":";
      json_quote_append(cnf, jkt);
      claims.set_json("cnf", cnf + "}");
    }
    claims.set_int("iat", now);
    claims.set_int("exp", exp);
    claims.set_random_jti();
    JwsHeader header;
    header.typ = "at+jwt";
    token = jwt_sign(s.signing_key, claims, header);
  } else {
    token = base64url_encode(random_bytes(32));
  }
  std::string body = "{\"access_token\":";
  json_quote_append(body, token);
  body += jkt.empty() ? ",\"token_type\":\"Bearer\"" : ",\"token_type\":\"DPoP\"";
  body += ",\"expires_in\":" + std::to_string(lifetime);
  if (!scope.empty()) {
    body += ",\"scope\":";
    json_quote_append(body, scope);
  }
  if (exchange) body += std::string(",\"issued_token_type\":\"") + kAccessTokenType + "\"";
  body += "}";
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.tokens.size() >= kMaxRemembered) {
    for (auto it = s.tokens.begin(); it != s.tokens.end();) it = it->second.exp < now ? s.tokens.erase(it) : std::next(it);
  }
  s.tokens[token] = Issued{client_id, subject, scope, jkt, now, exp};
  return body;
}

static std::string token_endpoint(TokenServer::Impl &s, const WireRequest &req, SSL *ssl) {
  Failure failure;
  bool failing = false;
  {
    std::unique_lock<std::mutex> lock(s.mu);
    if (s.stall_count > 0) {
      --s.stall_count;
      const std::int64_t ms = s.stall_ms;
      s.stop_cv.wait_for(lock, std::chrono::milliseconds(ms), [&s] { return s.stopping.load(); });
    }
    if (s.fail_count > 0) {
      --s.fail_count;
      ++s.counters["failed"];
      failure = s.failure;
      failing = true;
    }
  }
  if (failing) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (failure.retry_after_s >= 0) headers.emplace_back("Retry-After", std::to_string(failure.retry_after_s));
    if (failure.oauth_error.empty())
      return wire_response(failure.http_status, "text/plain", "failure injected by the test server\n", headers);
    std::string body = "{\"error\":";
    json_quote_append(body, failure.oauth_error);
    body += ",\"error_description\":\"failure injected by the test server\"}";
    if (failure.http_status == 401) headers.emplace_back("WWW-Authenticate", "Basic realm=\"m2mauth-test\"");
    return json_response(failure.http_status, body, headers);
  }
  if (req.method != "POST") return wire_response(405, "text/plain", "POST only\n", {{"Allow", "POST"}});
  Form form(req);
  Authenticated client = authenticate(s, req, form, ssl);
  const std::string *grant = form.get("grant_type");
  if (grant == nullptr) throw OAuthFailure{400, "invalid_request", "grant_type is missing"};
  // After authentication, so a refused client does not use up a proof's jti.
  std::string jkt;
  try {
    DpopPolicy policy;
    policy.token_url = s.base_url + "/token";
    policy.now_s = s.now_s();
    policy.nonce = s.options.dpop_nonce;
    jkt = check_dpop_proof(req, policy, s.dpop_jtis);
  } catch (const DpopRefusal &r) {
    s.count("dpop_refused");
    const bool nonce = std::string_view(r.error) == "use_dpop_nonce";
    throw OAuthFailure{r.status, r.error, r.description, false, nonce ? &s.options.dpop_nonce : nullptr};
  }
  if (!jkt.empty()) s.count("dpop");
  if (*grant == "client_credentials") {
    s.count("grant:client_credentials");
    std::string scope = grant_scope(client.reg, form.get("scope"));
    return json_response(200, issue(s, client.reg.id, client.reg.id, scope, {}, false, jkt));
  }
  if (*grant == kTokenExchange) {
    s.count(std::string("grant:") + kTokenExchange);
    const std::string *subject_token = form.get("subject_token");
    const std::string *subject_type = form.get("subject_token_type");
    if (subject_token == nullptr || subject_type == nullptr)
      throw OAuthFailure{400, "invalid_request", "subject_token and subject_token_type are required"};
    if (*subject_type != kAccessTokenType)
      throw OAuthFailure{400, "invalid_request", "subject_token_type must be an access token"};
    Issued subject;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      auto it = s.tokens.find(*subject_token);
      if (it == s.tokens.end() || it->second.exp <= s.now_s())
        throw OAuthFailure{400, "invalid_grant", "the subject token is not active"};
      subject = it->second;
    }
    std::string scope = grant_scope(client.reg, form.get("scope"));
    return json_response(200, issue(s, client.reg.id, subject.subject, scope, client.reg.id, true, jkt));
  }
  s.count("grant:other");
  throw OAuthFailure{400, "unsupported_grant_type", "the grant type is not supported"};
}

static std::string introspection(TokenServer::Impl &s, const WireRequest &req, SSL *ssl) {
  if (req.method != "POST") return wire_response(405, "text/plain", "POST only\n", {{"Allow", "POST"}});
  Form form(req);
  authenticate(s, req, form, ssl);
  const std::string *token = form.get("token");
  if (token == nullptr) throw OAuthFailure{400, "invalid_request", "token is missing"};
  Issued issued;
  bool active = false;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.tokens.find(*token);
    if (it != s.tokens.end() && it->second.exp > s.now_s()) {
      issued = it->second;
      active = true;
    }
  }
  if (!active) return json_response(200, "{\"active\":false}");
  std::string b = "{\"active\":true,\"token_type\":";
  if (issued.jkt.empty()) {
    b += "\"Bearer\"";
  } else {
    b += "\"DPoP\",\"cnf\":{\"jkt\":";
    json_quote_append(b, issued.jkt);
    b += "}";
  }
  b += ",\"client_id\":";
  json_quote_append(b, issued.client_id);
  b += ",\"sub\":";
  json_quote_append(b, issued.subject);
  if (!issued.scope.empty()) {
    b += ",\"scope\":";
    json_quote_append(b, issued.scope);
  }
  b += ",\"iss\":";
  json_quote_append(b, s.base_url);
  b += ",\"iat\":" + std::to_string(issued.iat) + ",\"exp\":" + std::to_string(issued.exp) + "}";
  return json_response(200, b);
}

std::string TokenServer::Impl::handle(const WireRequest &req, SSL *ssl) {
  const std::string &p = req.path;
  // Not counted, never failed or stalled; without an admin token an unknown path like any other.
  if (!options.admin_token.empty() && is_admin_path(p)) return admin_endpoint(*this, req);
  count("");
  try {
    if (p == "/.well-known/openid-configuration" || p == "/.well-known/oauth-authorization-server") {
      count("discovery");
      if (req.method != "GET") return wire_response(405, "text/plain", "GET only\n", {{"Allow", "GET"}});
      return json_response(200, discovery(base_url));
    }
    if (p == "/jwks") {
      count("jwks");
      if (req.method != "GET") return wire_response(405, "text/plain", "GET only\n", {{"Allow", "GET"}});
      return json_response(200, jwks({signing_key.public_only()}));
    }
    if (p == "/token") {
      count("token");
      try {
        const std::string *trace = req.header("traceparent");
        if (trace != nullptr && telemetry::valid_traceparent(*trace)) count("traced");
      } catch (const Error &) {
        // Sent twice: not counted, and not the token endpoint's business.
      }
      return token_endpoint(*this, req, ssl);
    }
    if (p == "/introspect") {
      count("introspection");
      return introspection(*this, req, ssl);
    }
  } catch (const OAuthFailure &f) {
    return oauth_error(f);
  } catch (const Error &) {
    return oauth_error(OAuthFailure{400, "invalid_request", "the request is malformed"});
  }
  count("other");
  return wire_response(404, "text/plain", "not found\n");
}

}  // namespace m2mauth::core::testing
