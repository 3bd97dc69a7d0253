// parse_redis_url: the strict redis:// URL of the Redis store (redis_store.hpp).
#include <string>
#include <string_view>

#include "base/rfc3986.hpp"
#include "cache/redis_store.hpp"
#include "m2mauth/core/error.hpp"

namespace m2mauth::core::cache {
namespace {

[[noreturn]] void bad(const std::string &what) { fail(Errc::config, "cache.url: " + what); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) { return rfc3986::kHexValue[static_cast<unsigned char>(c)]; }

// Characters RFC 3986 allows in a userinfo (unreserved, sub-delims, ':' handled by the caller, '%').
bool userinfo_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) return true;
  return std::string_view("-._~!$&'()*+,;=%").find(c) != std::string_view::npos;
}

// Strict percent-decoding: every '%' starts two hex digits; a decoded NUL is refused.
std::string percent_decode(std::string_view s, const char *field) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!userinfo_char(c)) bad(std::string("the ") + field + " holds a character that must be percent-encoded");
    if (c != '%') {
      out += c;
      continue;
    }
    if (i + 2 >= s.size()) bad(std::string("the ") + field + " has a bad percent-escape");
    int hi = hex_value(s[i + 1]);
    int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) bad(std::string("the ") + field + " has a bad percent-escape");
    char d = static_cast<char>(hi * 16 + lo);
    if (d == '\0') bad(std::string("the ") + field + " holds a NUL");
    out += d;
    i += 2;
  }
  return out;
}

// A decimal number of at most max_digits digits (no sign, no space), or -1.
long decimal(std::string_view s, std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return -1;
  long v = 0;
  for (char c : s) {
    if (!is_digit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

RedisUrl parse_redis_url(std::string_view url) {
  if (url.size() > 2048) bad("too long");
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) bad("holds a control character, a space or a non-ASCII byte");
  }
  if (starts_with_nocase(url, "rediss://"))
    fail(Errc::unsupported, "cache.url: rediss:// (TLS) is not supported by this build's hiredis; see the README "
                            "on reaching a TLS Redis through a local TLS proxy");
  if (!starts_with_nocase(url, "redis://")) bad("the scheme must be redis://");
  std::string_view rest = url.substr(8);
  if (rest.find_first_of("?#") != std::string_view::npos) bad("a query or fragment is not allowed");

  RedisUrl out;
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);

  std::string_view userinfo, hostport = authority;
  bool has_userinfo = false, has_password = false;
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    has_userinfo = true;
    userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
    std::size_t colon = userinfo.find(':');
    std::string_view user_raw = userinfo.substr(0, colon);
    out.user = percent_decode(user_raw, "user");
    if (colon != std::string_view::npos) {
      has_password = true;
      out.password = SecretString(percent_decode(userinfo.substr(colon + 1), "password"));
    }
    if (out.user.size() > 256) bad("the user is too long");
    if (out.password.size() > 1024) bad("the password is too long");
  }

  std::string_view port_text;
  bool has_port = false;
  if (!hostport.empty() && hostport[0] == '[') {
    std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) bad("an IPv6 address lacks its ']'");
    std::string_view h = hostport.substr(1, close - 1);
    if (h.empty()) bad("the host is empty");
    for (char c : h)
      if (!(hex_value(c) >= 0 || c == ':' || c == '.')) bad("the IPv6 address holds a character it may not");
    out.host = std::string(h);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') bad("only a port may follow the IPv6 address");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    std::size_t colon = hostport.find(':');
    std::string_view h = hostport.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = hostport.substr(colon + 1);
    }
    if (h.empty()) bad("the host is empty");
    if (h.size() > 253) bad("the host is too long");
    for (char c : h) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '-' || c == '_';
      if (!ok) bad("the host holds a character it may not");
    }
    out.host = std::string(h);
  }
  if (has_port) {
    long p = decimal(port_text, 5);
    if (p < 1 || p > 65535) bad("the port must be 1-65535 in decimal digits");
    out.port = static_cast<int>(p);
  }

  if (!path.empty() && path != "/") {
    long db = decimal(path.substr(1), 7);
    if (db < 0 || db > 1000000) bad("the database must be a decimal number (0-1000000)");
    out.db = static_cast<int>(db);
  }

  // Every character kept below passed the checks above, so the text needs no JSON escaping beyond
  // what json_quote_append does anyway.
  std::string r = "redis://";
  if (has_userinfo) {
    r += std::string(userinfo.substr(0, userinfo.find(':')));
    if (has_password) r += ":***";
    r += '@';
  }
  r += std::string(hostport);
  r += '/' + std::to_string(out.db);
  out.redacted = std::move(r);
  return out;
}

}  // namespace m2mauth::core::cache
