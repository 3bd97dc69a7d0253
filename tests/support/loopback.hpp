// Test support: start the loopback servers of tests/servers through harness.py, read their ready
// files, stop them by process id. Header-only; used by the C++ suites.
#pragma once

#include <cjson/cJSON.h>
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

// Minimal HTTP to the servers' /_control endpoints (loopback, plain HTTP) via curl's CLI-free path:
// the tests use the library's own transport for everything under test, and python for control.
inline std::string control(const std::string &url, const std::string &method = "GET", const std::string &body = "") {
  std::string cmd = "python3 -c " +
                    shell_quote("import sys,urllib.request as u;"
                                "r=u.Request(sys.argv[1],method=sys.argv[2],data=(sys.argv[3].encode() if sys.argv[2]!='GET' else None),"
                                "headers={'Content-Type':'application/json'});"
                                "sys.stdout.write(u.urlopen(r,timeout=10).read().decode())") +
                    " " + shell_quote(url) + " " + shell_quote(method) + " " + shell_quote(body);
  std::string out;
  FILE *p = popen(cmd.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (pclose(p) != 0) throw std::runtime_error("control request failed: " + method + " " + url);
  return out;
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
