// The test server's admin interface (ServerOptions::admin_token): its knobs over HTTP, for a test that
// cannot call the library (one driving the m2mauth-testserver program from a shell or another language).
//
//   POST /_admin/fail_next   {"count": 0..1000000 (1), "status": 400..599 (503), "error": text|null,
//                             "retry_after": 0..86400|null}
//   POST /_admin/stall       {"count": 0..1000000 (1), "ms": 0..600000 (required)}
//   POST /_admin/lifetime    {"seconds": 1..315360000 (required)}     tokens issued from now on
//   POST /_admin/clock_offset {"seconds": -315360000..315360000 (required)}   the server's clock from now on
//   POST /_admin/token_format {"format": "opaque" or "jwt" (required)} tokens issued from now on
//   POST /_admin/revoke_all  {} or no body
//   GET  /_admin/counters    {"requests": n, "token": n, ...}          every counter
//
// Every request carries "Authorization: Bearer <admin token>", compared in constant time (its SHA-256 digest
// against the admin token's); else 401. A POST
// answers 200 {"ok":true}. Bodies are JSON objects of at most 4096 bytes, parsed strictly: 400 with
// "error" invalid_json (not one JSON object, duplicate members, NUL), unknown_member, invalid_type or
// out_of_range, 413 too_large, 415 unsupported_media_type. Descriptions are fixed text: the peer's bytes
// and the admin token never appear in a response.
#include <openssl/err.h>
#include <openssl/evp.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/secret.hpp"
#include "testing/server_impl.hpp"

namespace m2mauth::core::testing {

namespace {

constexpr std::string_view kPrefix = "/_admin";
constexpr std::size_t kMaxBody = 4096;
constexpr std::int64_t kMaxCount = 1000000;

struct AdminError {
  int status;
  const char *error;
  std::string description;  // fixed text and the names of known members only
};

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string reply(int status, std::string_view error, std::string_view description, const Headers &headers = {}) {
  std::string body = "{\"error\":";
  json_quote_append(body, error);
  body += ",\"error_description\":";
  json_quote_append(body, description);
  return wire_response(status, "application/json", body + "}", headers);
}

bool lower_equal(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != lower[i]) return false;
  }
  return true;
}

// "Authorization: Bearer <token>" sent once, the token equal to the admin token.
bool authorized(const TokenServer::Impl &s, const WireRequest &req) {
  const std::string *authz = nullptr;
  try {
    authz = req.header("authorization");
  } catch (const Error &) {
    return false;  // sent more than once
  }
  if (authz == nullptr || authz->size() < 7 || !lower_equal(std::string_view(*authz).substr(0, 7), "bearer "))
    return false;
  // SHA-256 digests compared in constant time: neither the token's bytes nor its length show in the timing.
  const std::string_view given = std::string_view(*authz).substr(7);
  const std::string &want = s.options.admin_token;
  unsigned char a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
  unsigned int a_len = 0, b_len = 0;
  if (EVP_Digest(given.data(), given.size(), a, &a_len, EVP_sha256(), nullptr) != 1 ||
      EVP_Digest(want.data(), want.size(), b, &b_len, EVP_sha256(), nullptr) != 1) {
    ERR_clear_error();
    return false;
  }
  return constant_time_equal(a, a_len, b, b_len);
}

// The request's body as a JSON object whose members are all in `allowed`; no body reads as {}.
Json body_object(const WireRequest &req, std::initializer_list<const char *> allowed) {
  if (req.body.size() > kMaxBody) throw AdminError{413, "too_large", "the body must have at most 4096 bytes"};
  if (req.body.empty()) return json_new_object();
  const std::string *type = nullptr;
  try {
    type = req.header("content-type");
  } catch (const Error &) {
    type = nullptr;
  }
  std::string_view t = type == nullptr ? std::string_view() : std::string_view(*type);
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (!lower_equal(t, "application/json"))
    throw AdminError{415, "unsupported_media_type", "the body must be application/json"};
  Json root;
  try {
    root = json_parse_object(req.body, "admin request");
  } catch (const Error &) {
    throw AdminError{400, "invalid_json", "the body must be one JSON object (no duplicate members, no NUL)"};
  }
  for (const cJSON *m = root->child; m != nullptr; m = m->next) {
    bool known = false;
    for (const char *name : allowed) known = known || std::string_view(m->string) == name;
    if (!known) throw AdminError{400, "unknown_member", "the body has a member this request does not take"};
  }
  return root;
}

// Integer member `name` in lo..hi; `fallback` when absent (nullopt: required).
std::int64_t integer(const cJSON *root, const char *name, std::int64_t lo, std::int64_t hi,
                     std::optional<std::int64_t> fallback) {
  const cJSON *item = json_get(root, name);
  const std::string range = std::string(name) + " must be " + std::to_string(lo) + " to " + std::to_string(hi);
  if (item == nullptr) {
    if (!fallback) throw AdminError{400, "invalid_type", std::string(name) + " is required"};
    return *fallback;
  }
  if (!cJSON_IsNumber(item)) throw AdminError{400, "invalid_type", std::string(name) + " must be an integer"};
  const double d = item->valuedouble;
  if (std::isfinite(d) && std::floor(d) != d) throw AdminError{400, "invalid_type", std::string(name) + " must be an integer"};
  if (!std::isfinite(d) || d < static_cast<double>(lo) || d > static_cast<double>(hi))
    throw AdminError{400, "out_of_range", range};
  return static_cast<std::int64_t>(d);
}

