// Internal: a strict, allocation-light JSON object scanner for hot paths.
//
// Verifying a JWT needs a handful of top-level claims, not a tree: the scanner validates the whole
// text against RFC 8259 (and rejects duplicate member names at every depth, as RFC 7515/7519 ask)
// and returns the raw spans of the top-level members. The tree is built later, only if asked for.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace m2mauth::core {

struct JsonMember {
  std::string_view name;   // raw, without quotes, escapes not decoded
  bool name_escaped = false;
  std::string_view value;  // raw text of the value (strings with their quotes)
  char kind = 0;           // 's' string, 'n' number, 'o' object, 'a' array, 't' true, 'f' false, 'z' null
};

// Who refuses a string holding U+0000 (see the U+0000 rule below): the scanner, or a caller that
// names the offending member in its own terms and refuses every such string itself before any other
// use of the text (the configuration loader: "oauth2.scope contains a NUL character"). With
// caller_checks a raw NUL byte is still refused, as the control character it is.
enum class JsonNul { refuse, caller_checks };

// Throws Error(malformed) naming `what`. Does not check UTF-8 (see utf8_valid). Returns true when the
// text is in compact form (no whitespace outside strings).
bool json_scan_object(std::string_view text, std::vector<JsonMember> &members, const char *what,
                      JsonNul nul = JsonNul::refuse);

// U+0000 rule: no JSON text m2mauth reads may hold a string (member name or value) that decodes to
// U+0000, whether written as \u0000 or as a raw NUL byte. The scanner refuses such text with
// Error(malformed), naming the innermost member whose value holds it when m2mauth reads that member.
//
// True if text holds a NUL byte or a \u0000 escape (a cheap test; false means no decoded string can
// hold U+0000).
bool json_may_hold_nul(std::string_view text) noexcept;
// Throws Error(malformed) for a text json_may_hold_nul found: the U+0000 message naming the member, or
// the syntax error found first.
[[noreturn]] void json_refuse_nul(std::string_view text, const char *what);
// For diagnostic text only (an error response whose members go into a message, never into a
// comparison that decides anything): a copy of text with every \u0000 escape written as \ufffd, the
// replacement character, so a peer's NUL costs the reader one character instead of the whole error.
// Raw NUL bytes stay (they are not JSON and the parse refuses them).
std::string json_replace_nul_escapes(std::string_view text);

// The decoded value of a raw JSON string literal (with quotes) that the scanner accepted.
std::string json_unescape(std::string_view literal);
// The member's decoded name.
std::string json_member_name(const JsonMember &m);
// The top-level member with that (decoded) name, or nullptr.
const JsonMember *json_find(const std::vector<JsonMember> &members, std::string_view name);
// The value of a number the scanner accepted.
double json_number(std::string_view raw);

}  // namespace m2mauth::core
