// OAuth 2.0 token responses (RFC 6749 5.1, 5.2): parsing and error classification.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/peer_numbers.hpp"
#include "m2mauth/core/peer_text.hpp"
#include "base/json_scan.hpp"
#include "oauth2/token_response.hpp"

namespace m2mauth::core {

namespace {

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool is_json_type(const Response &r) {
  const std::string *ct = r.header("Content-Type");
  if (ct == nullptr) return false;
  std::string t = lower(ct->substr(0, ct->find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t == "application/json" || (t.rfind("application/", 0) == 0 && t.size() > 5 && t.compare(t.size() - 5, 5, "+json") == 0);
}

bool looks_like_html(const std::string &body) {
  std::string head = lower(std::string_view(body).substr(0, 256));
  return head.find("<html") != std::string::npos || head.find("<!doctype") != std::string::npos;
}

bool transient_status(int status) { return status >= 500 || status == 429 || status == 408; }

bool transient_oauth_error(const std::string &error) {
  return error == "temporarily_unavailable" || error == "server_error" || error == "slow_down";
}

[[noreturn]] void http_error(const Response &r, std::int64_t now_ms, const char *what) {
  ErrorDetail d;
  d.http_status = r.status;
  d.transient = transient_status(r.status);
  d.retry_after_ms = retry_after_ms(r, now_ms);
  std::string msg = std::string("token endpoint answered HTTP ") + std::to_string(r.status);
  if (what != nullptr) msg += what;
  else if (looks_like_html(r.body)) msg += " with an HTML page instead of an OAuth 2.0 response";
  else if (!r.body.empty()) msg += " without an OAuth 2.0 error response";
  throw Error(Errc::http, msg, d);
}

constexpr std::int64_t kMaxLifetimeS = 10LL * 365 * 86400;

// expires_in (RFC 6749 5.1): a JSON number (a fraction truncates to whole seconds, so 0.4 is 0: a
// lifetime is never lengthened) or a string of decimal digits ("3600"; some servers send strings).
// Negative, non-numeric and other strings ("0x10", "1e3", " 60", "3.5") are Error(protocol); a
// lifetime over 10 years is taken as 10 years. Absent or null: the configured default.
std::int64_t expires_in_seconds(const cJSON *body, std::int64_t fallback) {
  const cJSON *e = json_get(body, "expires_in");
  if (e == nullptr || cJSON_IsNull(e)) return fallback;
  if (cJSON_IsNumber(e)) {
    const double v = e->valuedouble;
    if (!std::isfinite(v)) fail(Errc::protocol, "token response \"expires_in\" is not a number");
    if (v < 0) fail(Errc::protocol, "token response \"expires_in\" is negative");
    return v >= static_cast<double>(kMaxLifetimeS) ? kMaxLifetimeS : static_cast<std::int64_t>(v);
  }
  if (cJSON_IsString(e)) {
    auto v = parse_decimal_capped(e->valuestring, static_cast<std::uint64_t>(kMaxLifetimeS));
    if (!v) fail(Errc::protocol, "token response \"expires_in\" is a string of something else than decimal digits");
    return static_cast<std::int64_t>(*v);
  }
  fail(Errc::protocol, "token response \"expires_in\" is not a number");
}

// RFC 6750 2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". Only such a
// token may go into an Authorization header: no space (no "tok realm=evil"), no control byte, no
// byte outside ASCII.
bool b64token(std::string_view t) {
  std::size_t i = 0;
  for (; i < t.size(); ++i) {
    const char c = t[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
  }
  if (i == 0) return false;
  for (; i < t.size(); ++i)
    if (t[i] != '=') return false;
  return true;
}

// An RFC 9110 token (tchar), which a token_type must be to name an authentication scheme.
bool http_token(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::int64_t retry_after_ms(const Response &response, std::int64_t now_ms) {
  const std::string *h = response.header("Retry-After");
  if (h == nullptr || h->empty()) return 0;
  constexpr std::int64_t kCapS = 3600;
  // delta-seconds = 1*DIGIT (any number of digits: a larger one is the cap), else an HTTP-date.
  if (auto seconds = parse_decimal_capped(*h, kCapS)) return static_cast<std::int64_t>(*seconds) * 1000;
  auto at = parse_http_date(*h);
  if (!at) return 0;  // neither: ignored, as if absent
  if (*at > now_ms / 1000 + kCapS) return kCapS * 1000;
  return std::clamp<std::int64_t>(*at * 1000 - now_ms, 0, kCapS * 1000);
}

Token parse_token_response(const Response &r, std::int64_t now_ms, const ClientConfig &config,
                           const TokenScope &requested, const std::vector<std::string_view> &secrets) {
  return parse_token_response(r, now_ms, config, requested, secrets, TokenResponseOptions{});
}

Token parse_token_response(const Response &r, std::int64_t now_ms, const ClientConfig &config,
                           const TokenScope &requested, const std::vector<std::string_view> &secrets,
                           const TokenResponseOptions &options) {
  // Every text of the peer that enters an Error goes through sanitize_peer_text once, with the
  // secrets of this call: the caller's, the configured client secret, and the tokens of this body.
  std::vector<std::string_view> known = secrets;
  if (!config.client_secret.empty()) known.emplace_back(config.client_secret.reveal());
  if (r.status >= 300 && r.status < 400) {
    ErrorDetail d;
    d.http_status = r.status;
    throw Error(Errc::http, "token endpoint answered with a redirect (HTTP " + std::to_string(r.status) + "), which is not followed", d);
  }
  if (r.status != 200) {
    // RFC 6749 5.2 error response?
    if (r.status >= 400 && (is_json_type(r) || (!r.body.empty() && r.body[0] == '{'))) {
      Json body;
      try {
        // The members of an error response only enter messages (sanitised below), so a \u0000 in
        // them costs one replacement character, not the server's OAuth error.
        body = json_may_hold_nul(r.body) ? json_parse_object(json_replace_nul_escapes(r.body), "error response")
                                         : json_parse_object(r.body, "error response");
      } catch (const Error &) {
        http_error(r, now_ms, nullptr);
      }
      const cJSON *err = json_get(body.get(), "error");
      if (cJSON_IsString(err)) {
        ErrorDetail d;
        d.http_status = r.status;
        d.oauth_error = sanitize_peer_text(err->valuestring, known, 64);
        if (auto desc = json_get(body.get(), "error_description"); cJSON_IsString(desc))
          d.oauth_error_description = sanitize_peer_text(desc->valuestring, known);
        if (auto uri = json_get(body.get(), "error_uri"); cJSON_IsString(uri))
          d.oauth_error_uri = sanitize_peer_text(uri->valuestring, known);
        d.transient = transient_oauth_error(d.oauth_error) || transient_status(r.status);
        d.retry_after_ms = retry_after_ms(r, now_ms);
        std::string msg = "token endpoint refused the request: " + d.oauth_error + " (HTTP " + std::to_string(r.status) + ")";
        throw Error(Errc::oauth, msg, d);
      }
    }
    http_error(r, now_ms, nullptr);
  }
  if (!is_json_type(r)) {
    const std::string *ct = r.header("Content-Type");
    ErrorDetail d;
    d.http_status = r.status;
    d.transient = looks_like_html(r.body);  // a proxy's HTML page is usually passing
    throw Error(Errc::protocol,
                "token endpoint answered 200 with Content-Type \"" + sanitize_peer_text(ct != nullptr ? *ct : "", known, 64) +
                    "\" instead of application/json",
                d);
  }
  Json body;
  try {
    body = json_parse_object(r.body, "token response");
  } catch (const Error &e) {
    // The parser's reason names the rule, never a value ("token response holds U+0000 (NUL) ...").
    ErrorDetail d;
    d.http_status = r.status;
    throw Error(Errc::protocol, std::string("token endpoint answered 200 but its body was refused: ") + e.what(), d);
  }
  Token token;
  const cJSON *at = json_get(body.get(), "access_token");
  if (!cJSON_IsString(at) || at->valuestring[0] == '\0') fail(Errc::protocol, "token response has no \"access_token\"");
  token.access_token = SecretString(at->valuestring);
  secure_wipe(at->valuestring, std::strlen(at->valuestring));
  if (const cJSON *rt = json_get(body.get(), "refresh_token"); cJSON_IsString(rt)) {
    token.refresh_token = SecretString(rt->valuestring);
    secure_wipe(rt->valuestring, std::strlen(rt->valuestring));
  }
  if (!b64token(token.access_token.reveal()))
    fail(Errc::protocol, "token response \"access_token\" has characters an Authorization header cannot carry "
                         "(RFC 6750 b64token: letters, digits, -._~+/ and trailing =)");
  known.emplace_back(token.access_token.reveal());
  if (!token.refresh_token.empty()) known.emplace_back(token.refresh_token.reveal());

  const cJSON *tt = json_get(body.get(), "token_type");
  if (tt != nullptr && !cJSON_IsString(tt)) fail(Errc::protocol, "token response \"token_type\" is not a string");
  token.token_type = tt != nullptr ? std::string(tt->valuestring) : std::string("Bearer");
  const std::string scheme = lower(token.token_type);
  if (options.token_type_na && scheme == "n_a") {
    token.token_type = "N_A";
  } else {
    if (!http_token(token.token_type))
      fail(Errc::protocol, "token response \"token_type\" is not an authentication scheme name (RFC 9110 token)");
    if (scheme != "bearer" && scheme != "dpop")
      fail(Errc::unsupported, "token type \"" + sanitize_peer_text(token.token_type, known, 32) +
                                  "\" is not supported (Bearer, DPoP)");
  }
  std::int64_t lifetime = expires_in_seconds(body.get(), config.default_expires_in_s);
  token.issued_at_ms = now_ms;
  token.expires_at_ms = now_ms + lifetime * 1000;
  const cJSON *scope = json_get(body.get(), "scope");
  token.scope = cJSON_IsString(scope) ? std::string(scope->valuestring) : requested.scope;
  if (options.body != nullptr) *options.body = std::move(body);
  return token;
}

}  // namespace m2mauth::core
