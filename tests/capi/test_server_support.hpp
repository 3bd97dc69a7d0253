// Helpers the test double's C API suites share: RAII handles for a server, a transport and a token
// client, and raw HTTP exchanges on 127.0.0.1 for what a client library never sends.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "capi_support.hpp"

namespace test_server_support {

using capi::Buf;

struct Server {
  m2mauth_test_server *s = nullptr;
  explicit Server(const m2mauth_test_server_options *o = nullptr) { REQUIRE_OK(m2mauth_test_server_new(&s, o)); }
  ~Server() { m2mauth_test_server_free(s); }
  void start() { REQUIRE_OK(m2mauth_test_server_start(s)); }
  std::string url() const {
    Buf b;
    REQUIRE_OK(m2mauth_test_server_url(b.out(), s));
    return b.str();
  }
  int port() const { return std::stoi(url().substr(url().rfind(':') + 1)); }
  void add(const char *id, int method, const char *secret, const char *public_key = nullptr,
           const char *scopes = nullptr) {
    m2mauth_test_client c = M2MAUTH_TEST_CLIENT_INIT;
    c.client_id = id;
    c.auth_method = method;
    c.secret = secret;
    c.public_key = public_key;
    c.scopes = scopes;
    REQUIRE_OK(m2mauth_test_server_add_client(s, &c));
  }
  uint64_t count(const char *name) const { return m2mauth_test_server_requests(s, name); }
};

struct Http {
  m2mauth_http *h = nullptr;
  explicit Http(const m2mauth_http_options *o = nullptr) { REQUIRE_OK(m2mauth_http_new(&h, o)); }
  ~Http() { m2mauth_http_free(h); }
};

struct TokenClient {
  m2mauth_token_client *c = nullptr;
  TokenClient(const std::string &token_url, const char *id, const Http &http) {
    REQUIRE_OK(m2mauth_token_client_new(&c, token_url.c_str(), id, http.h));
  }
  ~TokenClient() { m2mauth_token_client_free(c); }
  // The status of one fetch; the token's text in *token.
  int fetch(std::string *token = nullptr) {
    m2mauth_token *t = nullptr;
    int rc = m2mauth_token_client_fetch(&t, c);
    if (rc == M2MAUTH_OK && token != nullptr) *token = m2mauth_token_access_token(t);
    m2mauth_token_free(t);
    return rc;
  }
};

// A socket connected to 127.0.0.1:port whose reads give up after 10 s.
inline int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  REQUIRE(connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// One raw HTTP exchange on 127.0.0.1:port: sends data, returns everything the server answers.
inline std::string raw_exchange(int port, const std::string &data, int linger_ms = 0) {
  int fd = connect_loopback(port);
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before reading everything
    sent += static_cast<std::size_t>(n);
  }
  if (linger_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(linger_ms));
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

inline std::string post(int port, const std::string &path, const std::string &body, const std::string &extra = {}) {
  return raw_exchange(port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                            "application/x-www-form-urlencoded\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body);
}

inline int status_of(const std::string &response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

inline std::string body_of(const std::string &response) {
  std::size_t p = response.find("\r\n\r\n");
  return p == std::string::npos ? std::string() : response.substr(p + 4);
}

// "Authorization: Basic ..." for id:secret, with its line end.
inline std::string basic_auth_header(const std::string &id, const std::string &secret) {
  Buf b;
  const std::string creds = id + ":" + secret;
  REQUIRE_OK(m2mauth_util_base64url_encode(b.out(), capi::bytes(creds), creds.size()));
  std::string b64 = b.str();  // to the standard alphabet, padded
  for (char &ch : b64) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  while (b64.size() % 4 != 0) b64 += '=';
  return "Authorization: Basic " + b64 + "\r\n";
}

inline const char *kSecret = "s3cret-s3cret-s3cret-s3cret-s3cret!";  // >= 32 bytes: also a client_secret_jwt key

}  // namespace test_server_support
