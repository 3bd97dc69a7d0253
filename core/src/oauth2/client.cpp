// OAuth 2.0 token requests: building the request (grant, client authentication, assertions).
#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>

#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jwt.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/random.hpp"
#include "m2mauth/core/telemetry.hpp"
#include "m2mauth/core/token_exchange.hpp"
#include "oauth2/server_clock.hpp"

namespace m2mauth::core {

namespace {

constexpr const char *kAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr const char *kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

struct AuthName {
  ClientAuth auth;
  const char *name;
};
constexpr AuthName kAuthNames[] = {
    {ClientAuth::client_secret_basic, "client_secret_basic"},
    {ClientAuth::client_secret_post, "client_secret_post"},
    {ClientAuth::client_secret_jwt, "client_secret_jwt"},
    {ClientAuth::private_key_jwt, "private_key_jwt"},
    {ClientAuth::tls_client_auth, "tls_client_auth"},
    {ClientAuth::self_signed_tls_client_auth, "self_signed_tls_client_auth"},
    {ClientAuth::none, "none"},
};

void validate(const ClientConfig &c) {
  Url url = Url::parse(c.token_url);
  (void)url;
  if (c.client_id.empty()) fail(Errc::config, "client_id is empty");
  switch (c.auth) {
    case ClientAuth::client_secret_basic:
    case ClientAuth::client_secret_post:
    case ClientAuth::client_secret_jwt:
      if (c.client_secret.empty()) fail(Errc::config, std::string(client_auth_name(c.auth)) + " needs a client secret");
      break;
    case ClientAuth::private_key_jwt:
      if (!c.private_key) fail(Errc::config, "private_key_jwt needs a private key");
      if (!c.private_key->has_private()) fail(Errc::no_private, "private_key_jwt needs the private key, not only the public one");
      break;
    default: break;
  }
  if (c.grant == Grant::jwt_bearer && !c.private_key) fail(Errc::config, "the jwt-bearer grant needs a private key");
  if (c.assertion_lifetime_s < 10 || c.assertion_lifetime_s > 3600)
    fail(Errc::config, "assertion lifetime must be 10 to 3600 seconds");
  if (c.assertion_clock_skew_s < 0 || c.assertion_clock_skew_s > 300)
    fail(Errc::config, "assertion clock skew must be 0 to 300 seconds");
  if (c.default_expires_in_s <= 0) fail(Errc::config, "default expires_in must be positive");
  for (const auto &[name, value] : c.extra_params) {
    static const char *reserved[] = {"grant_type", "client_id", "client_secret", "client_assertion",
                                     "client_assertion_type", "assertion", "refresh_token",
                                     "subject_token", "actor_token"};
    for (const char *r : reserved)
      if (name == r) fail(Errc::config, "extra parameter \"" + name + "\" is set by m2mauth itself");
  }
}

// The credentials a token request carries, which no error about its answer may echo: the
// Authorization header's credential and the secret form values (client_secret, the client assertion,
// the jwt-bearer assertion, the refresh token, the token exchange's subject and actor tokens).
bool secret_param(const std::string &name) {
  return name == "client_secret" || name == "refresh_token" || name == "client_assertion" || name == "assertion" ||
         name == "subject_token" || name == "actor_token";
}

std::vector<SecretString> request_secrets(const Request &req) {
  std::vector<SecretString> out;
  if (const std::string *auth = req.header("Authorization")) {
    std::size_t space = auth->find(' ');
    out.emplace_back(space == std::string::npos ? *auth : auth->substr(space + 1));
  }
  std::vector<Header> form = parse_form(req.body);
  for (auto &[name, value] : form) {
    if (secret_param(name)) out.emplace_back(std::move(value));
    secure_wipe(value);
  }
  return out;
}

}  // namespace

const char *client_auth_name(ClientAuth auth) noexcept {
  for (const auto &a : kAuthNames)
    if (a.auth == auth) return a.name;
  return "";
}

ClientAuth client_auth_from_name(std::string_view name) {
  for (const auto &a : kAuthNames)
    if (name == a.name) return a.auth;
  fail(Errc::invalid_argument, "unknown client authentication method");
}

ClientAuth client_auth_from_int(int auth) {
  if (auth < static_cast<int>(ClientAuth::client_secret_basic) || auth > static_cast<int>(ClientAuth::none))
    fail(Errc::invalid_argument, "unknown client authentication method");
  return static_cast<ClientAuth>(auth);
}

Grant grant_from_int(int grant) {
  if (grant != static_cast<int>(Grant::client_credentials) && grant != static_cast<int>(Grant::jwt_bearer))
    fail(Errc::invalid_argument, "unknown grant");
  return static_cast<Grant>(grant);
}

std::string Token::authorization_scheme() const {
  std::string lower;
  for (char c : token_type) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower.empty() || lower == "bearer") return "Bearer";
  if (lower == "dpop") return "DPoP";
  return token_type;
}

