// Shared pieces of the fuzz targets: splitting an input into fields, an application transport that
// answers from the input, and helpers that read every output so the sanitizers see each byte.
// Only the public C API (m2mauth.h).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "fixed_keys.hpp"
#include "m2mauth/m2mauth.h"

namespace fuzz {

// Reads an input front to back. Text fields end at a NUL byte (the C API takes NUL-terminated text,
// so a NUL can never be inside one); rest() is the remaining bytes, NULs included.
class Reader {
 public:
  Reader(const std::uint8_t *data, std::size_t size) : p_(data), n_(size) {}
  std::uint8_t byte() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  std::string text() {
    const void *nul = n_ != 0 ? std::memchr(p_, 0, n_) : nullptr;
    std::size_t len = nul != nullptr ? static_cast<std::size_t>(static_cast<const std::uint8_t *>(nul) - p_) : n_;
    std::string s(reinterpret_cast<const char *>(p_), len);
    std::size_t used = nul != nullptr ? len + 1 : len;
    p_ += used;
    n_ -= used;
    return s;
  }
  std::string rest() {
    std::string s(reinterpret_cast<const char *>(p_), n_);
    p_ += n_;
    n_ = 0;
    return s;
  }
  bool empty() const { return n_ == 0; }

 private:
  const std::uint8_t *p_;
  std::size_t n_;
};

// The vectors' RSA-2048 private key (fixed_keys.hpp), made on first use and kept until the process
// ends; nullptr if it cannot be loaded.
inline m2mauth_key *fixed_rsa_private_key() {
  static m2mauth_key *key = [] {
    m2mauth_key *k = nullptr;
    const char *pem = kFixedRsaPrivatePem;
    m2mauth_key_from_pem(&k, reinterpret_cast<const std::uint8_t *>(pem), std::strlen(pem), nullptr);
    return k;
  }();
  return key;
}

// Folds every byte into a value the optimiser cannot drop, so reads are real reads.
inline volatile std::uint8_t g_sink = 0;
inline void touch(const void *p, std::size_t n) {
  const auto *b = static_cast<const std::uint8_t *>(p);
  std::uint8_t x = 0;
  for (std::size_t i = 0; i < n; ++i) x = static_cast<std::uint8_t>(x ^ b[i]);
  g_sink = static_cast<std::uint8_t>(g_sink ^ x);
}
inline void touch(const char *s) {
  if (s != nullptr) touch(s, std::strlen(s));
}

// A library-owned buffer released at scope end; its bytes (and the promised NUL after them) are read.
struct Buf {
  m2mauth_buf b = M2MAUTH_BUF_INIT;
  Buf() = default;
  Buf(const Buf &) = delete;
  Buf &operator=(const Buf &) = delete;
  ~Buf() { m2mauth_buf_dispose(&b); }
  m2mauth_buf *operator&() { return &b; }
  void touch_all() const {
    if (b.ptr != nullptr) touch(b.ptr, b.size + 1);
  }
  std::string str() const { return b.ptr != nullptr ? std::string(reinterpret_cast<const char *>(b.ptr), b.size) : std::string(); }
};

// Reads the thread's error record: every text member in full.
inline void touch_error() {
  const m2mauth_error *e = m2mauth_error_last();
  touch(e->message);
  touch(e->oauth_error);
  touch(e->oauth_error_description);
  touch(e->oauth_error_uri);
  touch(m2mauth_error_name(e->code));
  g_sink = static_cast<std::uint8_t>(g_sink ^ static_cast<std::uint8_t>(m2mauth_error_is_transient(e)));
}

inline std::int64_t fixed_clock(void *) { return 1700000000000; }  // 2023-11-14T22:13:20Z, as the vectors

// The response a peer sends, from the first bytes of the input:
//   byte 0: the HTTP status (one of kStatuses, chosen modulo their number)
//   byte 1: header bits: 0x01 Content-Type application/json, 0x02 "; charset=utf-8" after it,
//           0x04 Content-Type text/html instead, 0x08 application/problem+json instead,
//           0x10 Retry-After in seconds (byte 2), 0x20 Retry-After as an HTTP date,
//           0x40 WWW-Authenticate, 0x80 a second Content-Type header
//   byte 2: the Retry-After seconds
//   the rest: the body
struct PeerResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

inline PeerResponse read_response(Reader &r) {
  static const int kStatuses[] = {200, 400, 401, 403, 404, 429, 500, 503, 302, 201, 204, 408, 418, 299, 100, 599};
  PeerResponse p;
  p.status = kStatuses[r.byte() % (sizeof kStatuses / sizeof kStatuses[0])];
  std::uint8_t bits = r.byte();
  std::uint8_t seconds = r.byte();
  if (bits & 0x04) p.headers.emplace_back("Content-Type", "text/html");
  else if (bits & 0x08) p.headers.emplace_back("Content-Type", "application/problem+json");
  else if (bits & 0x01) p.headers.emplace_back("Content-Type", (bits & 0x02) ? "application/json; charset=utf-8" : "application/json");
  if (bits & 0x80) p.headers.emplace_back("content-type", "text/plain");
  if (bits & 0x10) p.headers.emplace_back("Retry-After", std::to_string(seconds));
  if (bits & 0x20) p.headers.emplace_back("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
  if (bits & 0x40) p.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  p.body = r.rest();
  return p;
}

// An application transport (m2mauth_http_new_custom) that answers every request with the same peer
// response, reading each request as a server would. At most kMaxCalls answers per input; later
// requests fail as a network error, so no input can make a client loop.
struct PeerTransport {
  static constexpr int kMaxCalls = 8;
  PeerResponse response;
  int calls = 0;
  m2mauth_http *http = nullptr;

  explicit PeerTransport(PeerResponse r) : response(std::move(r)) {
    if (m2mauth_http_new_custom(&http, &PeerTransport::send, this, nullptr) != M2MAUTH_OK) http = nullptr;
  }
  PeerTransport(const PeerTransport &) = delete;
  PeerTransport &operator=(const PeerTransport &) = delete;
  ~PeerTransport() { m2mauth_http_free(http); }

  static m2mauth_status send(m2mauth_response **out, const m2mauth_request *req, void *payload) {
    auto *self = static_cast<PeerTransport *>(payload);
    if (++self->calls > kMaxCalls) return M2MAUTH_ENETWORK;
    touch(m2mauth_request_method(req));
    touch(m2mauth_request_url(req));
    for (std::size_t i = 0; i < m2mauth_request_header_count(req); ++i) {
      touch(m2mauth_request_header_name(req, i));
      touch(m2mauth_request_header_value(req, i));
    }
    std::size_t len = 0;
    const std::uint8_t *body = m2mauth_request_body(req, &len);
    touch(body, len);
    m2mauth_response *resp = nullptr;
    m2mauth_status rc = m2mauth_response_new(&resp, self->response.status);
    if (rc != M2MAUTH_OK) return rc;
    for (const auto &h : self->response.headers) m2mauth_response_add_header(resp, h.first.c_str(), h.second.c_str());
    m2mauth_response_set_body(resp, reinterpret_cast<const std::uint8_t *>(self->response.body.data()),
                              self->response.body.size());
    *out = resp;
    return M2MAUTH_OK;
  }
};

inline const std::uint8_t *bytes(const std::string &s) { return reinterpret_cast<const std::uint8_t *>(s.data()); }

}  // namespace fuzz
