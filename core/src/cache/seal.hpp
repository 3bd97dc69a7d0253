// Internal: sealing a shared cache entry with AES-256-GCM (OpenSSL EVP), the cache key as associated data.
//
// Sealed form: "M2C" 0x01 | key id (4 bytes: the first bytes of SHA-256 over the key) | nonce (12) |
// ciphertext | tag (16). open() returns nullopt for anything that does not open under this key and
// associated data (another key id, a flipped byte, a truncated or oversized entry): never trusted.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "m2mauth/core/secret.hpp"

namespace m2mauth::core::cache {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kKeyIdBytes = 4;
constexpr std::size_t kHeaderBytes = 4 + kKeyIdBytes + kNonceBytes;
constexpr std::size_t kMaxSealedBytes = 64 * 1024;  // an entry holds one token: anything larger is refused

// A 256-bit key from text: 32 raw bytes, 64 hex digits or 43 base64url characters (unpadded or with
// one '='), surrounding ASCII whitespace ignored for the text forms. Throws Error(config) naming
// `field`, never quoting the value.
SecretString parse_cache_key(std::string_view text, std::string_view field);

class Sealer {
 public:
  explicit Sealer(SecretString key);  // Error(config) unless 32 bytes
  std::string seal(std::string_view plaintext, std::string_view aad) const;
  // With a given nonce (known-answer tests only).
  std::string seal_with_nonce(std::string_view plaintext, std::string_view aad, std::string_view nonce) const;
  std::optional<SecretString> open(std::string_view sealed, std::string_view aad) const;
  const std::string &key_id() const noexcept { return key_id_; }

 private:
  SecretString key_;
  std::string key_id_;
};

}  // namespace m2mauth::core::cache