TokenClient::TokenClient(ClientConfig config, std::shared_ptr<Transport> transport, Clock clock)
    : config_(std::move(config)), transport_(std::move(transport)), clock_(std::move(clock)) {
  if (!transport_) fail(Errc::invalid_argument, "no transport");
  if (!clock_) clock_ = system_clock();
  validate(config_);
  if (config_.assertion_kid_thumbprint && config_.private_key) thumbprint_kid_ = jwk_thumbprint(*config_.private_key);
}

void TokenClient::observe_server_clock(Token &token, const Response &resp, std::int64_t sent_ms) {
  const std::int64_t received = clock_();
  const std::optional<std::int64_t> offset = estimate_server_offset(resp, token.access_token.reveal(), sent_ms, received);
  if (offset) {
    server_offset_ms_.store(*offset, std::memory_order_relaxed);
    has_server_offset_.store(true, std::memory_order_release);
  }
  // A JWT access token's exp, on this client's clock, caps the expiry (and gives it when expires_in
  // was absent): a client whose clock is off neither serves it past its exp nor thinks it expired.
  const JwtTimes times = jwt_times_unverified(token.access_token.reveal());
  if (!times.exp || *times.exp > 253402300799 || *times.exp < 0) return;
  const std::int64_t exp_local = *times.exp * 1000 - offset.value_or(0);
  // A second's difference is the exp's resolution, not a disagreement.
  if (exp_local < token.expires_at_ms - 1000) token.expires_at_ms = std::max(exp_local, token.issued_at_ms + 1);
}

std::string TokenClient::client_assertion(const std::string &audience, bool grant) {
  const std::int64_t now = clock_() / 1000;
  Claims claims;
  claims.set_string("iss", config_.client_id);
  claims.set_string("sub", grant && !config_.jwt_bearer_subject.empty() ? config_.jwt_bearer_subject : config_.client_id);
  claims.set_string("aud", audience);
  claims.set_string("jti", uuid_v4());
  // Backdated: a server whose clock is a little behind accepts it; exp counts from the real time.
  claims.set_int("iat", now - config_.assertion_clock_skew_s);
  claims.set_int("nbf", now - config_.assertion_clock_skew_s);
  claims.set_int("exp", now + config_.assertion_lifetime_s);

  JwsHeader header;
  header.typ = "JWT";
  header.alg = config_.assertion_alg;
  if (!config_.assertion_kid.empty()) header.kid = config_.assertion_kid.c_str();
  else if (!thumbprint_kid_.empty()) header.kid = thumbprint_kid_.c_str();
  if (config_.assertion_cert) {
    header.cert = &*config_.assertion_cert;
    header.cert_members = config_.assertion_cert_members;
  }
  if (config_.auth == ClientAuth::client_secret_jwt && !grant) {
    const std::string &s = config_.client_secret.reveal();
    Key hmac = Key::from_secret(reinterpret_cast<const std::uint8_t *>(s.data()), s.size());
    if (header.alg == 0) header.alg = static_cast<int>(Alg::hs256);
    return jwt_sign(hmac, claims, header);
  }
  if (config_.key_source) {  // a rotating key: this assertion's key, and its thumbprint when that is the kid
    Key key = config_.key_source->current();
    std::string thumbprint;
    if (config_.assertion_kid.empty() && config_.assertion_kid_thumbprint) {
      thumbprint = jwk_thumbprint(key);
      header.kid = thumbprint.c_str();
    }
    return jwt_sign(key, claims, header);
  }
  return jwt_sign(*config_.private_key, claims, header);
}

