// The token manager's views: valid until the same thread's next call on the same manager however many
// other managers it reads, and gone with the manager (no token left in any thread's storage).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "m2mauth/core/token_manager.hpp"
#include "stall_server.hpp"

using namespace m2mauth::core;
using m2mauth_test::StallServer;

namespace {

std::shared_ptr<TokenManager> manager_on(const StallServer &server, const std::shared_ptr<Transport> &transport) {
  ClientConfig cfg;
  cfg.token_url = server.url("/token");
  cfg.client_id = "svc";
  cfg.client_secret = SecretString(std::string("s3cret"));
  return std::make_shared<TokenManager>(std::make_shared<TokenClient>(cfg, transport));
}

}  // namespace

TEST_CASE("a token view outlives reads of other managers and dies with its manager") {
  StallServer server;
  auto transport = make_curl_transport({});
  const std::size_t before = TokenManager::snapshots_alive();
  {
    auto a = manager_on(server, transport);
    TokenView view = a->get();
    const std::string copy(view.access_token);
    // Another thread replaces A's token: the old one is now held only for this thread's view.
    std::thread([&] {
      a->invalidate();
      CHECK(std::string(a->get().access_token) != copy);
    }).join();
    // More managers than the old per-thread cache had slots.
    std::vector<std::shared_ptr<TokenManager>> others;
    for (int i = 0; i < 12; ++i) {
      others.push_back(manager_on(server, transport));
      (void)others.back()->get();
    }
    CHECK(std::string(view.access_token) == copy);
    CHECK(TokenManager::snapshots_alive() >= before + 14);
    // The next call on A replaces the view (and may release the old snapshot).
    CHECK(std::string(a->get().access_token) != copy);
  }
  // Every manager is gone: no snapshot is left, in this thread or in the one that exited.
  CHECK(TokenManager::snapshots_alive() == before);
}

TEST_CASE("views of one manager read by many threads are released when it is freed") {
  StallServer server;
  auto transport = make_curl_transport({});
  const std::size_t before = TokenManager::snapshots_alive();
  auto m = manager_on(server, transport);
  std::vector<std::thread> readers;
  for (int i = 0; i < 8; ++i)
    readers.emplace_back([&] {
      for (int k = 0; k < 1000; ++k) CHECK_FALSE(m->get().access_token.empty());
    });
  for (auto &t : readers) t.join();
  (void)m->get();
  CHECK(TokenManager::snapshots_alive() > before);
  m.reset();
  CHECK(TokenManager::snapshots_alive() == before);
  CHECK(server.token_requests() == 1);
}
