#include "m2mauth/core/encoding.hpp"

#include <array>

#include "m2mauth/core/error.hpp"

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

void encode_append(std::string &out, const std::uint8_t *in, std::size_t len, const char *alphabet,
                   bool pad) {
  std::size_t full = len / 3 * 3;
  std::size_t start = out.size();
  out.resize(start + (len + 2) / 3 * 4);
  char *o = out.data() + start;
  std::size_t i = 0;
  for (; i < full; i += 3) {
    std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *o++ = alphabet[(v >> 18) & 63];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = alphabet[(v >> 6) & 63];
    *o++ = alphabet[v & 63];
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

template <typename Out>
void decode_strict(Out &out, std::string_view text, const std::array<std::int8_t, 256> &table,
                   const char *what) {
  if (text.size() % 4 == 1) fail(Errc::malformed, std::string("invalid ") + what + " length");
  out.resize(text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1));
  std::size_t o = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : text) {
    std::int8_t v = table[c];
    if (v < 0) fail(Errc::malformed, std::string("invalid character in ") + what);
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<typename Out::value_type>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero: otherwise several encodings map to the same bytes.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    fail(Errc::malformed, std::string("non-canonical ") + what);
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
  decode_strict(out, text, kUrlTable, "base64url");
  return out;
}

std::string base64url_decode_string(std::string_view text) {
  std::string out;
  decode_strict(out, text, kUrlTable, "base64url");
  return out;
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
  decode_strict(out, compact, kStdTable, "base64");
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

namespace {
constexpr std::array<bool, 256> make_unreserved() {
  std::array<bool, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  t['-'] = t['.'] = t['_'] = t['~'] = true;
  return t;
}
constexpr auto kUnreserved = make_unreserved();
constexpr char kUpperHex[] = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

void percent_encode_append(std::string &out, std::string_view s) {
  for (unsigned char c : s) {
    if (kUnreserved[c]) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 15]);
    }
  }
}

std::string percent_encode(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3 / 2);
  percent_encode_append(out, s);
  return out;
}

std::string percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) fail(Errc::malformed, "truncated percent escape");
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
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
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 15]);
    }
  }
  return out;
}

}  // namespace m2mauth::core
