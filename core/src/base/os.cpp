// The operating system's sources: the CSPRNG and the wall clock.
#include "m2mauth/core/random.hpp"

#include <time.h>

#include <openssl/rand.h>

#include <climits>

#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/error.hpp"

namespace m2mauth::core {

void random_fill(std::uint8_t *out, std::size_t len) {
  while (len > 0) {
    int chunk = len > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(len);
    if (RAND_bytes(out, chunk) != 1) fail(Errc::generic, "the system random generator failed");
    out += chunk;
    len -= static_cast<std::size_t>(chunk);
  }
}

std::string random_bytes(std::size_t len) {
  std::string s(len, '\0');
  random_fill(reinterpret_cast<std::uint8_t *>(s.data()), len);
  return s;
}

std::string uuid_v4() {
  std::uint8_t b[16];
  random_fill(b, sizeof b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10
  static const char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(hex[b[i] >> 4]);
    s.push_back(hex[b[i] & 15]);
  }
  return s;
}

double random_unit() {
  std::uint64_t v;
  random_fill(reinterpret_cast<std::uint8_t *>(&v), sizeof v);
  return static_cast<double>(v >> 11) * (1.0 / 9007199254740992.0);
}

std::int64_t system_now_ms() noexcept {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Clock system_clock() { return &system_now_ms; }

}  // namespace m2mauth::core