Request TokenClient::build_request(const TokenScope &scope) {
  Request req;
  req.method = "POST";
  req.url = config_.token_url;
  req.set_header("Content-Type", "application/x-www-form-urlencoded");
  req.set_header("Accept", "application/json");

  std::vector<Header> form;
  const std::string audience = config_.assertion_audience.empty() ? config_.token_url : config_.assertion_audience;
  {
    std::lock_guard<std::mutex> lock(refresh_mutex_);
    if (scope.exchange) {
      const TokenExchange &x = *scope.exchange;
      form.emplace_back("grant_type", kTokenExchangeGrant);
      form.emplace_back("subject_token", x.subject_token.reveal());
      form.emplace_back("subject_token_type", x.subject_token_type);
      if (!x.actor_token.empty()) {
        form.emplace_back("actor_token", x.actor_token.reveal());
        form.emplace_back("actor_token_type", x.actor_token_type);
      }
      if (!x.requested_token_type.empty()) form.emplace_back("requested_token_type", x.requested_token_type);
      for (const auto &a : x.audiences) form.emplace_back("audience", a);
      for (const auto &r : x.resources) form.emplace_back("resource", r);
    } else if (!refresh_token_.empty() && scope == config_.scope) {
      form.emplace_back("grant_type", "refresh_token");
      form.emplace_back("refresh_token", refresh_token_.reveal());
    } else if (config_.grant == Grant::jwt_bearer) {
      form.emplace_back("grant_type", kJwtBearerGrant);
      form.emplace_back("assertion", client_assertion(audience, true));
    } else {
      form.emplace_back("grant_type", "client_credentials");
    }
  }
  if (!scope.scope.empty()) form.emplace_back("scope", scope.scope);
  if (!scope.audience.empty()) form.emplace_back("audience", scope.audience);
  for (const auto &r : scope.resources) form.emplace_back("resource", r);
  for (const auto &p : config_.extra_params) form.push_back(p);

  switch (config_.auth) {
    case ClientAuth::client_secret_basic: {
      // RFC 6749 section 2.3.1: id and secret are form-urlencoded before base64.
      SecretString pair(form_urlencode(config_.client_id) + ":" + form_urlencode(config_.client_secret.reveal()));
      req.set_header("Authorization", "Basic " + base64_encode(pair.reveal()));
      break;
    }
    case ClientAuth::client_secret_post:
      form.emplace_back("client_id", config_.client_id);
      form.emplace_back("client_secret", config_.client_secret.reveal());
      break;
    case ClientAuth::client_secret_jwt:
    case ClientAuth::private_key_jwt:
      form.emplace_back("client_id", config_.client_id);
      form.emplace_back("client_assertion_type", kAssertionType);
      form.emplace_back("client_assertion", client_assertion(audience, false));
      break;
    case ClientAuth::tls_client_auth:
    case ClientAuth::self_signed_tls_client_auth:
    case ClientAuth::none:
      form.emplace_back("client_id", config_.client_id);
      break;
  }
  req.body = encode_form(form);
  if (config_.dpop) req.set_header("DPoP", config_.dpop->proof(req.method, req.url, {}, nullptr, clock_() / 1000));
  for (auto &[name, value] : form)
    if (secret_param(name)) secure_wipe(value);
  return req;
}

