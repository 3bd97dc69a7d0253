// senhasegura A2A: server messages made fit for error messages (bounded, one line, no secrets).
#include <cctype>
#include <cstring>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/senhasegura.hpp"

namespace m2mauth::core {

namespace {

constexpr const char *kRedacted = "<redacted>";

char lower_ascii(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Position of needle in hay, ASCII case-insensitive, from pos; npos if absent.
std::size_t find_nocase(const std::string &hay, std::string_view needle, std::size_t pos) {
  if (needle.empty() || hay.size() < needle.size()) return std::string::npos;
  for (std::size_t i = pos; i + needle.size() <= hay.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && lower_ascii(hay[i + j]) == lower_ascii(needle[j])) ++j;
    if (j == needle.size()) return i;
  }
  return std::string::npos;
}

void replace_all(std::string &s, std::string_view what) {
  if (what.size() < 4) return;
  for (std::size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + std::strlen(kRedacted)))
    s.replace(pos, what.size(), kRedacted);
}

// After each marker (case-insensitive), the value up to a delimiter becomes "<redacted>".
void redact_after(std::string &s, std::string_view marker, std::string_view delimiters) {
  for (std::size_t pos = find_nocase(s, marker, 0); pos != std::string::npos;) {
    std::size_t start = pos + marker.size();
    if (start < s.size() && (s[start] == '"' || s[start] == '\'')) ++start;  // name="value"
    std::size_t end = start;
    while (end < s.size() && delimiters.find(s[end]) == std::string_view::npos) ++end;
    if (end > start && s.compare(start, end - start, kRedacted) != 0) s.replace(start, end - start, kRedacted);
    pos = find_nocase(s, marker, start + 1);
  }
}

bool token68_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
         (c != '\0' && std::strchr("-._~+/=", c) != nullptr);
}

// After an authorization scheme (case-insensitive), a credential-looking word (16 or more token68
// characters, or 8 or more with a digit or a symbol) becomes "<redacted>"; ordinary prose ("basic
// authentication failed") is left alone.
void redact_credential_word(std::string &s, std::string_view scheme) {
  for (std::size_t pos = find_nocase(s, scheme, 0); pos != std::string::npos;) {
    std::size_t start = pos + scheme.size();
    std::size_t end = start;
    bool mixed = false;
    for (; end < s.size() && token68_char(s[end]); ++end)
      mixed = mixed || !((s[end] >= 'a' && s[end] <= 'z') || (s[end] >= 'A' && s[end] <= 'Z'));
    if (end - start >= 16 || (end - start >= 8 && mixed)) s.replace(start, end - start, kRedacted);
    pos = find_nocase(s, scheme, start + 1);
  }
}

// Cuts s to at most max bytes without splitting a UTF-8 sequence; replaces invalid bytes with '?'.
void bound_utf8(std::string &s, std::size_t max) {
  if (s.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
    s += "...";
  }
  if (!utf8_valid(s))
    for (char &c : s)
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
}

}  // namespace

std::string a2a_sanitize_message(std::string_view text, const std::vector<std::string_view> &secrets,
                                 std::size_t max_bytes) {
  std::string s(text.substr(0, 4096));
  for (char &c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  for (std::string_view secret : secrets) {
    if (secret.size() < 4) continue;
    replace_all(s, secret);
    replace_all(s, percent_encode(secret));
    replace_all(s, form_urlencode(secret));
  }
  constexpr std::string_view kValueEnd = "&, ;\"'<>)]}";
  for (std::string_view marker : {"token=", "secret=", "password=", "passphrase=", "signature=", "assertion="})
    redact_after(s, marker, kValueEnd);
  for (std::string_view marker : {"bearer ", "basic ", "oauth "}) redact_credential_word(s, marker);
  bound_utf8(s, max_bytes);
  return s;
}

}  // namespace m2mauth::core
