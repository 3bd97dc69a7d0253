// TokenClient and TokenManager through m2mauth.hpp against oidc-provider and the fault server.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "wrapper_support.hpp"

using namespace m2mauth;
using namespace m2mauth_test;
using cpptest::error_of;
using cpptest::json_at;

TEST_CASE("TokenClient: client_secret_basic, private_key_jwt and their errors at oidc-provider") {
  const auto oidc = cpptest::servers()["oidc"];
  Http http = cpptest::loopback_http();

  TokenClient basic(oidc.str("token_endpoint"), "svc-basic", http);
  basic.set_secret(client_field("svc-basic", "client_secret")).set_scope("api.read");
  Token t = basic.fetch();
  CHECK(t.access_token().size() > 10);
  CHECK(t.type() == "Bearer");
  CHECK(t.scope() == "api.read");
  CHECK(t.expires_at_ms() - t.issued_at_ms() == 3600 * 1000);
  // Frozen once used.
  CHECK(error_of([&] { basic.set_scope("api.write"); }).errc() == Errc::state);

  TokenClient jwt(oidc.str("token_endpoint"), "svc-es256", http);
  jwt.set_auth_method(ClientAuth::private_key_jwt)
      .set_private_key(Key::from_file(servers_dir() + "/" + client_field("svc-es256", "private_key")))
      .set_scope("api.write");
  CHECK(jwt.fetch().scope() == "api.write");

  TokenClient wrong(oidc.str("token_endpoint"), "svc-basic", http);
  wrong.set_secret("Zq9-not-the-secret");
  Error e = error_of([&] { wrong.fetch(); });
  CHECK(e.errc() == Errc::oauth);
  CHECK(e.oauth_error() == "invalid_client");
  CHECK(e.http_status() == 401);
  CHECK(!e.transient());
  CHECK(std::string(e.what()).find("Zq9-not-the-secret") == std::string::npos);

  TokenClient scope(oidc.str("token_endpoint"), "svc-basic", http);
  scope.set_secret(client_field("svc-basic", "client_secret")).set_scope("api.unknown");
  CHECK(error_of([&] { scope.fetch(); }).oauth_error() == "invalid_scope");
  CHECK(client_auth_from_name(client_auth_name(ClientAuth::private_key_jwt)) == ClientAuth::private_key_jwt);
}

TEST_CASE("TokenClient::discover finds the token endpoint") {
  const auto oidc = cpptest::servers()["oidc"];
  Http http = cpptest::loopback_http();
  TokenClient c = TokenClient::discover(oidc.str("issuer"), "svc-post", http);
  c.set_auth_method(ClientAuth::client_secret_post).set_secret(client_field("svc-post", "client_secret"));
  CHECK(c.fetch().access_token().size() > 10);
}

