// A transport-agnostic HTTP request and response. Signers (OAuth 1.0, bearer tokens, DPoP) read and
// change a Request; a Transport (libcurl, or the application's own) sends it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace m2mauth::core {

using Header = std::pair<std::string, std::string>;

// Header names compare case-insensitively (RFC 9110 section 5.1).
bool header_name_equal(std::string_view a, std::string_view b) noexcept;
// Throws Error(invalid_argument) for a header name Request::set_header refuses (empty, control
// characters, spaces, ':').
void check_header_name(std::string_view name);

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<Header> headers;
  std::string body;

  // The first value of a header, or nullptr.
  const std::string *header(std::string_view name) const noexcept;
  // Replaces every header of that name by one with this value.
  void set_header(std::string_view name, std::string value);
  void add_header(std::string name, std::string value);
  bool remove_header(std::string_view name);
};

struct Response {
  int status = 0;
  std::vector<Header> headers;
  std::string body;
  // The first value of a header, or nullptr.
  const std::string *header(std::string_view name) const noexcept;
};

// Parts of an absolute http(s) URL. Throws Error(invalid_argument) for anything else.
struct Url {
  std::string scheme;    // lower-case "http" or "https"
  std::string host;      // as written (lower-cased); IPv6 without brackets
  int port = 0;          // explicit port, or 0 for the scheme's default
  std::string path;      // "/" when empty, no query
  std::string query;     // without "?", may be empty
  bool has_query = false;

  static Url parse(std::string_view url);
  int effective_port() const noexcept { return port != 0 ? port : (scheme == "https" ? 443 : 80); }
  // The origin "scheme://host[:port]": an IPv6 host in brackets, no port when it is the default.
  void append_origin(std::string &out) const;
  std::string origin() const;
  bool is_loopback() const noexcept;
};

// key=value pairs of an application/x-www-form-urlencoded string ("+" is a space), decoded.
std::vector<Header> parse_form(std::string_view form);
// Encodes pairs as application/x-www-form-urlencoded (RFC 6749 appendix B).
std::string encode_form(const std::vector<Header> &pairs);

}  // namespace m2mauth::core