Token TokenClient::fetch(const TokenScope *scope, const CallOptions &options) {
  const TokenScope &s = scope != nullptr ? *scope : config_.scope;
  // Token exchange: the answer is cached no longer than the subject token lives (when it is a JWT).
  std::optional<std::int64_t> subject_exp_ms;
  if (s.exchange) {
    if (auto exp = jwt_exp_unverified(s.exchange->subject_token.reveal())) {
      constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
      subject_exp_ms = *exp > kMax / 1000 ? kMax : *exp < 0 ? 0 : *exp * 1000;
      // Its exp is on the server's clock: on this client's, as far as the last answer showed.
      *subject_exp_ms -= std::clamp<std::int64_t>(server_clock_offset_ms().value_or(0), -*subject_exp_ms, *subject_exp_ms);
      if (*subject_exp_ms <= clock_()) fail(Errc::expired, "token exchange: the subject token has expired (its exp)");
    }
  }
  CallOptions opts = options;
  if (opts.max_response_bytes == 0 || opts.max_response_bytes > config_.max_response_bytes)
    opts.max_response_bytes = config_.max_response_bytes;
  bool nonce_retried = false;  // RFC 9449 section 8: one retry with the nonce the server asked for
  int sends = 0;
  for (int attempt = 0;; ++attempt) {
    bool used_refresh;
    {
      std::lock_guard<std::mutex> lock(refresh_mutex_);
      used_refresh = !refresh_token_.empty() && s == config_.scope;
    }
    Request req = build_request(s);
    const std::int64_t start = clock_();
    // The deadline is on this client's clock: the transport sees the time left as a timeout.
    telemetry::SendInfo info{telemetry::SpanKind::token_request, config_.client_id, s.scope, {}, sends++};
    info.token_source = telemetry::SourceScope::current();
    if (info.token_source.empty() && used_refresh) info.token_source = "refreshed";
    Response resp = telemetry::send(*transport_, req, opts.deadline_ms != 0 ? with_deadline(opts, start) : opts, info);
    // The nonce is observed on every answer; one retry with the nonce the server asked for.
    if (config_.dpop && config_.dpop->nonce_retry(req.url, resp) && !nonce_retried) {
      nonce_retried = true;
      secure_wipe(req.body);
      if (const std::string *auth = req.header("Authorization")) secure_wipe(const_cast<std::string &>(*auth));
      --attempt;
      continue;
    }
    const std::vector<SecretString> sent = request_secrets(req);
    secure_wipe(req.body);
    if (const std::string *auth = req.header("Authorization")) secure_wipe(const_cast<std::string &>(*auth));
    std::vector<std::string_view> secrets;
    for (const SecretString &secret : sent) secrets.emplace_back(secret.reveal());
    try {
      Token token = s.exchange ? parse_token_exchange_response(resp, start, config_, s, *s.exchange, secrets)
                               : parse_token_response(resp, start, config_, s, secrets);
      observe_server_clock(token, resp, start);
      if (subject_exp_ms && token.expires_at_ms > *subject_exp_ms) token.expires_at_ms = *subject_exp_ms;
      if (config_.use_refresh_token && s == config_.scope) {
        std::lock_guard<std::mutex> lock(refresh_mutex_);
        if (!token.refresh_token.empty()) refresh_token_ = token.refresh_token;
      }
      return token;
    } catch (const Error &e) {
      // A refresh token the server no longer honours: forget it and use the configured grant once.
      if (used_refresh && attempt == 0 && e.code() == Errc::oauth && e.detail().oauth_error == "invalid_grant") {
        std::lock_guard<std::mutex> lock(refresh_mutex_);
        refresh_token_ = SecretString();
        continue;
      }
      throw;
    }
  }
}

Token TokenClient::exchange(const TokenExchange &exchange, const CallOptions &options) {
  check_token_exchange(exchange);
  TokenScope scope;
  scope.scope = exchange.scope;
  scope.exchange_key = token_exchange_key(exchange);
  scope.exchange = std::make_shared<const TokenExchange>(exchange);
  return fetch(&scope, options);
}

}  // namespace m2mauth::core
