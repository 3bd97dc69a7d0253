// OAuth 2.0 Token Exchange (RFC 8693): the request a client makes to trade a subject token (and an
// optional actor token) for another token, the checks of its values and of the answer, and the cache
// key the token manager files the answer under.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "m2mauth/core/http.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

constexpr const char *kTokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
// RFC 8693 section 3 token type identifiers.
constexpr const char *kTokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token";
constexpr const char *kTokenTypeRefreshToken = "urn:ietf:params:oauth:token-type:refresh_token";
constexpr const char *kTokenTypeIdToken = "urn:ietf:params:oauth:token-type:id_token";
constexpr const char *kTokenTypeSaml1 = "urn:ietf:params:oauth:token-type:saml1";
constexpr const char *kTokenTypeSaml2 = "urn:ietf:params:oauth:token-type:saml2";
constexpr const char *kTokenTypeJwt = "urn:ietf:params:oauth:token-type:jwt";

// One token exchange request (RFC 8693 section 2.1). The tokens are secrets: they never appear in a
// message, a log or the cache key (which holds their SHA-256).
struct TokenExchange {
  SecretString subject_token;          // required
  std::string subject_token_type;      // required: a token type identifier
  SecretString actor_token;            // optional
  std::string actor_token_type;        // required when actor_token is given, else empty
  std::string requested_token_type;    // optional; when given, the answer's issued_token_type must equal it
  std::vector<std::string> audiences;  // "audience" parameters
  std::vector<std::string> resources;  // "resource" parameters (absolute URIs without fragment)
  std::string scope;                   // space-separated
};

// A token type identifier (RFC 8693 section 3): an absolute URI (RFC 3986 section 4.3: scheme ":"
// rest, no fragment), printable ASCII without spaces, at most 2048 bytes; the section 3 URNs are such.
bool token_type_uri_valid(std::string_view uri) noexcept;

// Throws Error(invalid_argument) naming the field (never its value): an empty subject token, an
// invalid token type, an actor token without its type or a type without a token, an empty audience, a
// resource that is not an absolute URI without fragment, a token with a byte outside printable ASCII.
void check_token_exchange(const TokenExchange &exchange);

// The cache key of an exchange: every parameter, the tokens as their SHA-256 (hex), each field
// length-prefixed so that no two different requests share a key. Never contains a token.
std::string token_exchange_key(const TokenExchange &exchange);

// The "exp" claim (Unix seconds) of token when it is a JWS compact JWT whose payload is a JSON object
// with a numeric exp; nullopt otherwise (a JWE, an opaque token, no exp). The token is NOT verified:
// this only bounds how long an exchanged token is cached.
std::optional<std::int64_t> jwt_exp_unverified(std::string_view token) noexcept;

// Parses a token exchange response (RFC 8693 section 2.2): errors as parse_token_response; a 200
// answer must carry "issued_token_type" (a token type identifier, else Error(protocol)), equal to
// requested_token_type when that was given (else Error(protocol)); "token_type" may be "N_A" (any
// case) for a token that is not an access token, and is then kept as "N_A".
Token parse_token_exchange_response(const Response &response, std::int64_t now_ms, const ClientConfig &config,
                                    const TokenScope &requested, const TokenExchange &exchange,
                                    const std::vector<std::string_view> &secrets);

}  // namespace m2mauth::core