// A member that is absent or null.
bool absent(const cJSON *root, const char *name) {
  const cJSON *item = json_get(root, name);
  return item == nullptr || cJSON_IsNull(item);
}

std::string ok() { return wire_response(200, "application/json", "{\"ok\":true}"); }

std::string post_only(const WireRequest &req, std::string (*then)(TokenServer::Impl &, const WireRequest &),
                      TokenServer::Impl &s) {
  if (req.method != "POST") return reply(405, "method_not_allowed", "POST only", {{"Allow", "POST"}});
  return then(s, req);
}

std::string fail_next(TokenServer::Impl &s, const WireRequest &req) {
  Json body = body_object(req, {"count", "status", "error", "retry_after"});
  Failure f;
  const auto count = static_cast<unsigned int>(integer(body.get(), "count", 0, kMaxCount, 1));
  f.http_status = static_cast<int>(integer(body.get(), "status", 400, 599, 503));
  if (!absent(body.get(), "error")) {
    const cJSON *e = json_get(body.get(), "error");
    if (!cJSON_IsString(e)) throw AdminError{400, "invalid_type", "error must be a string or null"};
    std::string_view text = e->valuestring;
    if (text.size() > 128) throw AdminError{400, "out_of_range", "error must have at most 128 characters"};
    for (char c : text)  // RFC 6749 section 5.2: NQSCHAR
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
        throw AdminError{400, "out_of_range", "error must be printable ASCII without '\"' or '\\'"};
    f.oauth_error = std::string(text);
  }
  if (!absent(body.get(), "retry_after")) f.retry_after_s = integer(body.get(), "retry_after", 0, 86400, std::nullopt);
  s.fail_next(count, std::move(f));
  return ok();
}

std::string stall(TokenServer::Impl &s, const WireRequest &req) {
  Json body = body_object(req, {"count", "ms"});
  const auto count = static_cast<unsigned int>(integer(body.get(), "count", 0, kMaxCount, 1));
  s.stall(count, integer(body.get(), "ms", 0, 600000, std::nullopt));
  return ok();
}

std::string lifetime(TokenServer::Impl &s, const WireRequest &req) {
  Json body = body_object(req, {"seconds"});
  s.set_lifetime(integer(body.get(), "seconds", 1, kTenYearsS, std::nullopt));
  return ok();
}

std::string clock_offset(TokenServer::Impl &s, const WireRequest &req) {
  Json body = body_object(req, {"seconds"});
  s.set_clock_offset(integer(body.get(), "seconds", -kTenYearsS, kTenYearsS, std::nullopt));
  return ok();
}

std::string token_format(TokenServer::Impl &s, const WireRequest &req) {
  Json body = body_object(req, {"format"});
  const cJSON *f = json_get(body.get(), "format");
  if (f == nullptr) throw AdminError{400, "invalid_type", "format is required"};
  if (!cJSON_IsString(f)) throw AdminError{400, "invalid_type", "format must be a string"};
  const std::string_view name = f->valuestring;
  if (name == "opaque")
    s.set_token_format(TokenFormat::opaque);
  else if (name == "jwt")
    s.set_token_format(TokenFormat::jwt);
  else
    throw AdminError{400, "out_of_range", "format must be \"opaque\" or \"jwt\""};
  return ok();
}

std::string revoke_all(TokenServer::Impl &s, const WireRequest &req) {
  body_object(req, {});
  s.revoke_all();
  return ok();
}

}  // namespace

bool is_admin_path(const std::string &path) {
  return path.compare(0, kPrefix.size(), kPrefix) == 0 && (path.size() == kPrefix.size() || path[kPrefix.size()] == '/');
}

std::string admin_endpoint(TokenServer::Impl &s, const WireRequest &req) {
  if (!authorized(s, req))
    return reply(401, "unauthorized", "the admin token is missing or wrong",
                 {{"WWW-Authenticate", "Bearer realm=\"m2mauth-test-admin\""}});
  const std::string_view action = std::string_view(req.path).substr(kPrefix.size());
  try {
    if (action == "/counters") {
      if (req.method != "GET") return reply(405, "method_not_allowed", "GET only", {{"Allow", "GET"}});
      return wire_response(200, "application/json", s.counters_json());
    }
    if (action == "/fail_next") return post_only(req, fail_next, s);
    if (action == "/stall") return post_only(req, stall, s);
    if (action == "/lifetime") return post_only(req, lifetime, s);
    if (action == "/clock_offset") return post_only(req, clock_offset, s);
    if (action == "/token_format") return post_only(req, token_format, s);
    if (action == "/revoke_all") return post_only(req, revoke_all, s);
  } catch (const AdminError &e) {
    return reply(e.status, e.error, e.description);
  } catch (const Error &) {
    return reply(400, "out_of_range", "a value is out of range");
  }
  return reply(404, "not_found", "no such admin request");
}

}  // namespace m2mauth::core::testing
