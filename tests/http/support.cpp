#include "support.hpp"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef M2MAUTH_SOURCE_DIR
#error "M2MAUTH_SOURCE_DIR must be defined"
#endif
#ifndef M2MAUTH_PYTHON
#define M2MAUTH_PYTHON "python3"
#endif

namespace fs = std::filesystem;

namespace http_test {

namespace {

constexpr double kReadyTimeoutS = 20.0;
constexpr double kStopTimeoutS = 5.0;

std::string servers_dir() { return std::string(M2MAUTH_SOURCE_DIR) + "/tests/servers"; }
std::string http_dir() { return std::string(M2MAUTH_SOURCE_DIR) + "/tests/http"; }

std::string make_temp_dir(const char *tag) {
  std::string tmpl = (fs::temp_directory_path() / (std::string("m2mauth-http-") + tag + "-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

bool wait_exit(pid_t pid, double seconds) {
  auto start = std::chrono::steady_clock::now();
  while (seconds_since(start) < seconds) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || r < 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- Json -----------------------------------------------------------------------------------------
Json::Json(const std::string &text) : root_(cJSON_Parse(text.c_str())) {
  if (root_ == nullptr) throw std::runtime_error("invalid JSON: " + text.substr(0, 200));
}
Json::~Json() { cJSON_Delete(static_cast<cJSON *>(root_)); }

const void *Json::find(const std::string &path) const {
  const cJSON *node = static_cast<const cJSON *>(root_);
  std::size_t start = 0;
  while (node != nullptr && start <= path.size()) {
    std::size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    node = cJSON_GetObjectItemCaseSensitive(node, part.c_str());
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node;
}

bool Json::has(const std::string &path) const {
  auto *n = static_cast<const cJSON *>(find(path));
  return n != nullptr && !cJSON_IsNull(n);
}

std::string Json::str(const std::string &path) const {
  auto *n = static_cast<const cJSON *>(find(path));
  if (cJSON_IsString(n)) return n->valuestring;
  if (cJSON_IsNumber(n)) return std::to_string(static_cast<long long>(n->valuedouble));
  throw std::runtime_error("JSON has no string at " + path);
}

long long Json::num(const std::string &path) const {
  auto *n = static_cast<const cJSON *>(find(path));
  if (!cJSON_IsNumber(n)) throw std::runtime_error("JSON has no number at " + path);
  return static_cast<long long>(n->valuedouble);
}

std::vector<std::pair<std::string, std::string>> Json::pairs(const std::string &path) const {
  std::vector<std::pair<std::string, std::string>> out;
  auto *arr = static_cast<const cJSON *>(find(path));
  const cJSON *item = nullptr;
  cJSON_ArrayForEach(item, arr) {
    const cJSON *k = cJSON_GetArrayItem(item, 0), *v = cJSON_GetArrayItem(item, 1);
    if (cJSON_IsString(k) && cJSON_IsString(v)) out.emplace_back(k->valuestring, v->valuestring);
  }
  return out;
}

// ---- Server ---------------------------------------------------------------------------------------
Server::Server(const std::string &script, const std::vector<std::string> &args) {
  std::string path = fs::exists(servers_dir() + "/" + script) ? servers_dir() + "/" + script : http_dir() + "/" + script;
  dir_ = make_temp_dir("server");
  std::string ready = dir_ + "/ready.json", log_path = dir_ + "/server.log";
  std::vector<std::string> argv_s = {M2MAUTH_PYTHON, path, "--port", "0", "--ready-file", ready};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (auto &a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string cwd = servers_dir();
  pid_t parent = getpid();

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {  // child: only async-signal-safe calls until exec
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  auto start = std::chrono::steady_clock::now();
  while (!fs::exists(ready)) {
    int status = 0;
    std::string problem;
    if (waitpid(pid_, &status, WNOHANG) == pid_) problem = script + " exited before it was ready";
    else if (seconds_since(start) > kReadyTimeoutS) problem = script + " was not ready in time";
    if (!problem.empty()) {
      std::string out = log();
      if (problem.find("exited") == std::string::npos) {
        kill(pid_, SIGKILL);
        wait_exit(pid_, 2.0);
      }
      pid_ = -1;
      fs::remove_all(dir_);
      throw std::runtime_error(problem + ":\n" + out);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Json info(read_file(ready));
  url_ = info.str("url");
  port_ = static_cast<int>(info.num("port"));
}

Server::~Server() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    if (!wait_exit(pid_, kStopTimeoutS)) {
      kill(pid_, SIGKILL);
      wait_exit(pid_, 2.0);
    }
  }
  if (!std::getenv("M2MAUTH_KEEP_SERVER_LOGS")) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string Server::log() const {
  try {
    return read_file(dir_ + "/server.log");
  } catch (...) {
    return "";
  }
}

Server fault_server() { return Server("fault_server.py"); }

Server fault_tls_server(const std::string &cert, bool require_client_cert) {
  const Pki &pki = Pki::get();
  std::vector<std::string> args = {"--tls-cert", pki.cert(cert), "--tls-key", pki.key(cert)};
  if (require_client_cert) args.insert(args.end(), {"--client-ca", pki.ca()});
  return Server("fault_server.py", args);
}

Server conn_server() { return Server("conn_server.py"); }

Server h2_server() {
  const Pki &pki = Pki::get();
  return Server("h2_server.py", {"--tls-cert", pki.cert("server"), "--tls-key", pki.key("server")});
}

// ---- Pki ------------------------------------------------------------------------------------------
namespace {
struct PkiHolder {
  std::string dir;
  bool owned = false;
  ~PkiHolder() {
    std::error_code ec;
    if (owned) fs::remove_all(dir, ec);
  }
};
}  // namespace

const Pki &Pki::get() {
  static PkiHolder holder;
  static const Pki pki = [] {
    const char *env = std::getenv("M2MAUTH_TEST_PKI");
    if (env != nullptr && *env != '\0' && fs::exists(std::string(env) + "/manifest.json")) return Pki(env);
    holder.dir = make_temp_dir("pki");
    holder.owned = true;
    std::string cmd = std::string(M2MAUTH_PYTHON) + " '" + servers_dir() + "/pki.py' --out '" + holder.dir + "' >/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("pki.py failed");
    return Pki(holder.dir);
  }();
  return pki;
}

Pki::Pki(std::string dir) : dir_(std::move(dir)), manifest_(read_file(dir_ + "/manifest.json")) {}

std::string Pki::ca() const { return Json(manifest_).str("ca_bundle"); }
std::string Pki::cert(const std::string &name) const { return Json(manifest_).str("certs." + name + ".cert"); }
std::string Pki::key(const std::string &name) const { return Json(manifest_).str("certs." + name + ".key"); }
std::string Pki::sha256(const std::string &name) const { return Json(manifest_).str("certs." + name + ".sha256"); }
std::string Pki::p12() const { return Json(manifest_).str("client_p12.path"); }
std::string Pki::p12_password() const { return Json(manifest_).str("client_p12.password"); }

std::string client_secret(const std::string &client_id) {
  return Json(read_file(servers_dir() + "/clients.json")).str("oauth2.clients." + client_id + ".client_secret");
}

// ---- ports ----------------------------------------------------------------------------------------
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("bind failed");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace http_test
