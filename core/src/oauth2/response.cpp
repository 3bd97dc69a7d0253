// OAuth 2.0 token responses (RFC 6749 5.1, 5.2): parsing and error classification.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <cmath>
#include <ctime>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/oauth2.hpp"

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

// Server-provided text kept for diagnostics: printable, bounded.
std::string sanitize(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 512)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  return out;
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

std::int64_t expires_in_seconds(const cJSON *body, std::int64_t fallback) {
  const cJSON *e = json_get(body, "expires_in");
  if (e == nullptr || cJSON_IsNull(e)) return fallback;
  double v;
  if (cJSON_IsNumber(e)) {
    v = e->valuedouble;
  } else if (cJSON_IsString(e)) {
    char *end = nullptr;
    v = std::strtod(e->valuestring, &end);
    if (end == e->valuestring || *end != '\0') fail(Errc::protocol, "token response \"expires_in\" is not a number");
  } else {
    fail(Errc::protocol, "token response \"expires_in\" is not a number");
  }
  if (!std::isfinite(v) || v <= 0) fail(Errc::protocol, "token response \"expires_in\" must be a positive number");
  if (v > 10.0 * 365 * 86400) v = 10.0 * 365 * 86400;
  return static_cast<std::int64_t>(v);
}

}  // namespace

std::int64_t retry_after_ms(const Response &response, std::int64_t now_ms) {
  const std::string *h = response.header("Retry-After");
  if (h == nullptr || h->empty()) return 0;
  const std::int64_t cap = 3600 * 1000;
  bool digits = true;
  for (char c : *h) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) {
    if (h->size() > 7) return cap;
    return std::min<std::int64_t>(std::stoll(*h) * 1000, cap);
  }
  struct tm tm {};
  if (strptime(h->c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return 0;
  std::int64_t at = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  return std::clamp<std::int64_t>(at - now_ms, 0, cap);
}

Token parse_token_response(const Response &r, std::int64_t now_ms, const ClientConfig &config,
                           const TokenScope &requested) {
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
        body = json_parse_object(r.body, "error response");
      } catch (const Error &) {
        http_error(r, now_ms, nullptr);
      }
      const cJSON *err = json_get(body.get(), "error");
      if (cJSON_IsString(err)) {
        ErrorDetail d;
        d.http_status = r.status;
        d.oauth_error = sanitize(err->valuestring);
        if (auto desc = json_get(body.get(), "error_description"); cJSON_IsString(desc))
          d.oauth_error_description = sanitize(desc->valuestring);
        if (auto uri = json_get(body.get(), "error_uri"); cJSON_IsString(uri)) d.oauth_error_uri = sanitize(uri->valuestring);
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
                "token endpoint answered 200 with Content-Type \"" + sanitize(ct != nullptr ? *ct : "") +
                    "\" instead of application/json",
                d);
  }
  Json body;
  try {
    body = json_parse_object(r.body, "token response");
  } catch (const Error &e) {
    ErrorDetail d;
    d.http_status = r.status;
    throw Error(Errc::protocol, std::string("token endpoint answered 200 but its body is not a JSON object"), d);
  }
  const cJSON *at = json_get(body.get(), "access_token");
  if (!cJSON_IsString(at) || at->valuestring[0] == '\0') fail(Errc::protocol, "token response has no \"access_token\"");
  Token token;
  token.access_token = SecretString(at->valuestring);
  secure_wipe(at->valuestring, std::strlen(at->valuestring));
  const cJSON *tt = json_get(body.get(), "token_type");
  if (tt != nullptr && !cJSON_IsString(tt)) fail(Errc::protocol, "token response \"token_type\" is not a string");
  token.token_type = tt != nullptr ? std::string(tt->valuestring) : std::string("Bearer");
  std::string scheme = lower(token.token_type);
  if (scheme != "bearer" && scheme != "dpop")
    fail(Errc::unsupported, "token type \"" + sanitize(token.token_type) + "\" is not supported (Bearer, DPoP)");
  std::int64_t lifetime = expires_in_seconds(body.get(), config.default_expires_in_s);
  token.issued_at_ms = now_ms;
  token.expires_at_ms = now_ms + lifetime * 1000;
  const cJSON *scope = json_get(body.get(), "scope");
  token.scope = cJSON_IsString(scope) ? std::string(scope->valuestring) : requested.scope;
  if (const cJSON *rt = json_get(body.get(), "refresh_token"); cJSON_IsString(rt)) {
    token.refresh_token = SecretString(rt->valuestring);
    secure_wipe(rt->valuestring, std::strlen(rt->valuestring));
  }
  return token;
}

}  // namespace m2mauth::core
