// The token manager's completion-callback forms in the core: many waiters share one refresh and no
// thread per waiter; a cancel ends one waiter at once; destroying the manager completes the rest with
// Error(cancelled), each exactly once. Also run under ThreadSanitizer (.ci/sanitize).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "m2mauth/core/token_manager.hpp"
#include "stall_server.hpp"

using namespace m2mauth::core;
using m2mauth_test::StallServer;

namespace {

std::unique_ptr<TokenManager> manager_on(const StallServer &server) {
  ClientConfig cfg;
  cfg.token_url = server.url("/token");
  cfg.client_id = "svc";
  cfg.client_secret = SecretString(std::string("s3cret"));
  return std::make_unique<TokenManager>(std::make_shared<TokenClient>(cfg, make_curl_transport({})));
}

struct Outcomes {
  std::mutex mu;
  std::condition_variable cv;
  int ok = 0;
  std::vector<Errc> errors;
  int total() {
    std::lock_guard<std::mutex> lock(mu);
    return ok + static_cast<int>(errors.size());
  }
  TokenCallback callback() {
    return [this](const TokenView *v, const Error *e) {
      std::lock_guard<std::mutex> lock(mu);
      if (v != nullptr) ++ok;
      else errors.push_back(e->code());
      cv.notify_all();
    };
  }
  bool wait_for(int n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return ok + static_cast<int>(errors.size()) >= n; });
  }
};

}  // namespace

TEST_CASE("async waiters from many threads share one token request") {
  StallServer server;
  server.set_token_delay_ms(100);
  auto m = manager_on(server);
  Outcomes out;
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 50; ++i) m->get_async(nullptr, {}, nullptr, out.callback());
    });
  for (auto &t : ts) t.join();
  REQUIRE(out.wait_for(200));
  CHECK(out.ok == 200);
  CHECK(server.token_requests() == 1);
}

TEST_CASE("a cancelled async waiter ends at once; destroying the manager cancels the others exactly once") {
  StallServer server;
  server.set_token_stalls(true);
  auto m = manager_on(server);
  Outcomes cancelled, pending;
  auto cancel = std::make_shared<Cancel>();
  m->get_async(nullptr, {}, cancel, cancelled.callback());
  for (int i = 0; i < 20; ++i) m->get_async(nullptr, {}, nullptr, pending.callback());
  std::thread canceller([&] { cancel->request(); });
  canceller.join();
  REQUIRE(cancelled.wait_for(1));
  CHECK(cancelled.errors.at(0) == Errc::cancelled);
  CHECK(pending.total() == 0);

  // A request_async waiting for the same token.
  std::atomic<int> responses{0};
  std::atomic<int> response_errors{0};
  Request req;
  req.method = "GET";
  req.url = server.url("/api/x");
  m->request_async(req, {}, nullptr, [&](Response *r, const Error *e) {
    if (r != nullptr) ++responses;
    if (e != nullptr && e->code() == Errc::cancelled) ++response_errors;
  });
  m.reset();
  CHECK(pending.total() == 20);
  for (Errc c : pending.errors) CHECK(c == Errc::cancelled);
  CHECK(cancelled.total() == 1);
  CHECK(responses.load() == 0);
  CHECK(response_errors.load() == 1);
}

TEST_CASE("an async wait is bounded by the call's timeout") {
  StallServer server;
  server.set_token_stalls(true);
  auto m = manager_on(server);
  Outcomes out;
  CallOptions o;
  o.timeout_ms = 80;
  auto start = std::chrono::steady_clock::now();
  m->get_async(nullptr, o, nullptr, out.callback());
  REQUIRE(out.wait_for(1));
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(out.errors.at(0) == Errc::timeout);
  CHECK(took >= std::chrono::milliseconds(70));
  CHECK(took < std::chrono::seconds(2));
}
