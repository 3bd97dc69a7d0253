#include "base/json_scan.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <deque>
#include <memory>
#include <functional>

#include "base/swar.hpp"
#include "m2mauth/core/error.hpp"

namespace m2mauth::core {

namespace {

constexpr int kMaxDepth = 256;

// The member names of one object, to refuse a duplicate: compared pairwise while the object is small,
// through a hash set once it has kLinear members (so a large object costs linear time, not quadratic).
class Names {
 public:
  // True if m's (decoded) name is among members'; adds it otherwise.
  bool seen(const std::vector<JsonMember> &members, const JsonMember &m) {
    if (members.size() < kLinear) {
      for (const JsonMember &other : members) {
        bool same = (!m.name_escaped && !other.name_escaped)
                        ? other.name.size() == m.name.size() && (m.name.empty() || other.name[0] == m.name[0]) &&
                              other.name == m.name
                        : json_member_name(other) == json_member_name(m);
        if (same) return true;
      }
      return false;
    }
    if (!big_) {
      big_ = std::make_unique<Big>();
      for (const JsonMember &other : members) big_->insert(decoded(other));
    }
    return !big_->insert(decoded(m));
  }

 private:
  static constexpr std::size_t kLinear = 16;
  // An open-addressing set of names (no allocation per name); an empty slot has a null data().
  struct Big {
    std::vector<std::string_view> slots = std::vector<std::string_view>(64);
    std::size_t count = 0;
    std::deque<std::string> held;  // decoded escaped names (stable addresses)

    // False if name is already in the set.
    bool insert(std::string_view name) {
      if (2 * (count + 1) > slots.size()) grow();
      if (!place(slots, name)) return false;
      ++count;
      return true;
    }
    static bool place(std::vector<std::string_view> &table, std::string_view name) {
      const std::size_t mask = table.size() - 1;
      for (std::size_t h = std::hash<std::string_view>{}(name) & mask;; h = (h + 1) & mask) {
        if (table[h].data() == nullptr) {
          table[h] = name;
          return true;
        }
        if (table[h] == name) return false;
      }
    }
    void grow() {
      std::vector<std::string_view> bigger(slots.size() * 2);
      for (std::string_view n : slots)
        if (n.data() != nullptr) place(bigger, n);
      slots.swap(bigger);
    }
  };
  std::string_view decoded(const JsonMember &m) {
    if (!m.name_escaped) return m.name;
    return big_->held.emplace_back(json_member_name(m));
  }
  std::unique_ptr<Big> big_;  // made when the object reaches kLinear members
};

struct Scanner {
  const char *p;
  const char *end;
  const char *what;
  bool saw_ws = false;  // insignificant whitespace somewhere (the text is not in compact form)
  bool nul = false;     // a string so far decoded to text holding U+0000 (a raw NUL byte or \u0000)
  bool refuse_nul = true;  // false: JsonNul::caller_checks

  [[noreturn]] void bad(const char *why) const { fail(Errc::malformed, std::string(what) + " is not valid JSON: " + why); }

  void ws() noexcept {
    const char *start = p;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    saw_ws |= p != start;
  }

  static int hexval(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // The UTF-16 unit of the \uXXXX escape whose 'u' is at u; a malformed escape is refused.
  int unit_after(const char *u) {
    if (end - u < 5) bad("short \\u escape");
    int v = 0;
    for (int k = 1; k <= 4; ++k) {
      const int h = hexval(u[k]);
      if (h < 0) bad("invalid \\u escape");
      v = v * 16 + h;
    }
    return v;
  }

  // At '"'. Returns the raw content span; sets escaped if it holds a backslash.
  std::string_view string(bool &escaped) {
    const char *start = ++p;
    escaped = false;
    while (true) {
      // Eight plain characters at a time (no quote, backslash or control character, NUL included).
      while (end - p >= 8) {
        std::uint64_t block;
        std::memcpy(&block, p, 8);
        if (std::uint64_t mask = escape_mask(block)) {
          p += clean_prefix(mask);
          break;
        }
        p += 8;
      }
      if (p >= end) bad("unterminated string");
      unsigned char c = static_cast<unsigned char>(*p);
      if (c == '"') break;
      if (c == 0 && refuse_nul) {
        nul = true;  // refused by the caller, which can name the member
        ++p;
        continue;
      }
      if (c < 0x20) bad("control character in string");
      if (c == '\\') {
        escaped = true;
        if (++p >= end) bad("unterminated escape");
        switch (*p) {
          case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': ++p; break;
          case 'u': {
            // UTF-16 surrogates come in pairs, high then low; a lone one is refused, as the tree parser
            // refuses it, so that what verification accepts every reader can read.
            const int unit = unit_after(p);
            if (unit == 0 && refuse_nul) nul = true;
            p += 5;
            if (unit >= 0xdc00 && unit <= 0xdfff) bad("lone UTF-16 surrogate in \\u escape");
            if (unit >= 0xd800 && unit <= 0xdbff) {
              if (end - p < 2 || p[0] != '\\' || p[1] != 'u') bad("lone UTF-16 surrogate in \\u escape");
              const int low = unit_after(p + 1);
              if (low < 0xdc00 || low > 0xdfff) bad("lone UTF-16 surrogate in \\u escape");
              p += 6;
            }
            break;
          }
          default: bad("invalid escape");
        }
        continue;
      }
      ++p;
    }
    std::string_view s(start, static_cast<std::size_t>(p - start));
    ++p;
    return s;
  }

  void digits() {
    if (p >= end || *p < '0' || *p > '9') bad("invalid number");
    while (p < end && *p >= '0' && *p <= '9') ++p;
  }

  void number() {
    if (*p == '-') ++p;
    if (p < end && *p == '0') ++p;
    else digits();
    if (p < end && *p == '.') {
      ++p;
      digits();
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < end && (*p == '+' || *p == '-')) ++p;
      digits();
    }
  }

