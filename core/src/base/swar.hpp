// Internal: eight-bytes-at-a-time tests for JSON text (SWAR: SIMD within a register).
#pragma once

#include <cstdint>

namespace m2mauth::core {

// The high bit of each of the eight bytes of x that is < 0x20, '"' or '\\': a byte a JSON string
// cannot hold as is ("has less than" and "has zero byte" bit tricks). A borrow may also flag a byte
// after a flagged one, never one before: the first flagged byte in memory order is always exact.
inline std::uint64_t escape_mask(std::uint64_t x) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  std::uint64_t lt20 = (x - ones * 0x20) & ~x & highs;
  std::uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
  std::uint64_t eq = ((q - ones) & ~q & highs) | ((b - ones) & ~b & highs);
  return lt20 | eq;
}

inline bool block_needs_escape(std::uint64_t x) noexcept { return escape_mask(x) != 0; }

// The number of bytes of a block loaded from memory (memcpy) that come before the first byte mask flags
// (mask != 0): exact on little-endian machines; 0 elsewhere, so the caller looks at every byte.
inline int clean_prefix(std::uint64_t mask) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return __builtin_ctzll(mask) / 8;
#else
  (void)mask;
  return 0;
#endif
}

}  // namespace m2mauth::core
