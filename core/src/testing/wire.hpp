// Internal: the test server's HTTP/1.1 wire: one connection (plain or TLS), a bounded request parser and
// the response writer. One request per connection ("Connection: close"), which every client handles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/ssl.h>

namespace m2mauth::core::testing {

struct WireLimits {
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_headers = 64;
  std::size_t max_header_bytes = 16 * 1024;  // request line and header section together
  std::int64_t read_timeout_ms = 5000;
};

// A parsed request. Header names are lower-cased; the target is split into path and query.
struct WireRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The value of a header sent once; nullptr when absent. Errc::malformed when sent more than once.
  const std::string *header(std::string_view name) const;
};

// An accepted connection; owns fd and ssl. Every read is bounded by the deadline given to read_request.
class Connection {
 public:
  Connection(int fd, SSL *ssl) noexcept : fd_(fd), ssl_(ssl) {}
  ~Connection();
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;

  // The TLS handshake (no-op for plain HTTP); false when it fails or times out.
  bool handshake(std::int64_t deadline_ms);
  SSL *ssl() const noexcept { return ssl_; }

  // Reads one request. Returns 0 and fills req, or the HTTP status to answer with (400, 408, 413, 431,
  // 417, 501) when the request is malformed, too large or too slow; -1 when the peer closed before a request.
  int read_request(const WireLimits &limits, WireRequest &req);
  // Writes every byte (bounded by the write timeout); false when the peer is gone.
  bool write_all(std::string_view data);

 private:
  // Up to len bytes before deadline_ms; 0 at end of stream; -1 on error or timeout.
  long read_some(char *buf, std::size_t len, std::int64_t deadline_ms);

  int fd_;
  SSL *ssl_;
};

// A complete response with Content-Length and "Connection: close".
std::string wire_response(int status, std::string_view content_type, std::string_view body,
                          const std::vector<std::pair<std::string, std::string>> &extra_headers = {});

std::int64_t monotonic_ms() noexcept;

}  // namespace m2mauth::core::testing
