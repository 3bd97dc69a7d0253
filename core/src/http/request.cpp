#include "m2mauth/core/request.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/http.hpp"

namespace m2mauth::core {

bool header_name_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

void check_header_name(std::string_view name) {
  if (name.empty()) fail(Errc::invalid_argument, "header name is empty");
  for (char c : name)
    if (c <= ' ' || c == ':' || c == 127) fail(Errc::invalid_argument, "header name has an invalid character");
}

namespace {
const std::string *find_header(const std::vector<Header> &headers, std::string_view name) noexcept {
  for (const auto &h : headers)
    if (header_name_equal(h.first, name)) return &h.second;
  return nullptr;
}

void check_header(std::string_view name, std::string_view value) {
  check_header_name(name);
  // memchr is vectorised: a bearer token of ~1 KB is checked in a few dozen instructions.
  for (int c : {'\r', '\n', '\0'})
    if (std::memchr(value.data(), c, value.size()) != nullptr)
      fail(Errc::invalid_argument, "header value has a line break or NUL");
}
}  // namespace

const std::string *Request::header(std::string_view name) const noexcept { return find_header(headers, name); }
const std::string *Response::header(std::string_view name) const noexcept { return find_header(headers, name); }

void Request::set_header(std::string_view name, std::string value) {
  check_header(name, value);
  remove_header(name);
  headers.emplace_back(std::string(name), std::move(value));
}

void Request::add_header(std::string name, std::string value) {
  check_header(name, value);
  headers.emplace_back(std::move(name), std::move(value));
}

bool Request::remove_header(std::string_view name) {
  auto end = std::remove_if(headers.begin(), headers.end(), [&](const Header &h) { return header_name_equal(h.first, name); });
  bool removed = end != headers.end();
  headers.erase(end, headers.end());
  return removed;
}

Url Url::parse(std::string_view url) {
  Url u;
  std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) fail(Errc::invalid_argument, "URL must be absolute (http:// or https://)");
  for (char c : url.substr(0, colon)) u.scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (u.scheme != "http" && u.scheme != "https") fail(Errc::invalid_argument, "URL scheme must be http or https");
  for (char c : url)
    if (static_cast<unsigned char>(c) <= ' ' || c == 127) fail(Errc::invalid_argument, "URL contains spaces or control characters");
  std::string_view rest = url.substr(colon + 3);
  std::size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  rest = auth_end == std::string_view::npos ? std::string_view() : rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos)
    fail(Errc::invalid_argument, "credentials in the URL are not allowed");
  std::string_view hostport = authority;
  std::string_view port;
  if (!hostport.empty() && hostport[0] == '[') {
    std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) fail(Errc::invalid_argument, "invalid IPv6 address in URL");
    u.host = std::string(hostport.substr(1, close - 1));
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') fail(Errc::invalid_argument, "invalid URL authority");
      port = after.substr(1);
    }
  } else {
    std::size_t c = hostport.rfind(':');
    u.host = std::string(hostport.substr(0, c));
    if (c != std::string_view::npos) port = hostport.substr(c + 1);
  }
  if (u.host.empty()) fail(Errc::invalid_argument, "URL has no host");
  for (auto &ch : u.host) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!port.empty()) {
    int p = 0;
    for (char ch : port) {
      if (ch < '0' || ch > '9' || p > 65535) fail(Errc::invalid_argument, "invalid port in URL");
      p = p * 10 + (ch - '0');
    }
    if (p <= 0 || p > 65535) fail(Errc::invalid_argument, "invalid port in URL");
    if (!((u.scheme == "http" && p == 80) || (u.scheme == "https" && p == 443))) u.port = p;
  }
  std::size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::size_t q = rest.find('?');
  u.path = std::string(rest.substr(0, q));
  if (u.path.empty()) u.path = "/";
  if (q != std::string_view::npos) {
    u.has_query = true;
    u.query = std::string(rest.substr(q + 1));
  }
  return u;
}

void Url::append_origin(std::string &out) const {
  out.append(scheme).append("://");
  if (host.find(':') != std::string::npos) out.append("[").append(host).append("]");  // IPv6
  else out.append(host);
  if (port != 0) out.push_back(':'), out.append(std::to_string(port));  // 0: the scheme's default
}

std::string Url::origin() const {
  std::string out;
  append_origin(out);
  return out;
}

bool Url::is_loopback() const noexcept {
  if (host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1") return true;
  // 127.0.0.0/8 in dotted-quad form.
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 3;
}

std::vector<Header> parse_form(std::string_view form) {
  std::vector<Header> out;
  std::size_t i = 0;
  while (i <= form.size()) {
    std::size_t amp = form.find('&', i);
    if (amp == std::string_view::npos) amp = form.size();
    std::string_view pair = form.substr(i, amp - i);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      std::string_view name = pair.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      out.emplace_back(percent_decode(name, true), percent_decode(value, true));
    }
    i = amp + 1;
  }
  return out;
}

std::string encode_form(const std::vector<Header> &pairs) {
  std::string out;
  for (const auto &[name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += form_urlencode(name);
    out.push_back('=');
    out += form_urlencode(value);
  }
  return out;
}

// Plain http:// only to loopback unless explicitly allowed.
void check_url_security(const std::string &url, bool allow_plain_http) {
  Url u = Url::parse(url);
  if (u.scheme == "http" && !allow_plain_http && !u.is_loopback())
    fail(Errc::insecure, "plain http:// is refused for host \"" + u.host + "\": use https (only loopback may use http)");
}

}  // namespace m2mauth::core

namespace m2mauth::core {

CallOptions with_deadline(const CallOptions &options, std::int64_t now_ms) {
  if (options.cancel != nullptr && options.cancel->requested()) fail(Errc::cancelled, "the call was cancelled");
  CallOptions out = options;
  out.deadline_ms = 0;
  if (options.deadline_ms == 0) return out;
  std::int64_t left = options.deadline_ms - now_ms;
  if (left <= 0) {
    ErrorDetail d;
    d.transient = true;
    throw Error(Errc::timeout, "the call's deadline has passed", d);
  }
  out.timeout_ms = out.timeout_ms == 0 ? left : std::min(out.timeout_ms, left);
  return out;
}

}  // namespace m2mauth::core
