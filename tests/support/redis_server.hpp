// Test support: a real redis-server (Debian's) on a free 127.0.0.1 port, in a temporary directory,
// without persistence (--save '' --appendonly no), with ACL users, started and stopped by its process
// id. It can be killed, restarted on the same port, stopped (SIGSTOP) and continued. Header-only.
//
//   users      default / m2m     password "default-pw" / "m2m-pw", every key and channel
//              nochan            password "nochan-pw", every key, no channel (Redis 7's default for
//                                new users: PUBLISH and SUBSCRIBE refused)
//   available()  false when no redis-server is on PATH; redis_required() says whether that fails the
//                test (CI set) or skips it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace m2mauth_test {

class RedisServer {
 public:
  static std::string executable() {
    const char *path = std::getenv("PATH");
    std::string p = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= p.size()) {
      std::size_t end = p.find(':', start);
      if (end == std::string::npos) end = p.size();
      std::string candidate = p.substr(start, end - start) + "/redis-server";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      start = end + 1;
    }
    return "";
  }
  static bool available() { return !executable().empty(); }
  // Without redis-server, a test skips unless CI is set (then it fails).
  static bool required() { return std::getenv("CI") != nullptr; }

  RedisServer() {
    exe_ = executable();
    if (exe_.empty()) throw std::runtime_error("redis-server not found on PATH");
    char tmpl[] = "/tmp/m2mauth-redis-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    port_ = free_port();
    write_config();
    start();
  }
  ~RedisServer() {
    stop();
    std::remove((dir_ + "/redis.conf").c_str());
    std::remove((dir_ + "/redis.log").c_str());
    ::rmdir(dir_.c_str());
  }
  RedisServer(const RedisServer &) = delete;
  RedisServer &operator=(const RedisServer &) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url(const std::string &userinfo = "m2m:m2m-pw", const std::string &db = "") const {
    std::string u = "redis://";
    if (!userinfo.empty()) u += userinfo + "@";
    return u + "127.0.0.1:" + std::to_string(port_) + (db.empty() ? "" : "/" + db);
  }

  // SIGKILL and reap (the process dies as a crashed server would: no goodbye to clients).
  void kill_now() {
    if (pid_ <= 0) return;
    if (stopped_) ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    stopped_ = false;
  }
  // SIGTERM, bounded wait, then SIGKILL.
  void stop() {
    if (pid_ <= 0) return;
    if (stopped_) ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill_now();
  }
  void pause() {
    ::kill(pid_, SIGSTOP);
    stopped_ = true;
  }
  void resume() {
    ::kill(pid_, SIGCONT);
    stopped_ = false;
  }
  // Starts again on the same port (after kill_now() or stop()).
  void start() {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      int log = ::open((dir_ + "/redis.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (log >= 0) {
        ::dup2(log, 1);
        ::dup2(log, 2);
      }
      std::string conf = dir_ + "/redis.conf";
      ::execl(exe_.c_str(), exe_.c_str(), conf.c_str(), static_cast<char *>(nullptr));
      ::_exit(127);
    }
    // Ready when it answers anything to PING on its port (bounded: 10 s).
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("redis-server exited at start (see " + dir_ + "/redis.log)");
      }
      if (answers_ping()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill_now();
    throw std::runtime_error("redis-server did not become ready");
  }

 private:
  static int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
      ::close(fd);
      throw std::runtime_error("bind failed");
    }
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
  }

  void write_config() {
    std::ofstream c(dir_ + "/redis.conf");
    c << "port " << port_ << "\n"
      << "bind 127.0.0.1\n"
      << "dir " << dir_ << "\n"
      << "save \"\"\n"
      << "appendonly no\n"
      << "daemonize no\n"
      << "databases 4\n"
      << "user default on >default-pw ~* &* +@all\n"
      << "user m2m on >m2m-pw ~* &* +@all\n"
      << "user nochan on >nochan-pw ~* resetchannels +@all\n";
    if (!c) throw std::runtime_error("cannot write redis.conf");
  }

  bool answers_ping() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) {
      const char ping[] = "PING\r\n";
      if (::send(fd, ping, sizeof ping - 1, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof ping - 1)) {
        pollfd p{fd, POLLIN, 0};
        char buf[64];
        ok = ::poll(&p, 1, 500) > 0 && ::recv(fd, buf, sizeof buf, 0) > 0;
      }
    }
    ::close(fd);
    return ok;
  }

  std::string exe_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool stopped_ = false;
};

}  // namespace m2mauth_test
