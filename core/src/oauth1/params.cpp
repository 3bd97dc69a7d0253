// OAuth 1.0 signature base string pieces (RFC 5849 section 3.4.1): the base string URI and the
// parameter normalization, written in one pass into pre-sized buffers.
#include <algorithm>
#include <array>
#include <cstring>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/secret.hpp"
#include "oauth1/oauth1_impl.hpp"

namespace m2mauth::core {

namespace oauth1 {

namespace {

using rfc3986::kHexValue;

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// Writes one character raw or percent-encoded.
char *put(char *o, char c, bool encode) noexcept {
  auto u = static_cast<unsigned char>(c);
  if (!encode || kUnreserved[u]) {
    *o++ = c;
  } else {
    o[0] = '%';
    o[1] = kHexUpper[u >> 4];
    o[2] = kHexUpper[u & 15];
    o += 3;
  }
  return o;
}

// True if a byte is <= 0x20 or 0x7F, eight bytes at a time.
bool has_space_or_control(const char *s, std::size_t n) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x;
    std::memcpy(&x, s + i, 8);
    std::uint64_t below = (x - 0x21 * ones) & ~x & highs;  // some byte < 0x21 (bytes >= 0x80 excluded by ~x)
    std::uint64_t del = x ^ (0x7f * ones);
    std::uint64_t is_del = (del - ones) & ~del & highs;    // some byte == 0x7F
    if ((below | is_del) != 0) return true;
  }
  for (; i < n; ++i)
    if (static_cast<unsigned char>(s[i]) <= ' ' || s[i] == 127) return true;
  return false;
}

// One "name=value" pair of the normalized parameters, once or twice encoded.
char *write_pair(char *o, std::string_view name, std::string_view value, bool twice) noexcept {
  if (twice) {
    o = reencode_to(o, name.data(), name.size());
    o = copy_to(o, "%3D");
    return reencode_to(o, value.data(), value.size());
  }
  o = copy_to(o, name);
  *o++ = '=';
  return copy_to(o, value);
}

}  // namespace

bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (std::memcmp(a.data(), b.data(), a.size()) == 0) return true;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

UrlView split_url(std::string_view url) {
  UrlView u;
  const char *s = url.data();
  const std::size_t n = url.size();
  if (has_space_or_control(s, n)) fail(Errc::invalid_argument, "URL contains spaces or control characters");
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) fail(Errc::invalid_argument, "URL must be absolute (http:// or https://)");
  u.scheme = url.substr(0, sep);
  bool https = ascii_iequal(u.scheme, "https");
  if (!https && !ascii_iequal(u.scheme, "http")) fail(Errc::invalid_argument, "URL scheme must be http or https");
  std::size_t auth_end = sep + 3;
  while (auth_end < n && s[auth_end] != '/' && s[auth_end] != '?' && s[auth_end] != '#') ++auth_end;
  std::string_view authority = url.substr(sep + 3, auth_end - sep - 3);
  if (authority.find('@') != std::string_view::npos) fail(Errc::invalid_argument, "credentials in the URL are not allowed");
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) fail(Errc::invalid_argument, "invalid IPv6 address in URL");
    u.host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') fail(Errc::invalid_argument, "invalid URL authority");
      port = after.substr(1);
    }
  } else {
    std::size_t colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty() || u.host == "[]") fail(Errc::invalid_argument, "URL has no host");
  if (!port.empty()) {
    long p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) fail(Errc::invalid_argument, "invalid port in URL");
      p = p * 10 + (c - '0');
    }
    if (p <= 0 || p > 65535) fail(Errc::invalid_argument, "invalid port in URL");
    if (p != (https ? 443 : 80)) u.port = static_cast<int>(p);
  }
  const char *hash = static_cast<const char *>(std::memchr(s + auth_end, '#', n - auth_end));
  std::size_t end = hash == nullptr ? n : static_cast<std::size_t>(hash - s);
  const char *q = static_cast<const char *>(std::memchr(s + auth_end, '?', end - auth_end));
  std::size_t path_end = q == nullptr ? end : static_cast<std::size_t>(q - s);
  u.path = url.substr(auth_end, path_end - auth_end);
  if (q != nullptr) {
    u.has_query = true;
    u.query = url.substr(path_end + 1, end - path_end - 1);
  }
  u.query_end = end;
  return u;
}

char *write_base_string_uri(char *o, const UrlView &u, bool encode) noexcept {
  for (char c : u.scheme) *o++ = lower(c);
  o = encode ? copy_to(o, "%3A%2F%2F") : copy_to(o, "://");
  for (char c : u.host) o = put(o, lower(c), encode);
  if (u.port != 0) {
    o = put(o, ':', encode);
    char digits[8];
    int k = 0;
    for (int p = u.port; p > 0; p /= 10) digits[k++] = static_cast<char>('0' + p % 10);
    while (k > 0) *o++ = digits[--k];
  }
  if (u.path.empty()) return put(o, '/', encode);
  if (!encode) return copy_to(o, u.path);
  return encode_to(o, u.path.data(), u.path.size());
}

