// Internal: what a shared cache entry holds (before sealing): the token, its scheme, the granted scope,
// the RFC 8693 issued token type, and the absolute issue and expiry times (Unix ms, from the token
// response). Each reader applies its own skew margin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "m2mauth/core/secret.hpp"

namespace m2mauth::core::cache {

struct CachedToken {
  SecretString access_token;
  std::string token_type;  // as the server wrote it
  std::string scope;
  std::string issued_token_type;
  std::int64_t issued_at_ms = 0;
  std::int64_t expires_at_ms = 0;
};

// Version byte 1, issued and expiry (8 bytes each, big-endian), then four strings, each a 4-byte
// big-endian length and its bytes. The result holds the token: wipe it.
std::string encode_entry(const CachedToken &t);
// nullopt unless the bytes are exactly one well-formed entry (a non-empty token, expiry after issue,
// each string within bounds, nothing left over).
std::optional<CachedToken> decode_entry(std::string_view bytes);

}  // namespace m2mauth::core::cache
