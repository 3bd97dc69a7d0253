// base64, base64url, hex and RFC 3986 percent-encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace m2mauth::core {

// base64url without padding (RFC 7515 section 2); appends to out.
void base64url_append(std::string &out, const std::uint8_t *data, std::size_t len);
std::string base64url_encode(const std::uint8_t *data, std::size_t len);
inline std::string base64url_encode(std::string_view s) {
  return base64url_encode(reinterpret_cast<const std::uint8_t *>(s.data()), s.size());
}
// Strict: no padding, no whitespace, no characters outside the alphabet, canonical trailing bits.
// Throws Error(Errc::malformed).
std::vector<std::uint8_t> base64url_decode(std::string_view text);
// Like base64url_decode but into a string.
std::string base64url_decode_string(std::string_view text);
// Like base64url_decode but into out; returns the length. Throws Error(too_large) when the decoded
// bytes would exceed capacity.
std::size_t base64url_decode_to(std::uint8_t *out, std::size_t capacity, std::string_view text);

// Standard base64 with padding (RFC 4648 section 4).
std::string base64_encode(const std::uint8_t *data, std::size_t len);
inline std::string base64_encode(std::string_view s) {
  return base64_encode(reinterpret_cast<const std::uint8_t *>(s.data()), s.size());
}
// Accepts padded or unpadded input; ignores ASCII whitespace (for PEM-like input).
std::vector<std::uint8_t> base64_decode(std::string_view text);

std::string hex_encode(const std::uint8_t *data, std::size_t len, bool upper = false, char separator = 0);

// RFC 3986 section 2.3: everything but ALPHA / DIGIT / "-" / "." / "_" / "~" becomes %XX (upper-case).
// This is the encoding OAuth 1.0 (RFC 5849 section 3.6) requires.
void percent_encode_append(std::string &out, std::string_view s);
std::string percent_encode(std::string_view s);
// Appends one URL path segment made from a caller's value (an identifier, a name): every byte but
// RFC 3986 unreserved characters, ":" and "@" percent-encoded, so "/", "?", "#" and "%" stay inside the
// segment. Throws Error(invalid_argument) naming `what` for an empty value, "." or "..": URL
// normalisers remove dot-segments (RFC 3986 section 5.2.4), and servers decode "%2E" back to ".".
void path_segment_append(std::string &out, std::string_view value, const char *what);

// Decodes %XX; with plus_as_space, "+" decodes to a space (application/x-www-form-urlencoded).
// Throws Error(Errc::malformed) on a bad escape.
std::string percent_decode(std::string_view s, bool plus_as_space);

// application/x-www-form-urlencoded encoding of one name or value as RFC 6749 appendix B requires:
// unreserved characters kept, space as "+", everything else %XX.
std::string form_urlencode(std::string_view s);

}  // namespace m2mauth::core
