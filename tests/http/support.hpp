// Test support for the HTTP transport suites: loopback servers spawned directly (tests/servers and
// tests/http/conn_server.py), each stopped by process id with bounded waits, the test PKI, small JSON
// reading. Used by the core and the C API suites alike (no m2mauth types here).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace http_test {

std::string read_file(const std::string &path);

// A parsed JSON document (cJSON underneath); paths like "certs.client_rsa.sha256".
class Json {
 public:
  explicit Json(const std::string &text);
  ~Json();
  Json(const Json &) = delete;
  Json &operator=(const Json &) = delete;
  std::string str(const std::string &path) const;  // strings; numbers as integers
  long long num(const std::string &path) const;
  bool has(const std::string &path) const;
  // The [name, value] pairs of an array of 2-element arrays (conn_server's echo "headers").
  std::vector<std::pair<std::string, std::string>> pairs(const std::string &path) const;

 private:
  const void *find(const std::string &path) const;
  void *root_;
};

// A loopback server process: python3 <script> --port 0 --ready-file <tmp> <args...>. The child
// gets SIGTERM if this process dies (PR_SET_PDEATHSIG), so a crashed test leaves nothing behind.
class Server {
 public:
  // script: a file name in tests/servers (e.g. "fault_server.py") or in tests/http ("conn_server.py").
  explicit Server(const std::string &script, const std::vector<std::string> &args = {});
  ~Server();  // SIGTERM, up to 5 s, then SIGKILL
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  const std::string &url() const { return url_; }  // "http://127.0.0.1:PORT" or https://
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string dir_, url_;
  int port_ = 0;
};

// The fault server of tests/servers: plain, or TLS with a server certificate of the PKI
// ("server", "server_wrong_host", "server_expired"), optionally requiring a client certificate.
Server fault_server();
Server fault_tls_server(const std::string &cert = "server", bool require_client_cert = false);
Server conn_server();
// tests/http/h2_server.py: HTTPS that negotiates HTTP/2 by ALPN, with the PKI's "server" certificate.
Server h2_server();

// The test PKI (tests/servers/pki.py): M2MAUTH_TEST_PKI if set (made once by CTest), otherwise made
// once per process in a temporary folder removed at exit.
class Pki {
 public:
  static const Pki &get();
  std::string ca() const;                         // ca.pem
  std::string cert(const std::string &name) const;  // e.g. "client_rsa" -> its .pem
  std::string key(const std::string &name) const;
  std::string sha256(const std::string &name) const;
  std::string p12() const;
  std::string p12_password() const;
  std::string dir() const { return dir_; }

 private:
  explicit Pki(std::string dir);
  std::string dir_;
  std::string manifest_;
};

// The client_secret of an OAuth 2.0 client in tests/servers/clients.json (public test fixtures).
std::string client_secret(const std::string &client_id);

// A TCP port on 127.0.0.1 with nothing listening (bound, then closed).
int closed_port();

double seconds_since(std::chrono::steady_clock::time_point t);

}  // namespace http_test