  void literal(const char *word, std::size_t n) {
    if (static_cast<std::size_t>(end - p) < n || std::string_view(p, n) != std::string_view(word, n)) bad("invalid literal");
    p += n;
  }

  // The innermost member whose value holds U+0000 (the nested ones have been checked already).
  [[noreturn]] void refuse_nul_in(const JsonMember &m) const {
    std::string name = json_member_name(m);
    // A member is named only when its name is one m2mauth reads: a name is a peer's bytes too, and an
    // arbitrary one might be a secret the peer echoes.
    static constexpr const char *known[] = {
        "alg", "kid", "typ", "cty", "crit", "b64", "enc", "x5t", "x5t#S256", "x5c", "jku", "jwk",
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "kty", "crv", "use", "key_ops", "x", "y", "n", "e",
        "d", "k", "keys", "access_token", "token_type", "expires_in", "scope", "refresh_token", "error",
        "error_description", "error_uri", "issuer", "token_endpoint", "response", "exception", "message",
        "mensagem", "status", "code", "error_code", "cod_erro", "erro", "detail"};
    bool plain = false;
    for (const char *k : known) plain = plain || name == k;
    fail(Errc::malformed, std::string(what) + ": " + (plain ? "member \"" + name + "\"" : std::string("a member")) +
                              " holds U+0000 (NUL), refused in every JSON string");
  }

  // Parses one value; returns its kind.
  char value(int depth) {
    if (p >= end) bad("unexpected end");
    switch (*p) {
      case '{': object(depth + 1, nullptr); return 'o';
      case '[': array(depth + 1); return 'a';
      case '"': {
        bool esc;
        string(esc);
        return 's';
      }
      case 't': literal("true", 4); return 't';
      case 'f': literal("false", 5); return 'f';
      case 'n': literal("null", 4); return 'z';
      default:
        if (*p == '-' || (*p >= '0' && *p <= '9')) {
          number();
          return 'n';
        }
        bad("unexpected character");
    }
  }

  void array(int depth) {
    if (depth > kMaxDepth) bad("nested too deeply");
    ++p;
    ws();
    if (p < end && *p == ']') {
      ++p;
      return;
    }
    while (true) {
      ws();
      value(depth);
      ws();
      if (p >= end) bad("unterminated array");
      if (*p == ',') {
        ++p;
        continue;
      }
      if (*p == ']') {
        ++p;
        return;
      }
      bad("expected ',' or ']'");
    }
  }

  void object(int depth, std::vector<JsonMember> *top) {
    if (depth > kMaxDepth) bad("nested too deeply");
    std::vector<JsonMember> local;
    std::vector<JsonMember> &members = top != nullptr ? *top : local;
    Names names;
    ++p;
    ws();
    if (p < end && *p == '}') {
      ++p;
      return;
    }
    while (true) {
      ws();
      if (p >= end || *p != '"') bad("expected a member name");
      JsonMember m;
      const bool had_nul = nul;  // only in an array's earlier element, reported once the text is read
      m.name = string(m.name_escaped);
      if (nul && !had_nul)
        fail(Errc::malformed, std::string(what) + ": a member name holds U+0000 (NUL), refused in every JSON string");
      ws();
      if (p >= end || *p != ':') bad("expected ':'");
      ++p;
      ws();
      const char *vstart = p;
      m.kind = value(depth);
      m.value = std::string_view(vstart, static_cast<std::size_t>(p - vstart));
      if (nul && !had_nul) refuse_nul_in(m);
      if (names.seen(members, m)) fail(Errc::malformed, std::string(what) + " has duplicate member names");
      members.push_back(m);
      ws();
      if (p >= end) bad("unterminated object");
      if (*p == ',') {
        ++p;
        continue;
      }
      if (*p == '}') {
        ++p;
        return;
      }
      bad("expected ',' or '}'");
    }
  }
};

void append_utf8(std::string &out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

std::string unescape_content(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        auto hex4 = [&](std::size_t at) {
          std::uint32_t v = 0;
          for (std::size_t k = 0; k < 4; ++k) v = v * 16 + static_cast<std::uint32_t>(Scanner::hexval(s[at + k]));
          return v;
        };
        std::uint32_t cp = hex4(i + 1);
        i += 4;
        if (cp >= 0xd800 && cp <= 0xdbff && i + 6 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u') {
          std::uint32_t lo = hex4(i + 3);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          }
        }
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;  // a lone surrogate
        append_utf8(out, cp);
        break;
      }
      default: out.push_back(e);  // '"', '\\', '/'
    }
  }
  return out;
}

}  // namespace

