// Internal: RFC 3986 percent-encoding tables and the encoder every part of the core uses
// (encoding.cpp's percent_encode / form_urlencode / percent_decode, the OAuth 1.0 signer).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace m2mauth::core::rfc3986 {

namespace detail {
constexpr std::array<bool, 256> make_unreserved() {
  std::array<bool, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  t['-'] = t['.'] = t['_'] = t['~'] = true;
  return t;
}
constexpr std::array<std::int8_t, 256> make_hex_values() {
  std::array<std::int8_t, 256> t{};
  for (auto &v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<std::int8_t>(c - 'A' + 10);
  return t;
}
}  // namespace detail

// Section 2.3: ALPHA / DIGIT / "-" / "." / "_" / "~", by byte.
inline constexpr std::array<bool, 256> kUnreserved = detail::make_unreserved();
// The value of a hex digit by byte, -1 for other bytes.
inline constexpr std::array<std::int8_t, 256> kHexValue = detail::make_hex_values();
// Section 2.1: upper-case hex digits in percent-encodings.
inline constexpr char kHexUpper[17] = "0123456789ABCDEF";

// Percent-encodes [s, s+n) at o, every byte but the unreserved ones; returns the new end. The caller
// provides 3 * n bytes.
inline char *encode_to(char *o, const char *s, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (kUnreserved[c]) {
      *o++ = static_cast<char>(c);
    } else {
      o[0] = '%';
      o[1] = kHexUpper[c >> 4];
      o[2] = kHexUpper[c & 15];
      o += 3;
    }
  }
  return o;
}

// Appends c to out, percent-encoded unless it is unreserved.
template <typename String>
void encode_to_append(String &out, char c) {
  auto u = static_cast<unsigned char>(c);
  if (kUnreserved[u]) {
    out.push_back(c);
  } else {
    out.push_back('%');
    out.push_back(kHexUpper[u >> 4]);
    out.push_back(kHexUpper[u & 15]);
  }
}

}  // namespace m2mauth::core::rfc3986
