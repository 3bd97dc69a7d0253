// Test support: start the loopback servers of tests/servers through harness.py, read their ready
// files, stop them by process id. Header-only; used by the C++ suites.
#pragma once

#include <cjson/cJSON.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef M2MAUTH_SOURCE_DIR
#error "define M2MAUTH_SOURCE_DIR"
#endif

namespace m2mauth_test {

inline std::string source_dir() { return M2MAUTH_SOURCE_DIR; }
inline std::string servers_dir() { return source_dir() + "/tests/servers"; }

inline std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string shell_quote(const std::string &s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// One server's ready-file fields.
class ServerInfo {
 public:
  ServerInfo() = default;
  explicit ServerInfo(cJSON *obj) : obj_(obj) {}
  std::string str(const char *name) const {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj_, name);
    if (cJSON_IsString(v)) return v->valuestring;
    if (cJSON_IsNumber(v)) return std::to_string(static_cast<long long>(v->valuedouble));
    throw std::runtime_error(std::string("no field ") + name);
  }
  const cJSON *json() const { return obj_; }

 private:
  cJSON *obj_ = nullptr;
};

// Starts servers with `harness.py up`, stops them with `harness.py down` when destroyed.
// specs: "oidc", "fault", "tls=fault" (alias=kind); opts: "tls.tls_cert={pki}/server.pem".
class Servers {
 public:
  Servers(const std::vector<std::string> &specs, const std::vector<std::string> &opts = {}, bool pki = false) {
    char tmpl[] = "/tmp/m2mauth-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    state_ = dir_ + "/servers.json";
    std::string cmd = "python3 " + shell_quote(servers_dir() + "/harness.py") + " up --state " + shell_quote(state_);
    if (pki) cmd += " --pki " + shell_quote(dir_ + "/pki");
    for (const auto &s : specs) cmd += " " + shell_quote(s);
    for (const auto &o : opts) cmd += " --opt " + shell_quote(o);
    cmd += " > " + shell_quote(dir_ + "/harness.log") + " 2>&1";
    if (std::system(cmd.c_str()) != 0)
      throw std::runtime_error("loopback servers did not start:\n" + read_file(dir_ + "/harness.log"));
    root_ = cJSON_Parse(read_file(state_).c_str());
    if (root_ == nullptr) throw std::runtime_error("bad harness state file");
  }
  ~Servers() {
    std::string cmd = "python3 " + shell_quote(servers_dir() + "/harness.py") + " down --state " + shell_quote(state_) +
                      " >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    cJSON_Delete(root_);
    std::string rm = "rm -rf " + shell_quote(dir_);
    (void)std::system(rm.c_str());
  }
  Servers(const Servers &) = delete;
  Servers &operator=(const Servers &) = delete;

  ServerInfo operator[](const std::string &alias) const {
    cJSON *servers = cJSON_GetObjectItemCaseSensitive(root_, "servers");
    cJSON *s = cJSON_GetObjectItemCaseSensitive(servers, alias.c_str());
    if (s == nullptr) throw std::runtime_error("no server " + alias);
    return ServerInfo(s);
  }
  // The PKI manifest (when started with pki = true).
  ServerInfo pki() const { return ServerInfo(cJSON_GetObjectItemCaseSensitive(root_, "pki")); }
  const std::string &dir() const { return dir_; }

 private:
  std::string dir_, state_;
  cJSON *root_ = nullptr;
};

// Plain HTTP/1.0 to the servers' /_control endpoints on 127.0.0.1, over a raw socket: independent of
// the library under test, and cheap enough to poll. Returns the body; throws on a non-2xx status.
inline std::string control(const std::string &url, const std::string &method = "GET", const std::string &body = "") {
  const std::string prefix = "http://127.0.0.1:";
  if (url.rfind(prefix, 0) != 0) throw std::runtime_error("control(): only http://127.0.0.1 URLs");
  std::size_t slash = url.find('/', prefix.size());
  int port = std::stoi(url.substr(prefix.size(), slash - prefix.size()));
  std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  struct timeval tv {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("cannot connect to " + url);
  }
  std::string req = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                    "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  for (std::size_t off = 0; off < req.size();) {
    ssize_t n = send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      close(fd);
      throw std::runtime_error("send failed to " + url);
    }
    off += static_cast<std::size_t>(n);
  }
  std::string resp;
  char buf[8192];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) resp.append(buf, static_cast<std::size_t>(n));
  close(fd);
  std::size_t sp = resp.find(' ');
  std::size_t hdr_end = resp.find("\r\n\r\n");
  if (sp == std::string::npos || hdr_end == std::string::npos) throw std::runtime_error("bad control response from " + url);
  int status = std::stoi(resp.substr(sp + 1, 3));
  if (status < 200 || status > 299) throw std::runtime_error("control request failed: " + method + " " + url);
  return resp.substr(hdr_end + 4);
}

// A field of the PKI manifest's certificate entry of servers started with pki = true,
// e.g. pki_cert_field(servers, "client_rsa", "sha256_colon").
inline std::string pki_cert_field(const Servers &servers, const char *cert, const char *field) {
  const cJSON *certs = cJSON_GetObjectItemCaseSensitive(servers.pki().json(), "certs");
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(certs, cert), field);
  if (!cJSON_IsString(v)) throw std::runtime_error(std::string("PKI manifest: no ") + cert + "." + field);
  return v->valuestring;
}

// A client's fields from tests/servers/clients.json.
inline std::string client_field(const std::string &client_id, const char *field) {
  cJSON *root = cJSON_Parse(read_file(servers_dir() + "/clients.json").c_str());
  std::string value;
  const cJSON *oauth2 = cJSON_GetObjectItemCaseSensitive(root, "oauth2");
  const cJSON *clients = cJSON_GetObjectItemCaseSensitive(oauth2, "clients");
  const cJSON *c = cJSON_GetObjectItemCaseSensitive(clients, client_id.c_str());
  const cJSON *v = c != nullptr ? cJSON_GetObjectItemCaseSensitive(c, field) : nullptr;
  if (cJSON_IsString(v)) value = v->valuestring;
  cJSON_Delete(root);
  if (value.empty()) throw std::runtime_error("clients.json: no " + std::string(field) + " for " + client_id);
  return value;
}

}  // namespace m2mauth_test
