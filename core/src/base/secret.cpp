#include "m2mauth/core/secret.hpp"

#include <openssl/crypto.h>

namespace m2mauth::core {

void secure_wipe(void *data, std::size_t len) noexcept {
  if (data != nullptr && len > 0) OPENSSL_cleanse(data, len);
}

void secure_wipe(std::string &s) noexcept {
  // Wipe the whole capacity, not only the current size: earlier contents may linger past size().
  if (s.capacity() > 0) OPENSSL_cleanse(s.data(), s.capacity());
  s.clear();
}

bool constant_time_equal(const std::uint8_t *a, std::size_t a_len, const std::uint8_t *b,
                         std::size_t b_len) noexcept {
  if (a_len != b_len) return false;
  if (a_len == 0) return true;
  return CRYPTO_memcmp(a, b, a_len) == 0;
}

}  // namespace m2mauth::core
