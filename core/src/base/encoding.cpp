#include "m2mauth/core/encoding.hpp"

#include <array>
#include <cstring>

#include "m2mauth/core/error.hpp"
#include "base/rfc3986.hpp"

namespace m2mauth::core {

namespace {

constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kStdAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_table(const char *alphabet) {
  std::array<std::int8_t, 256> t{};
  for (auto &v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto kUrlTable = make_table(kUrlAlphabet);
constexpr auto kStdTable = make_table(kStdAlphabet);

// Two output characters per 12 input bits.
struct PairTable {
  char c[4096][2];
};
constexpr PairTable make_pairs(const char *alphabet) {
  PairTable t{};
  for (int i = 0; i < 4096; ++i) {
    t.c[i][0] = alphabet[i >> 6];
    t.c[i][1] = alphabet[i & 63];
  }
  return t;
}
constexpr PairTable kUrlPairs = make_pairs(kUrlAlphabet);
constexpr PairTable kStdPairs = make_pairs(kStdAlphabet);

// The eight bytes at p as a big-endian number (the first byte in the top bits).
inline std::uint64_t load_be64(const std::uint8_t *p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  v = __builtin_bswap64(v);
#elif !defined(__BYTE_ORDER__)
  v = 0;
  for (int k = 0; k < 8; ++k) v = (v << 8) | p[k];
#endif
  return v;
}

void encode_append(std::string &out, const std::uint8_t *in, std::size_t len, const char *alphabet,
                   bool pad) {
  const PairTable &pairs = alphabet == kUrlAlphabet ? kUrlPairs : kStdPairs;
  std::size_t full = len / 3 * 3;
  std::size_t start = out.size();
  out.resize(start + (len + 2) / 3 * 4);
  char *o = out.data() + start;
  std::size_t i = 0;
  // Six bytes (four 12-bit pairs) per step from one eight-byte load, while eight bytes remain.
  for (; i + 8 <= len; i += 6) {
    std::uint64_t v = load_be64(in + i);
    std::memcpy(o, pairs.c[(v >> 52) & 0xfff], 2);
    std::memcpy(o + 2, pairs.c[(v >> 40) & 0xfff], 2);
    std::memcpy(o + 4, pairs.c[(v >> 28) & 0xfff], 2);
    std::memcpy(o + 6, pairs.c[(v >> 16) & 0xfff], 2);
    o += 8;
  }
  for (; i < full; i += 3) {
    std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    std::memcpy(o, pairs.c[v >> 12], 2);
    std::memcpy(o + 2, pairs.c[v & 0xfff], 2);
    o += 4;
  }
  std::size_t rest = len - full;
  if (rest == 1) {
    std::uint32_t v = std::uint32_t{in[i]} << 16;
    *o++ = alphabet[(v >> 18) & 63];
    *o++ = alphabet[(v >> 12) & 63];
    if (pad) {
      *o++ = '=';
      *o++ = '=';
    }
  } else if (rest == 2) {
    std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
    *o++ = alphabet[(v >> 18) & 63];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = alphabet[(v >> 6) & 63];
    if (pad) *o++ = '=';
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
}

// Decoding tables: the value of a character shifted into its place in a 24-bit group, one table per
// position, so that a group of four characters is four lookups ORed; an invalid character sets bit 24.
struct DecodeTables {
  std::uint32_t d[4][256];
};
constexpr std::uint32_t kBad = 1u << 24;
constexpr DecodeTables make_decode(const std::array<std::int8_t, 256> &values) {
  DecodeTables t{};
  for (int c = 0; c < 256; ++c)
    for (int k = 0; k < 4; ++k)
      t.d[k][c] = values[c] < 0 ? kBad : static_cast<std::uint32_t>(values[c]) << (18 - 6 * k);
  return t;
}
constexpr DecodeTables kUrlDecode = make_decode(kUrlTable);
constexpr DecodeTables kStdDecode = make_decode(kStdTable);

// Decodes text into out (decoded_size(text) bytes). Returns false for a character outside the
// alphabet; throws for a non-canonical ending.
std::size_t decoded_size(std::size_t n) { return n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1); }

void decode_into(std::uint8_t *o, std::string_view text, const DecodeTables &t, const char *what) {
  const std::size_t n = text.size();
  const auto *in = reinterpret_cast<const unsigned char *>(text.data());
  std::size_t i = 0;
  std::uint32_t bad = 0;
  for (; i + 4 <= n; i += 4) {
    std::uint32_t v = t.d[0][in[i]] | t.d[1][in[i + 1]] | t.d[2][in[i + 2]] | t.d[3][in[i + 3]];
    bad |= v;
    o[0] = static_cast<std::uint8_t>(v >> 16);
    o[1] = static_cast<std::uint8_t>(v >> 8);
    o[2] = static_cast<std::uint8_t>(v);
    o += 3;
  }
  std::size_t rest = n - i;
  if (rest >= 2) {
    std::uint32_t v = t.d[0][in[i]] | t.d[1][in[i + 1]] | (rest == 3 ? t.d[2][in[i + 2]] : 0);
    bad |= v;
    *o++ = static_cast<std::uint8_t>(v >> 16);
    if (rest == 3) *o++ = static_cast<std::uint8_t>(v >> 8);
    // Leftover bits must be zero: otherwise several encodings map to the same bytes.
    if ((bad & kBad) == 0 && (rest == 2 ? (v & 0xffff) : (v & 0xff)) != 0)
      fail(Errc::malformed, std::string("non-canonical ") + what);
  }
  if (bad & kBad) fail(Errc::malformed, std::string("invalid character in ") + what);
}

template <typename Out>
void decode_strict(Out &out, std::string_view text, const DecodeTables &t, const char *what) {
  if (text.size() % 4 == 1) fail(Errc::malformed, std::string("invalid ") + what + " length");
  out.resize(decoded_size(text.size()));
  decode_into(reinterpret_cast<std::uint8_t *>(out.data()), text, t, what);
}

}  // namespace

void base64url_append(std::string &out, const std::uint8_t *data, std::size_t len) {
  encode_append(out, data, len, kUrlAlphabet, false);
}

std::string base64url_encode(const std::uint8_t *data, std::size_t len) {
  std::string out;
  out.reserve((len + 2) / 3 * 4);
  base64url_append(out, data, len);
  return out;
}

std::vector<std::uint8_t> base64url_decode(std::string_view text) {
  std::vector<std::uint8_t> out;
  decode_strict(out, text, kUrlDecode, "base64url");
  return out;
}

std::string base64url_decode_string(std::string_view text) {
  std::string out;
  decode_strict(out, text, kUrlDecode, "base64url");
  return out;
}

std::size_t base64url_decode_to(std::uint8_t *out, std::size_t capacity, std::string_view text) {
  if (text.size() % 4 == 1) fail(Errc::malformed, "invalid base64url length");
  std::size_t n = decoded_size(text.size());
  if (n > capacity) fail(Errc::too_large, "base64url text longer than expected");
  decode_into(out, text, kUrlDecode, "base64url");
  return n;
}

std::string base64_encode(const std::uint8_t *data, std::size_t len) {
  std::string out;
  out.reserve((len + 2) / 3 * 4);
  encode_append(out, data, len, kStdAlphabet, true);
  return out;
}

std::vector<std::uint8_t> base64_decode(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  std::size_t padding = 0;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) fail(Errc::malformed, "invalid base64 padding");
    compact.push_back(c);
  }
  if (padding > 2 || (padding > 0 && (compact.size() + padding) % 4 != 0))
    fail(Errc::malformed, "invalid base64 padding");
  std::vector<std::uint8_t> out;
  decode_strict(out, compact, kStdDecode, "base64");
  return out;
}

std::string hex_encode(const std::uint8_t *data, std::size_t len, bool upper, char separator) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string s;
  s.reserve(len * (separator ? 3 : 2));
  for (std::size_t i = 0; i < len; ++i) {
    if (separator && i > 0) s.push_back(separator);
    s.push_back(digits[data[i] >> 4]);
    s.push_back(digits[data[i] & 15]);
  }
  return s;
}

