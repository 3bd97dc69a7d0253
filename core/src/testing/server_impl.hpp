// Internal: the test server's state, shared by its lifecycle (server.cpp) and its endpoints
// (endpoints.cpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "m2mauth/core/key.hpp"
#include "m2mauth/core/test_server.hpp"
#include "testing/dpop_check.hpp"
#include "testing/tls.hpp"
#include "testing/wire.hpp"

namespace m2mauth::core::testing {

struct Client {
  ClientRegistration reg;
  std::shared_ptr<Key> key;  // the assertion key (client_secret_jwt, private_key_jwt)
};

struct Issued {
  std::string client_id, subject, scope;
  std::string jkt;  // DPoP-bound: the RFC 7638 thumbprint of the proof key ("" = Bearer)
  std::int64_t iat = 0, exp = 0;
};

// The bound of the knobs counted in seconds (token lifetime, clock offset either way): ten years.
constexpr std::int64_t kTenYearsS = 10LL * 365 * 86400;

struct TokenServer::Impl {
  explicit Impl(ServerOptions o)
      : options(std::move(o)),
        signing_key(Key::generate_ec(Curve::p256)),
        lifetime_s(options.token_lifetime_s),
        clock_offset_s(options.clock_offset_s),
        token_format(options.token_format) {}

  ServerOptions options;
  Key signing_key;  // ES256: JWT access tokens and the TLS certificate
  std::string kid;
  TlsContext tls;
  WireLimits limits;
  int listen_fd = -1;
  int wake[2] = {-1, -1};
  std::string base_url;
  std::thread acceptor;
  std::atomic<bool> stopping{false};
  bool started = false;
  // The knobs the admin interface changes at run time (options holds their first values): expires_in of
  // tokens issued from now on, the server clock's offset and the format of tokens issued from now on.
  std::atomic<std::int64_t> lifetime_s;
  std::atomic<std::int64_t> clock_offset_s;
  std::atomic<TokenFormat> token_format;

  mutable std::mutex mu;  // everything below
  std::condition_variable stop_cv;
  std::map<std::string, Client> clients;
  std::unordered_map<std::string, Issued> tokens;
  std::unordered_map<std::string, std::int64_t> seen_jti;  // client id "\n" jti -> exp (s)
  ProofJtis dpop_jtis;  // thumbprint "\n" jti of accepted DPoP proofs (its own lock)
  unsigned int fail_count = 0;
  Failure failure;
  unsigned int stall_count = 0;
  std::int64_t stall_ms = 0;
  std::map<std::string, std::uint64_t> counters;
  std::set<int> open_fds;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Worker> workers;

  void accept_loop();
  void serve(int fd);
  void count(const std::string &name);
  // Unix seconds of the server's clock (the system's plus clock_offset_s, as it is now).
  std::int64_t now_s() const;
  // The response to one request (endpoints.cpp).
  std::string handle(const WireRequest &req, SSL *ssl);

  // The knobs, shared by TokenServer's methods and the admin interface; Errc::invalid_argument when out of range.
  void fail_next(unsigned int count, Failure failure);
  void stall(unsigned int count, std::int64_t ms);
  void set_lifetime(std::int64_t seconds);
  void set_clock_offset(std::int64_t seconds);
  void set_token_format(TokenFormat format);
  void revoke_all();
  // Every counter, as a JSON object ("requests": every request; the named counters, 0 when never counted).
  std::string counters_json() const;
};

// True for a path under the admin interface's prefix ("/_admin" and "/_admin/...").
bool is_admin_path(const std::string &path);
// The response to a request under /_admin/ on a server with an admin token (admin.cpp).
std::string admin_endpoint(TokenServer::Impl &s, const WireRequest &req);


}  // namespace m2mauth::core::testing
