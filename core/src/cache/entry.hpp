// Internal: what a shared cache entry holds (before sealing): a Token's access token, its scheme, the
// granted scope, the RFC 8693 issued token type, and the absolute issue and expiry times (Unix ms, from
// the token response); never its refresh token. Each reader applies its own skew margin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "m2mauth/core/oauth2.hpp"

namespace m2mauth::core::cache {

// Version byte 1, issued and expiry (8 bytes each, big-endian), then four strings, each a 4-byte
// big-endian length and its bytes. The result holds the token: wipe it.
std::string encode_entry(const Token &t);
// nullopt unless the bytes are exactly one well-formed entry (a non-empty token, expiry after issue,
// each string within bounds, nothing left over); the refresh token stays empty.
std::optional<Token> decode_entry(std::string_view bytes);

}  // namespace m2mauth::core::cache
