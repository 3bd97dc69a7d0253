// Internal: parse_token_response with what a grant beyond RFC 6749 needs of it, so that such a grant's
// answer is parsed once (response.cpp).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "m2mauth/core/json.hpp"
#include "m2mauth/core/oauth2.hpp"

namespace m2mauth::core {

struct TokenResponseOptions {
  // RFC 8693 2.2.1: "token_type" may be "N_A" (any case) for a token that is not an access token; it is
  // then kept as "N_A" and not checked as an authentication scheme.
  bool token_type_na = false;
  // When not null, receives the parsed body of an answer that passed every check (its access and
  // refresh tokens already wiped), for the members only the grant knows.
  Json *body = nullptr;
};

Token parse_token_response(const Response &response, std::int64_t now_ms, const ClientConfig &config,
                           const TokenScope &requested, const std::vector<std::string_view> &secrets,
                           const TokenResponseOptions &options);

}  // namespace m2mauth::core