TEST_CASE("TokenManager: one fetch for many readers, events, invalidate, authenticated requests") {
  const auto fault = cpptest::servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST");
  Http http = cpptest::loopback_http();
  TokenClient client(fault.str("token_endpoint"), "svc-basic", http);
  client.set_secret(client_field("svc-basic", "client_secret"));
  // Declared before the manager, so they outlive it: an event may still be running on the manager's thread
  // when the call that caused it has returned, until the manager is freed.
  std::mutex mu;
  std::vector<TokenEventKind> events;
  TokenManager manager(client);
  manager.set_event_callback([&](const TokenEvent &e) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(e.kind);
  });

  std::string first;
  {
    TokenView v = manager.get_token();
    first = std::string(v.access_token);
    CHECK(v.scheme == "Bearer");
    CHECK(v.expires_at_ms > 0);
  }
  std::vector<std::thread> readers;
  std::atomic<int> same{0};
  for (int i = 0; i < 8; ++i)
    readers.emplace_back([&] {
      for (int j = 0; j < 50; ++j)
        if (std::string(manager.get_token().access_token) == first) ++same;
    });
  for (auto &t : readers) t.join();
  CHECK(same == 8 * 50);
  CHECK(json_at(control(fault.str("control_url") + "/stats"), "token_requests") == "1");

  Response api = manager.request(Request("GET", fault.str("api_url") + "/resource"));
  CHECK(api.status() == 200);
  CHECK(json_at(api.body(), "headers.Authorization") == "Bearer " + first);

  manager.invalidate(first);
  Token fresh = manager.token();
  CHECK(std::string(fresh.access_token()) != first);
  CHECK(json_at(control(fault.str("control_url") + "/stats"), "token_requests") == "2");

  // Another key through the call-options overload: a token of its own, then cached.
  CallOptions bounded;
  bounded.timeout_ms = 5000;
  bounded.cancel = Cancel();
  std::string other(manager.get_token_for(std::string("api.write"), std::nullopt, std::nullopt, bounded).access_token);
  CHECK(other != std::string(fresh.access_token()));
  CHECK(std::string(manager.get_token_for(std::string("api.write"), std::nullopt, std::nullopt, bounded).access_token) ==
        other);
  CHECK(json_at(control(fault.str("control_url") + "/stats"), "token_requests") == "3");
  std::lock_guard<std::mutex> lock(mu);
  CHECK(std::count(events.begin(), events.end(), TokenEventKind::fetched) >= 1);
  CHECK(std::count(events.begin(), events.end(), TokenEventKind::invalidated) == 1);
}

