// OAuth 2.0 Token Exchange (RFC 8693): request checks, the cache key, the subject token's exp and the
// answer's issued_token_type. Errors of the token endpoint are classified by parse_token_response.
#include "m2mauth/core/token_exchange.hpp"

#include <cctype>
#include <cstring>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "oauth2/token_response.hpp"

namespace m2mauth::core {

namespace {

constexpr std::size_t kMaxTypeUri = 2048;

bool printable_ascii(std::string_view s) noexcept {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  return true;
}

// An absolute URI as the resource parameter needs it (RFC 8707 2: absolute, no fragment).
bool absolute_uri(std::string_view uri) noexcept { return token_type_uri_valid(uri); }

void append_field(std::string &out, std::string_view v) {
  out += std::to_string(v.size());
  out.push_back(':');
  out.append(v);
  out.push_back(';');
}

std::string sha256_hex(std::string_view data) {
  const std::string md = digest(HashAlg::sha256, data);
  return hex_encode(reinterpret_cast<const std::uint8_t *>(md.data()), md.size());
}

// Wipes every string value of a parsed answer (the tokens among them) before it is freed.
struct WipeStrings {
  cJSON *root;
  ~WipeStrings() {
    if (root == nullptr) return;
    for (cJSON *c = root->child; c != nullptr; c = c->next)
      if (cJSON_IsString(c) && c->valuestring != nullptr) secure_wipe(c->valuestring, std::strlen(c->valuestring));
  }
};

}  // namespace

bool token_type_uri_valid(std::string_view uri) noexcept {
  if (uri.empty() || uri.size() > kMaxTypeUri || !printable_ascii(uri)) return false;
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":" and something; no fragment.
  if (!std::isalpha(static_cast<unsigned char>(uri[0]))) return false;
  std::size_t i = 1;
  for (; i < uri.size() && uri[i] != ':'; ++i) {
    const char c = uri[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  if (i >= uri.size() - 1) return false;  // no ":" or nothing after it
  if (uri.find('#') != std::string_view::npos) return false;
  for (char c : uri)
    if (c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}')
      return false;
  return true;
}

void check_token_exchange(const TokenExchange &x) {
  if (x.subject_token.empty()) fail(Errc::invalid_argument, "token exchange: subject_token is empty");
  if (!printable_ascii(x.subject_token.reveal()))
    fail(Errc::invalid_argument, "token exchange: subject_token has a byte outside printable ASCII");
  if (!token_type_uri_valid(x.subject_token_type))
    fail(Errc::invalid_argument, "token exchange: subject_token_type is not a token type URI (RFC 8693 section 3)");
  if (!x.actor_token.empty()) {
    if (!printable_ascii(x.actor_token.reveal()))
      fail(Errc::invalid_argument, "token exchange: actor_token has a byte outside printable ASCII");
    if (x.actor_token_type.empty())
      fail(Errc::invalid_argument, "token exchange: actor_token_type is required with actor_token (RFC 8693 2.1)");
    if (!token_type_uri_valid(x.actor_token_type))
      fail(Errc::invalid_argument, "token exchange: actor_token_type is not a token type URI (RFC 8693 section 3)");
  } else if (!x.actor_token_type.empty()) {
    fail(Errc::invalid_argument, "token exchange: actor_token_type without actor_token");
  }
  if (!x.requested_token_type.empty() && !token_type_uri_valid(x.requested_token_type))
    fail(Errc::invalid_argument, "token exchange: requested_token_type is not a token type URI (RFC 8693 section 3)");
  for (const auto &a : x.audiences)
    if (a.empty()) fail(Errc::invalid_argument, "token exchange: an audience is empty");
  for (const auto &r : x.resources)
    if (!absolute_uri(r)) fail(Errc::invalid_argument, "token exchange: a resource is not an absolute URI without fragment");
}

std::string token_exchange_key(const TokenExchange &x) {
  std::string key = "rfc8693;";
  append_field(key, sha256_hex(x.subject_token.reveal()));
  append_field(key, x.subject_token_type);
  append_field(key, x.actor_token.empty() ? std::string() : sha256_hex(x.actor_token.reveal()));
  append_field(key, x.actor_token_type);
  append_field(key, x.requested_token_type);
  key += std::to_string(x.audiences.size()) + "a;";
  for (const auto &a : x.audiences) append_field(key, a);
  key += std::to_string(x.resources.size()) + "r;";
  for (const auto &r : x.resources) append_field(key, r);
  append_field(key, x.scope);
  return key;
}

std::optional<std::int64_t> jwt_exp_unverified(std::string_view token) noexcept {
  try {
    const std::size_t d1 = token.find('.');
    if (d1 == std::string_view::npos) return std::nullopt;
    const std::size_t d2 = token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return std::nullopt;
    if (token.size() > 1u << 20) return std::nullopt;
    std::string payload = base64url_decode_string(token.substr(d1 + 1, d2 - d1 - 1));
    Json claims = json_parse_object(payload, "subject token payload");
    secure_wipe(payload);
    WipeStrings wipe{claims.get()};
    const cJSON *exp = json_get(claims.get(), "exp");
    if (!cJSON_IsNumber(exp) || !(exp->valuedouble > -1e15 && exp->valuedouble < 1e15)) return std::nullopt;
    return static_cast<std::int64_t>(exp->valuedouble);
  } catch (...) {
    return std::nullopt;  // not a JWT we can read: no bound
  }
}

Token parse_token_exchange_response(const Response &r, std::int64_t now_ms, const ClientConfig &config,
                                    const TokenScope &requested, const TokenExchange &exchange,
                                    const std::vector<std::string_view> &secrets) {
  // One parse: the token response rules with "N_A" allowed (RFC 8693 2.2.1), then the members of its own.
  Json body;
  TokenResponseOptions options;
  options.token_type_na = true;
  options.body = &body;
  Token token = parse_token_response(r, now_ms, config, requested, secrets, options);
  WipeStrings wipe{body.get()};
  const cJSON *it = json_get(body.get(), "issued_token_type");
  if (it == nullptr || cJSON_IsNull(it))
    fail(Errc::protocol, "token exchange response has no \"issued_token_type\" (RFC 8693 2.2.1)");
  if (!cJSON_IsString(it) || !token_type_uri_valid(it->valuestring))
    fail(Errc::protocol, "token exchange response \"issued_token_type\" is not a token type URI");
  if (!exchange.requested_token_type.empty() && exchange.requested_token_type != it->valuestring)
    fail(Errc::protocol, "token exchange response \"issued_token_type\" differs from the requested_token_type");
  token.issued_token_type = it->valuestring;
  return token;
}

}  // namespace m2mauth::core
