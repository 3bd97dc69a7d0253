// The test server's HTTP/1.1 wire: bounded reads, a strict request parser, the response writer.
#include "testing/wire.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "m2mauth/core/error.hpp"

namespace m2mauth::core::testing {

namespace {

bool token_char(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

const char *reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
  }
}

void set_timeout(int fd, int option, std::int64_t ms) {
  if (ms < 1) ms = 1;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv);
}

}  // namespace

std::int64_t monotonic_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

const std::string *WireRequest::header(std::string_view name) const {
  const std::string *found = nullptr;
  for (const auto &h : headers) {
    if (h.first != name) continue;
    if (found != nullptr) throw Error(Errc::malformed, "header " + std::string(name) + " sent twice");
    found = &h.second;
  }
  return found;
}

Connection::~Connection() {
  if (ssl_ != nullptr) {
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  if (fd_ >= 0) close(fd_);
}

bool Connection::handshake(std::int64_t deadline_ms) {
  if (ssl_ == nullptr) return true;
  std::int64_t left = deadline_ms - monotonic_ms();
  if (left <= 0) return false;
  set_timeout(fd_, SO_RCVTIMEO, left);
  set_timeout(fd_, SO_SNDTIMEO, left);
  return SSL_accept(ssl_) == 1;
}

long Connection::read_some(char *buf, std::size_t len, std::int64_t deadline_ms) {
  for (;;) {
    std::int64_t left = deadline_ms - monotonic_ms();
    if (left <= 0) return -1;
    if (ssl_ != nullptr) {
      if (SSL_pending(ssl_) == 0) set_timeout(fd_, SO_RCVTIMEO, left);
      std::size_t got = 0;
      if (SSL_read_ex(ssl_, buf, len, &got) == 1) return static_cast<long>(got);
      int err = SSL_get_error(ssl_, 0);
      if (err == SSL_ERROR_ZERO_RETURN) return 0;
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) continue;
      return -1;
    }
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left > 60000 ? 60000 : left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above ends the loop
    ssize_t n = recv(fd_, buf, len, 0);
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? -1 : static_cast<long>(n);
  }
}

int Connection::read_request(const WireLimits &limits, WireRequest &req) {
  const std::int64_t deadline = monotonic_ms() + limits.read_timeout_ms;
  std::string data;
  std::size_t head_end = std::string::npos;
  char buf[4096];
  while (head_end == std::string::npos) {
    long n = read_some(buf, sizeof buf, deadline);
    if (n < 0) return data.empty() ? -1 : 408;
    if (n == 0) return data.empty() ? -1 : 400;
    data.append(buf, static_cast<std::size_t>(n));
    head_end = data.find("\r\n\r\n");
    if ((head_end == std::string::npos ? data.size() : head_end) > limits.max_header_bytes) return 431;
  }
  std::string_view head(data.data(), head_end);
  // The request line: METHOD SP target SP HTTP/1.x
  std::size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0) return 400;
  std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return 400;
  for (char c : method)
    if (!token_char(static_cast<unsigned char>(c))) return 400;
  if (target.empty() || target[0] != '/') return 400;
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return 400;
  req.method = std::string(method);
  std::size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  req.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  // Header fields: "name: value", no folding, names made of token characters.
  std::size_t pos = eol == std::string_view::npos ? head.size() : eol + 2;
  while (pos < head.size()) {
    std::size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view field = head.substr(pos, end - pos);
    pos = end + 2;
    if (req.headers.size() >= limits.max_headers) return 431;
    std::size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return 400;
    for (std::size_t i = 0; i < colon; ++i)
      if (!token_char(static_cast<unsigned char>(field[i]))) return 400;
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    for (char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return 400;
    req.headers.emplace_back(lower(field.substr(0, colon)), std::string(value));
  }
  // The body: Content-Length only (no chunked requests), at most max_body_bytes.
  const std::string *te = nullptr;
  const std::string *cl = nullptr;
  try {
    te = req.header("transfer-encoding");
    cl = req.header("content-length");
  } catch (const Error &) {
    return 400;
  }
  if (te != nullptr) return 501;
  std::size_t length = 0;
  if (cl != nullptr) {
    if (cl->empty() || cl->size() > 12) return cl->empty() ? 400 : 413;
    for (char c : *cl) {
      if (c < '0' || c > '9') return 400;
      length = length * 10 + static_cast<std::size_t>(c - '0');
    }
    if (length > limits.max_body_bytes) return 413;
  }
  req.body = data.substr(head_end + 4);
  if (req.body.size() > length) return 400;  // one request per connection: nothing may follow it
  // A client that asks before sending its body (libcurl does for large bodies) is told to go on.
  const std::string *expect = nullptr;
  try {
    expect = req.header("expect");
  } catch (const Error &) {
    return 400;
  }
  if (expect != nullptr && req.body.size() < length) {
    if (lower(*expect) != "100-continue") return 417;
    if (!write_all("HTTP/1.1 100 Continue\r\n\r\n")) return -1;
  }
  while (req.body.size() < length) {
    long n = read_some(buf, std::min(sizeof buf, length - req.body.size()), deadline);
    if (n < 0) return 408;
    if (n == 0) return 400;
    req.body.append(buf, static_cast<std::size_t>(n));
  }
  return 0;
}

bool Connection::write_all(std::string_view data) {
  set_timeout(fd_, SO_SNDTIMEO, 5000);
  while (!data.empty()) {
    if (ssl_ != nullptr) {
      std::size_t wrote = 0;
      if (SSL_write_ex(ssl_, data.data(), data.size(), &wrote) != 1) return false;
      data.remove_prefix(wrote);
    } else {
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  return true;
}

std::string wire_response(int status, std::string_view content_type, std::string_view body,
                          const std::vector<std::pair<std::string, std::string>> &extra_headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  if (!content_type.empty()) out.append("Content-Type: ").append(content_type).append("\r\n");
  out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  out.append("Cache-Control: no-store\r\nConnection: close\r\n");
  for (const auto &h : extra_headers) out.append(h.first).append(": ").append(h.second).append("\r\n");
  out.append("\r\n").append(body);
  return out;
}

}  // namespace m2mauth::core::testing
