// A fake Redis on 127.0.0.1 for hostile-reply tests: each connection waits for the client's first
// bytes, then runs the test's script on the socket (send a huge bulk header and stream forever, send
// bytes slowly, send garbage ...) until the client goes away or the server stops. It counts the bytes
// it managed to send, so a test can tell how much the client accepted before it gave up.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace m2mauth_test {

class HostileRedis {
 public:
  // Sends through the connection; false once the client has gone (or the server stops).
  class Peer {
   public:
    Peer(int fd, HostileRedis &server) : fd_(fd), server_(server) {}
    bool send(const std::string &bytes) {
      std::size_t off = 0;
      while (off < bytes.size()) {
        if (server_.stop_.load()) return false;
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0) {
          if (errno == EAGAIN || errno == EINTR) continue;
          return false;
        }
        off += static_cast<std::size_t>(n);
        server_.sent_ += n;
      }
      return true;
    }
    bool stopping() const { return server_.stop_.load(); }

   private:
    int fd_;
    HostileRedis &server_;
  };
  using Script = std::function<void(Peer &)>;

  explicit HostileRedis(Script script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("bind/listen failed");
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr *>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~HostileRedis() {
    stop_.store(true);
    ::shutdown(fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(fd_);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &t : handlers_) t.join();
  }

  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  long long sent() const { return sent_.load(); }

 private:
  void accept_loop() {
    while (!stop_.load()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      handlers_.emplace_back([this, c] {
        char buf[4096];
        while (!stop_.load()) {
          pollfd q{c, POLLIN, 0};
          if (::poll(&q, 1, 20) > 0) {
            if (::recv(c, buf, sizeof buf, 0) > 0) {
              Peer peer(c, *this);
              script_(peer);
            }
            break;
          }
        }
        ::close(c);
      });
    }
  }

  Script script_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<long long> sent_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> handlers_;
};

}  // namespace m2mauth_test
