// Peer text made fit for error records: secrets redacted, control characters escaped, length bounded.
#include "m2mauth/core/peer_text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

namespace {

constexpr std::string_view kRedacted = "<redacted>";
constexpr std::size_t kMaxInput = 64 * 1024;
constexpr std::size_t kMinSecret = 4;

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

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
  if (what.size() < kMinSecret) return;
  for (std::size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + kRedacted.size()))
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

bool alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool token68_char(char c) { return alnum(c) || (c != '\0' && std::strchr("-._~+/=", c) != nullptr); }

bool base64url_char(char c) { return alnum(c) || c == '-' || c == '_'; }

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

// A compact JWS or JWT ("eyJ" + base64url, with two dots) becomes "<redacted>" wherever it stands.
void redact_compact_jws(std::string &s) {
  for (std::size_t pos = s.find("eyJ"); pos != std::string::npos;) {
    if (pos > 0 && base64url_char(s[pos - 1])) {
      pos = s.find("eyJ", pos + 3);
      continue;
    }
    std::size_t end = pos;
    int dots = 0;
    while (end < s.size() && (base64url_char(s[end]) || s[end] == '.')) dots += s[end++] == '.';
    if (dots >= 2 && end - pos >= 16) {
      s.replace(pos, end - pos, kRedacted);
      end = pos + kRedacted.size();
    }
    pos = s.find("eyJ", end);
  }
}

// Length of the valid UTF-8 sequence at s[i] (shortest form, no surrogates, at most U+10FFFF) and its
// code point; 0 if the bytes there are not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t &cp) {
  auto at = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  auto cont = [&](std::size_t k) { return (at(k) & 0xC0u) == 0x80u; };
  unsigned b0 = at(0);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    cp = ((b0 & 0x1Fu) << 6) | (at(1) & 0x3Fu);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    if ((b0 == 0xE0 && at(1) < 0xA0) || (b0 == 0xED && at(1) > 0x9F)) return 0;
    cp = ((b0 & 0x0Fu) << 12) | ((at(1) & 0x3Fu) << 6) | (at(2) & 0x3Fu);
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    if ((b0 == 0xF0 && at(1) < 0x90) || (b0 == 0xF4 && at(1) > 0x8F)) return 0;
    cp = ((b0 & 0x07u) << 18) | ((at(1) & 0x3Fu) << 12) | ((at(2) & 0x3Fu) << 6) | (at(3) & 0x3Fu);
    return 4;
  }
  return 0;
}

// C1 controls, zero-width and bidirectional formatting characters, line and paragraph separators and
// the byte order mark: invisible or reordering text in a terminal or a log.
bool invisible_control(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF;
}

// The escaped form of the character at s[i] in unit; returns the number of input bytes it took.
std::size_t escape_unit(std::string_view s, std::size_t i, std::string &unit) {
  static const char *hex = "0123456789ABCDEF";
  unit.clear();
  char32_t cp = 0;
  std::size_t n = utf8_sequence(s, i, cp);
  if (n == 0) {
    unit = "?";
    return 1;
  }
  if (cp == '\n') unit = "\\n";
  else if (cp == '\r') unit = "\\r";
  else if (cp == '\t') unit = "\\t";
  else if (cp < 0x20 || cp == 0x7F) unit = {'\\', 'x', hex[cp >> 4], hex[cp & 15]};
  else if (invisible_control(cp))
    unit = {'\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15]};
  else unit.assign(s.substr(i, n));
  return n;
}

}  // namespace

std::string sanitize_peer_text(std::string_view text, const std::vector<std::string_view> &secrets,
                               std::size_t max_bytes) {
  std::string s(text.substr(0, kMaxInput));
  // Longest first, so that a secret that contains another is not left half visible.
  std::vector<std::string> forms;
  for (std::string_view secret : secrets) {
    if (secret.size() < kMinSecret) continue;
    forms.emplace_back(secret);
    forms.push_back(percent_encode(secret));
    forms.push_back(form_urlencode(secret));
  }
  std::sort(forms.begin(), forms.end(), [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
  for (const std::string &form : forms) replace_all(s, form);
  for (std::string &form : forms) secure_wipe(form);

  constexpr std::string_view kValueEnd = "&, ;\"'<>)]}\r\n\t";
  for (std::string_view marker : {"token=", "secret=", "password=", "passphrase=", "signature=", "assertion="})
    redact_after(s, marker, kValueEnd);
  for (std::string_view scheme : {"bearer ", "basic ", "dpop ", "oauth "}) redact_credential_word(s, scheme);
  redact_compact_jws(s);

  max_bytes = std::max<std::size_t>(max_bytes, 4);
  std::string out;
  std::string unit;
  std::size_t keep = 0;  // the longest prefix of out that leaves room for "..."
  for (std::size_t i = 0; i < s.size();) {
    i += escape_unit(s, i, unit);
    if (out.size() + unit.size() > max_bytes) {
      out.resize(keep);
      out += "...";
      break;
    }
    out += unit;
    if (out.size() + 3 <= max_bytes) keep = out.size();
  }
  secure_wipe(s);
  return out;
}

}  // namespace m2mauth::core
