// Test support: a loopback HTTP server on 127.0.0.1 that answers token requests (POST paths ending
// in /token, after an optional delay) and accepts every other request without ever answering. It
// records when the client closes each stalled connection, so a test can tell that a cancel stopped
// the transfer itself and not only the wait. Header-only; one thread per connection.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace m2mauth_test {

class StallServer {
 public:
  using Clock = std::chrono::steady_clock;

  StallServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0)
      throw std::runtime_error("bind/listen failed");
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr *>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~StallServer() {
    stop_.store(true);
    ::shutdown(fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(fd_);
    std::vector<std::thread> hs;
    {
      std::lock_guard<std::mutex> lock(mu_);
      hs.swap(handlers_);
    }
    for (auto &t : hs) t.join();
  }

  std::string url(const std::string &path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int token_requests() const { return tokens_.load(); }
  int stalled() const { return stalled_.load(); }
  void set_token_delay_ms(int ms) { token_delay_ms_.store(ms); }
  void set_token_stalls(bool on) { token_stalls_.store(on); }
  // When the client last closed a stalled connection (time_point{} if never).
  Clock::time_point last_close() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_close_;
  }

 private:
  void accept_loop() {
    while (!stop_.load()) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) {
        if (stop_.load()) return;
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      handlers_.emplace_back([this, c] { serve(c); });
    }
  }

  // Reads one request (headers and a Content-Length body); false if the client went away first.
  bool read_request(int c, std::string &head) {
    std::string data;
    char buf[4096];
    while (true) {
      std::size_t end = data.find("\r\n\r\n");
      if (end != std::string::npos) {
        head = data.substr(0, end);
        std::size_t body_len = 0;
        std::size_t cl = head.find("Content-Length:");
        if (cl == std::string::npos) cl = head.find("content-length:");
        if (cl != std::string::npos) body_len = std::stoul(head.substr(cl + 15));
        if (data.size() >= end + 4 + body_len) return true;
      }
      if (!wait_readable(c)) return false;
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      data.append(buf, static_cast<std::size_t>(n));
    }
  }

  bool wait_readable(int c) {
    while (!stop_.load()) {
      pollfd p{c, POLLIN, 0};
      int r = ::poll(&p, 1, 20);
      if (r > 0) return true;
    }
    return false;
  }

  void serve(int c) {
    std::string head;
    if (read_request(c, head)) {
      bool token = head.find("/token ") != std::string::npos && head.rfind("POST", 0) == 0;
      if (token && !token_stalls_.load()) {
        int n = ++tokens_;
        int delay = token_delay_ms_.load();
        if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        std::string body = "{\"access_token\":\"tok-" + std::to_string(n) +
                           "\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
        std::string resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body;
        (void)::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      } else {
        ++stalled_;
        // Never answer; notice when the client closes the connection.
        char buf[256];
        while (wait_readable(c)) {
          if (::recv(c, buf, sizeof buf, 0) <= 0) {
            std::lock_guard<std::mutex> lock(mu_);
            last_close_ = Clock::now();
            break;
          }
        }
      }
    }
    ::close(c);
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> tokens_{0}, stalled_{0}, token_delay_ms_{0};
  std::atomic<bool> token_stalls_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> handlers_;
  Clock::time_point last_close_{};
};

}  // namespace m2mauth_test