TEST_CASE("TokenManager::get_token_async, request_async: completion callbacks, one fetch for many waiters") {
  const auto fault = cpptest::servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST");
  control(fault.str("control_url") + "/script", "POST", R"([{"delay_ms":300}])");
  Http http = cpptest::loopback_http();
  TokenClient client(fault.str("token_endpoint"), "svc-basic", http);
  client.set_secret(client_field("svc-basic", "client_secret"));
  TokenClient wrong(fault.str("token_endpoint"), "svc-basic", http);
  wrong.set_secret("Zq9-wrong-secret");
  // Declared before the managers, so they outlive every callback.
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> tokens;
  std::vector<int> statuses;
  std::string echoed;
  std::optional<Error> refused_error;
  int done = 0;
  TokenManager manager(client);
  TokenManager refused(wrong);
  auto finished = [&] {
    ++done;
    cv.notify_all();
  };
  for (int i = 0; i < 16; ++i)
    manager.get_token_async([&](const TokenView *t, const Error *e) {
      std::lock_guard<std::mutex> lock(mu);
      if (t != nullptr && e == nullptr) tokens.emplace_back(t->access_token);
      finished();
    });
  manager.request_async(Request("GET", fault.str("api_url") + "/async"), [&](Response *r, const Error *e) {
    std::lock_guard<std::mutex> lock(mu);
    if (r != nullptr && e == nullptr) {
      statuses.push_back(r->status());
      echoed = std::string(r->body());
    }
    finished();
  });
  refused.get_token_async([&](const TokenView *t, const Error *e) {
    std::lock_guard<std::mutex> lock(mu);
    if (t == nullptr && e != nullptr) refused_error = *e;  // a copy: the record lives during the callback only
    finished();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    CHECK(cv.wait_for(lock, std::chrono::seconds(20), [&] { return done == 18; }));
    REQUIRE(tokens.size() == 16);
    CHECK(std::all_of(tokens.begin(), tokens.end(), [&](const std::string &t) { return t == tokens[0]; }));
    CHECK(statuses == std::vector<int>{200});
    CHECK(json_at(echoed, "headers.Authorization") == "Bearer " + tokens[0]);
    REQUIRE(refused_error.has_value());
    CHECK(refused_error->errc() == Errc::oauth);
    CHECK(refused_error->oauth_error() == "invalid_client");
    CHECK(refused_error->http_status() == 401);
  }
  CHECK(json_at(control(fault.str("control_url") + "/stats"), "by_client.svc-basic") == "2");  // one each

  // Another key's token through a completion callback (m2mauth_token_manager_get_for_async), with its scope.
  {
    std::string other_token, other_scope;
    bool got = false;
    manager.get_token_for_async(std::string("api.other"), std::nullopt, std::nullopt,
                                [&](const TokenView *t, const Error *e) {
                                  std::lock_guard<std::mutex> lock(mu);
                                  if (t != nullptr && e == nullptr) {
                                    other_token = std::string(t->access_token);
                                    other_scope = std::string(t->scope);
                                  }
                                  got = true;
                                  cv.notify_all();
                                });
    std::unique_lock<std::mutex> lock(mu);
    CHECK(cv.wait_for(lock, std::chrono::seconds(20), [&] { return got; }));
    CHECK(other_scope == "api.other");
    CHECK(!other_token.empty());
    CHECK(other_token != tokens[0]);  // a key of its own
  }

  // A cancel requested before the call: the callback runs on this thread before the call returns.
  CallOptions cancelled;
  cancelled.cancel = Cancel();
  cancelled.cancel->cancel();
  int at_once = 0;
  manager.request_async(Request("GET", fault.str("api_url") + "/never"), [&](Response *r, const Error *e) {
    at_once = r == nullptr && e != nullptr ? e->code() : 1;
  }, cancelled);
  CHECK(at_once == M2MAUTH_ECANCELLED);
}

TEST_CASE("TokenManager: a refused token request is an error with the server's OAuth error") {
  const auto fault = cpptest::servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST");
  Http http = cpptest::loopback_http();
  TokenClient client(fault.str("token_endpoint"), "svc-basic", http);
  client.set_secret("Zq9-wrong-secret");
  TokenManagerOptions options;
  options.wait_timeout_ms = 5000;
  TokenManager manager(client, options);
  Error e = error_of([&] { manager.get_token(); });
  CHECK(e.errc() == Errc::oauth);
  CHECK(e.oauth_error() == "invalid_client");
  CHECK(std::string(e.what()).find("Zq9-wrong-secret") == std::string::npos);
}

TEST_CASE("TokenManager::set_idempotency_header: a fresh UUID per request, kept when the caller sets one") {
  const auto fault = cpptest::servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST");
  Http http = cpptest::loopback_http();
  TokenClient client(fault.str("token_endpoint"), "svc-basic", http);
  client.set_secret(client_field("svc-basic", "client_secret"));
  TokenManager manager(client);
  CHECK(error_of([&] { manager.set_idempotency_header("Bad Name"); }).errc() == Errc::invalid_argument);
  manager.set_idempotency_header("IdempotencyKey");
  auto key_of = [&](const Request &req) { return json_at(manager.request(req).body(), "headers.IdempotencyKey"); };
  Request post("POST", fault.str("echo_url") + "/payments");
  const std::string k1 = key_of(post), k2 = key_of(post);
  CHECK(k1.size() == 36);
  CHECK(k1[14] == '4');  // UUID version 4
  CHECK(k1 != k2);
  Request mine("POST", fault.str("echo_url") + "/payments");
  mine.set_header("IdempotencyKey", "caller-chosen");
  CHECK(key_of(mine) == "caller-chosen");
  manager.set_idempotency_header("");  // off
  CHECK(key_of(post).empty());
}

TEST_CASE("TokenManagerOptions: the C defaults, every value meaning what it says, ranges checked by the library") {
  TokenManagerOptions o;
  CHECK(o.wait_timeout_ms == 30000);
  CHECK(o.min_fetch_interval_ms == 1000);
  CHECK(o.background_refresh);
  o.wait_timeout_ms = 0;  // no limit
  o.min_fetch_interval_ms = 0;
  CHECK(json_at(o.describe(), "wait_timeout_ms") == "0");
  o.min_fetch_interval_ms = -1;
  CHECK(error_of([&] { o.describe(); }).errc() == Errc::invalid_argument);
}