using rfc3986::kHexUpper;
using rfc3986::kHexValue;
using rfc3986::kUnreserved;

void percent_encode_append(std::string &out, std::string_view s) {
  const std::size_t start = out.size();
  out.resize(start + 3 * s.size());
  char *end = rfc3986::encode_to(out.data() + start, s.data(), s.size());
  out.resize(static_cast<std::size_t>(end - out.data()));
}

std::string percent_encode(std::string_view s) {
  std::string out;
  percent_encode_append(out, s);
  return out;
}

void path_segment_append(std::string &out, std::string_view value, const char *what) {
  if (value.empty() || value == "." || value == "..")
    fail(Errc::invalid_argument, std::string(what) + " must not be empty, \".\" or \"..\" (it is one URL path segment)");
  out.reserve(out.size() + 3 * value.size());
  for (char c : value) {
    if (c == ':' || c == '@') out.push_back(c);
    else rfc3986::encode_to_append(out, c);
  }
}

std::string percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) fail(Errc::malformed, "truncated percent escape");
      int hi = kHexValue[static_cast<unsigned char>(s[i + 1])], lo = kHexValue[static_cast<unsigned char>(s[i + 2])];
      if (hi < 0 || lo < 0) fail(Errc::malformed, "invalid percent escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string form_urlencode(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if (kUnreserved[c]) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 15]);
    }
  }
  return out;
}

}  // namespace m2mauth::core