char *write_normalized(char *o, const ParamList &params, const ProtocolBlock &block, std::string_view nonce,
                       std::string_view timestamp, bool twice) noexcept {
  const std::string_view sep = twice ? "%26" : "&";
  std::size_t i = 0;
  for (; i < params.count() && params.name(i) < "oauth_"; ++i) {
    o = write_pair(o, params.name(i), params.value(i), twice);
    o = copy_to(o, sep);
  }
  o = copy_to(o, block.head);
  o = copy_to(o, twice ? "oauth_nonce%3D" : "oauth_nonce=");
  o = twice ? reencode_to(o, nonce.data(), nonce.size()) : copy_to(o, nonce);
  o = copy_to(o, block.mid);
  o = copy_to(o, twice ? "oauth_timestamp%3D" : "oauth_timestamp=");
  o = copy_to(o, timestamp);
  o = copy_to(o, block.tail);
  for (; i < params.count(); ++i) {
    o = copy_to(o, sep);
    o = write_pair(o, params.name(i), params.value(i), twice);
  }
  return o;
}

// ---- ParamList ---------------------------------------------------------------------------------

// Decodes one name or value ("%XX", "+" as space) and writes its RFC 3986 encoding at o.
char *ParamList::encode_component(char *o, std::string_view raw) {
  const auto *p = reinterpret_cast<const unsigned char *>(raw.data());
  const std::size_t n = raw.size();
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = p[i];
    if (c == '%') {
      if (i + 2 >= n) fail(Errc::malformed, "truncated percent escape in a request parameter");
      int hi = kHexValue[p[i + 1]], lo = kHexValue[p[i + 2]];
      if (hi < 0 || lo < 0) fail(Errc::malformed, "invalid percent escape in a request parameter");
      c = static_cast<unsigned char>(hi << 4 | lo);
      i += 2;
    } else if (c == '+') {
      c = ' ';
    }
    o = put(o, static_cast<char>(c), true);
  }
  return o;
}

bool ParamList::add_form(std::string_view form) {
  if (form.empty()) return false;
  // Each byte becomes at most three: one resize, then offsets into the arena while writing.
  const std::size_t start = arena_.size();
  arena_.resize(start + 3 * form.size());
  char *base = arena_.data();
  char *o = base + start;
  bool oauth = false;
  struct Shrink {  // keeps the arena's size exact even when a bad escape throws
    std::string &arena;
    char *&end;
    ~Shrink() { arena.resize(static_cast<std::size_t>(end - arena.data())); }
  } shrink{arena_, o};
  std::size_t i = 0;
  while (i < form.size()) {
    std::size_t amp = form.find('&', i);
    if (amp == std::string_view::npos) amp = form.size();
    std::string_view pair = form.substr(i, amp - i);
    i = amp + 1;
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    Param p{};
    p.name_off = static_cast<std::uint32_t>(o - base);
    o = encode_component(o, name);
    p.name_len = static_cast<std::uint32_t>(o - base) - p.name_off;
    p.value_off = static_cast<std::uint32_t>(o - base);
    o = encode_component(o, value);
    p.value_len = static_cast<std::uint32_t>(o - base) - p.value_off;
    if (p.name_len >= 6 && std::memcmp(base + p.name_off, "oauth_", 6) == 0) oauth = true;
    params_.push_back(p);
  }
  return oauth;
}

void ParamList::add_raw(std::string_view name, std::string_view value) {
  Param p{};
  p.name_off = static_cast<std::uint32_t>(arena_.size());
  arena_.resize(p.name_off + 3 * name.size());
  p.name_len = static_cast<std::uint32_t>(encode_to(arena_.data() + p.name_off, name.data(), name.size()) -
                                          (arena_.data() + p.name_off));
  arena_.resize(p.name_off + p.name_len);
  p.value_off = static_cast<std::uint32_t>(arena_.size());
  arena_.resize(p.value_off + 3 * value.size());
  p.value_len = static_cast<std::uint32_t>(encode_to(arena_.data() + p.value_off, value.data(), value.size()) -
                                           (arena_.data() + p.value_off));
  arena_.resize(p.value_off + p.value_len);
  params_.push_back(p);
}

void ParamList::sort() {
  if (params_.size() < 2) return;
  std::sort(params_.begin(), params_.end(), [this](const Param &a, const Param &b) {
    int c = view(a.name_off, a.name_len).compare(view(b.name_off, b.name_len));
    if (c != 0) return c < 0;
    return view(a.value_off, a.value_len) < view(b.value_off, b.value_len);
  });
}

void ParamList::wipe() noexcept {
  if (arena_.capacity() > 0) secure_wipe(arena_.data(), arena_.capacity());
  clear();
}

}  // namespace oauth1

// ---- public building blocks ----------------------------------------------------------------------

std::string oauth1_base_string_uri(std::string_view url) {
  oauth1::UrlView u = oauth1::split_url(url);
  std::string out(url.size() + 8, '\0');
  out.resize(static_cast<std::size_t>(oauth1::write_base_string_uri(out.data(), u, false) - out.data()));
  return out;
}

bool oauth1_has_form_body(const Request &req) {
  const std::string *ct = nullptr;
  for (const auto &h : req.headers)
    if (oauth1::ascii_iequal(h.first, "Content-Type")) {
      ct = &h.second;
      break;
    }
  if (ct == nullptr) return false;
  std::string_view v(*ct);
  std::size_t semi = v.find(';');
  if (semi != std::string_view::npos) v = v.substr(0, semi);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return oauth1::ascii_iequal(v, "application/x-www-form-urlencoded");
}

std::string oauth1_normalize_parameters(const std::vector<Header> &pairs) {
  oauth1::ParamList list;
  for (const auto &[n, v] : pairs) list.add_raw(n, v);
  list.sort();
  std::string out;
  for (std::size_t i = 0; i < list.count(); ++i) {
    if (i > 0) out.push_back('&');
    out.append(list.name(i)).append("=").append(list.value(i));
  }
  return out;
}

}  // namespace m2mauth::core