bool json_scan_object(std::string_view text, std::vector<JsonMember> &members, const char *what, JsonNul nul) {
  members.clear();
  Scanner s{text.data(), text.data() + text.size(), what};
  s.refuse_nul = nul == JsonNul::refuse;
  s.ws();
  if (s.p >= s.end || *s.p != '{') fail(Errc::malformed, std::string(what) + " is not a JSON object");
  s.object(1, &members);
  s.ws();
  if (s.p != s.end) fail(Errc::malformed, std::string(what) + " has data after the JSON value");
  return !s.saw_ws;
}

void json_refuse_nul(std::string_view text, const char *what) {
  Scanner s{text.data(), text.data() + text.size(), what};
  s.ws();
  s.value(0);
  if (s.nul) fail(Errc::malformed, std::string(what) + " holds U+0000 (NUL), refused in every JSON string");
  s.ws();
  if (s.p != s.end) fail(Errc::malformed, std::string(what) + " has data after the JSON value");
  fail(Errc::malformed, std::string(what) + " holds U+0000 (NUL), refused in every JSON string");
}

std::string json_replace_nul_escapes(std::string_view text) {
  std::string out(text);
  // The same walk as json_may_hold_nul: a backslash starts a two-character escape or a \uXXXX one.
  for (std::size_t i = 0; i + 1 < out.size();) {
    if (out[i] != '\\') {
      ++i;
      continue;
    }
    if (i + 6 <= out.size() && out.compare(i + 1, 5, "u0000") == 0) out.replace(i + 2, 4, "fffd");
    i += 2;
  }
  return out;
}

bool json_may_hold_nul(std::string_view text) noexcept {
  if (text.empty()) return false;
  const char *p = text.data(), *end = p + text.size();
  if (std::memchr(p, '\0', text.size()) != nullptr) return true;
  // In JSON a backslash only starts an escape: two characters, or six for \uXXXX (whose hex digits are
  // never a backslash), so stepping from one backslash past the next character finds every escape.
  while (end - p >= 6) {
    const void *hit = std::memchr(p, '\\', static_cast<std::size_t>(end - p));
    if (hit == nullptr) return false;
    const char *b = static_cast<const char *>(hit);
    if (end - b >= 6 && b[1] == 'u' && b[2] == '0' && b[3] == '0' && b[4] == '0' && b[5] == '0') return true;
    p = b + 2;
  }
  return false;
}

std::string json_unescape(std::string_view literal) {
  if (literal.size() < 2) return {};
  return unescape_content(literal.substr(1, literal.size() - 2));
}

std::string json_member_name(const JsonMember &m) {
  return m.name_escaped ? unescape_content(m.name) : std::string(m.name);
}

const JsonMember *json_find(const std::vector<JsonMember> &members, std::string_view name) {
  for (const JsonMember &m : members) {
    if (!m.name_escaped ? m.name == name : json_member_name(m) == name) return &m;
  }
  return nullptr;
}

double json_number(std::string_view raw) {
  // A plain integer of up to 15 digits (NumericDates) is exact in a double: no floating-point parse.
  if (!raw.empty() && raw.size() <= 15) {
    std::uint64_t n = 0;
    std::size_t i = 0;
    while (i < raw.size() && raw[i] >= '0' && raw[i] <= '9') n = n * 10 + static_cast<std::uint64_t>(raw[i++] - '0');
    if (i == raw.size()) return static_cast<double>(n);
  }
  double v = 0;
  auto res = std::from_chars(raw.data(), raw.data() + raw.size(), v);
  if (res.ec == std::errc::result_out_of_range) {
    // Too large is an infinity; too small (a negative exponent) is zero.
    bool tiny = raw.find("e-") != std::string_view::npos || raw.find("E-") != std::string_view::npos;
    if (tiny) return 0.0;
    return raw[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  }
  return v;
}

}  // namespace m2mauth::core
