// The token manager against the fault-injecting server: one request per refresh however many threads
// ask, cached tokens served while valid, backoff, Retry-After, permanent errors, 401 handling.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <thread>
#include <vector>

#include "m2mauth/core/token_manager.hpp"
#include "oauth2_support.hpp"

using namespace m2mauth_test;
using namespace m2mauth::core;
using namespace std::chrono_literals;

namespace {

struct ManagerFixture {
  ServerInfo fault = fresh_fault_server();
  FakeClock clock;
  std::string control_url = fault.str("control_url");

  std::shared_ptr<TokenClient> client(const std::string &scope = "") {
    ClientConfig cfg = client_config("svc-basic", fault.str("token_endpoint"));
    cfg.scope.scope = scope;
    return std::make_shared<TokenClient>(cfg, loopback_transport(), clock.clock());
  }
  static ManagerOptions options() {
    ManagerOptions o;
    o.jitter_fraction = 0;
    o.wait_timeout_ms = 10000;
    o.min_fetch_interval_ms = 0;  // the fake clock stands still: the floor has its own tests
    return o;
  }
  int token_requests() { return stat_int(control("" + control_url + "/stats"), "token_requests"); }
  void script(const std::string &steps) { control(control_url + "/script", "POST", steps); }
  // Polls (bounded) until the server has seen n token requests.
  bool wait_requests(int n, std::chrono::milliseconds bound = 5000ms) {
    auto end = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < end) {
      if (token_requests() >= n) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
};

}  // namespace

TEST_CASE_FIXTURE(ManagerFixture, "a fresh token is read by many threads with one token request") {
  TokenManager m(client(), options());
  std::string first(m.get().access_token);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 20000; ++k)
        if (m.get().access_token != first) ++mismatches;
    });
  for (auto &t : threads) t.join();
  CHECK(mismatches == 0);
  CHECK(token_requests() == 1);
}

TEST_CASE_FIXTURE(ManagerFixture, "64 threads hit an expired token: exactly one token request") {
  TokenManager m(client(), options());
  std::string old_token(m.get().access_token);
  clock.advance_s(3600);  // expired
  script(R"([{"delay_ms":300}])");  // keep the refresh in flight while everyone arrives
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  std::vector<std::string> seen(64);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i)
    threads.emplace_back([&, i] {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return go; });
      }
      try {
        seen[i] = std::string(m.get().access_token);
      } catch (...) {
        ++errors;
      }
    });
  {
    std::lock_guard<std::mutex> lock(mu);
    go = true;
  }
  cv.notify_all();
  for (auto &t : threads) t.join();
  CHECK(errors == 0);
  CHECK(token_requests() == 2);
  for (const auto &s : seen) CHECK(s == seen[0]);
  CHECK(seen[0] != old_token);
}

TEST_CASE_FIXTURE(ManagerFixture, "a due token is served at once while one background refresh runs") {
  TokenManager m(client(), options());
  std::string old_token(m.get().access_token);
  clock.advance_s(3600 * 85 / 100);  // past refresh_at (75 %), before stale_at
  script(R"([{"delay_ms":1500}])");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) CHECK(m.get().access_token == old_token);
  CHECK(std::chrono::steady_clock::now() - start < 1000ms);  // nobody waited for the slow refresh
  REQUIRE(wait_requests(2));
  // Once the refresh lands, readers switch to the new token; still exactly one refresh.
  auto end = std::chrono::steady_clock::now() + 5s;
  while (m.get().access_token == old_token && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(10ms);
  CHECK(m.get().access_token != old_token);
  CHECK(token_requests() == 2);
}

TEST_CASE_FIXTURE(ManagerFixture, "a failing refresh keeps serving the valid token and backs off") {
  ManagerOptions o = options();
  o.background_refresh = false;  // deterministic: the first due reader refreshes
  TokenManager m(client(), o);
  std::vector<TokenEvent> events;
  std::mutex ev_mu;
  m.set_event_callback([&](const TokenEvent &e) {
    // The fake clock runs ahead of the server's: its clock_offset events are not this test's subject.
    if (e.kind == TokenEventKind::clock_offset) return;
    std::lock_guard<std::mutex> lock(ev_mu);
    events.push_back(e);
  });
  std::string old_token(m.get().access_token);
  clock.advance_s(3600 * 85 / 100);
  script(R"([{"status":500},{"status":500}])");
  CHECK(m.get().access_token == old_token);  // refresh failed, token still valid
  CHECK(token_requests() == 2);
  CHECK(m.get().access_token == old_token);  // backing off: no new request
  CHECK(token_requests() == 2);
  clock.advance_s(2);  // past the first backoff (base 1 s, jittered 0.5-1 s)
  CHECK(m.get().access_token == old_token);
  CHECK(token_requests() == 3);
  clock.advance_s(5);  // past the second backoff; the script is empty now: success
  std::string fresh(m.get().access_token);
  CHECK(token_requests() == 4);
  CHECK(fresh != old_token);
  std::lock_guard<std::mutex> lock(ev_mu);
  REQUIRE(events.size() >= 4);
  CHECK(events[0].kind == TokenEventKind::fetched);
  CHECK(events[1].kind == TokenEventKind::failed);
  CHECK(events[1].http_status == 500);
  CHECK(events[1].transient);
  CHECK(events.back().kind == TokenEventKind::refreshed);
  CHECK(*events[0].client_id == "svc-basic");
}

TEST_CASE_FIXTURE(ManagerFixture, "a permanent error is reported at once and not retried during its backoff") {
  TokenManager m(client(), options());
  script(R"([{"error":"invalid_client","status":401}])");
  try {
    m.get();
    FAIL("expected invalid_client");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::oauth);
    CHECK(e.detail().oauth_error == "invalid_client");
    CHECK_FALSE(e.transient());
  }
  CHECK(token_requests() == 1);
  CHECK_THROWS_AS(m.get(), Error);
  CHECK(token_requests() == 1);
  clock.advance_s(31);
  CHECK(!m.get().access_token.empty());
  CHECK(token_requests() == 2);
}

TEST_CASE_FIXTURE(ManagerFixture, "Retry-After is honoured") {
  TokenManager m(client(), options());
  script(R"([{"status":503,"retry_after":5}])");
  try {
    m.get();
    FAIL("expected 503");
  } catch (const Error &e) {
    CHECK(e.transient());
    CHECK(e.detail().retry_after_ms >= 5000);
  }
  clock.advance_s(3);
  try {
    m.get();
    FAIL("expected the backoff error");
  } catch (const Error &e) {
    CHECK(e.detail().retry_after_ms > 0);
    CHECK(e.detail().retry_after_ms <= 2000);
  }
  CHECK(token_requests() == 1);
  clock.advance_s(3);
  CHECK(!m.get().access_token.empty());
  CHECK(token_requests() == 2);
}

TEST_CASE_FIXTURE(ManagerFixture, "callers wait for the one refresh with a deadline") {
  ManagerOptions o = options();
  o.wait_timeout_ms = 500;
  TokenManager m(client(), o);
  script(R"([{"hang":true,"max_s":3}])");
  auto start = std::chrono::steady_clock::now();
  try {
    m.get();
    FAIL("expected a timeout");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::timeout);
    CHECK(e.transient());
  }
  CHECK(std::chrono::steady_clock::now() - start < 3s);
}

TEST_CASE_FIXTURE(ManagerFixture, "an API 401 invalidates that token and retries once with a new one") {
  TokenManager m(client(), options());
  Request req;
  req.url = fault.str("api_url") + "/things?x=1";
  Response r1 = m.request(req);
  CHECK(r1.status == 200);
  control(control_url + "/revoke", "POST", "{}");
  Response r2 = m.request(req);
  CHECK(r2.status == 200);
  CHECK(token_requests() == 2);
}

TEST_CASE_FIXTURE(ManagerFixture, "invalidate drops only the token it names") {
  TokenManager m(client(), options());
  std::string t1(m.get().access_token);
  m.invalidate("not-the-current-token");
  CHECK(m.get().access_token == t1);
  CHECK(token_requests() == 1);
  m.invalidate(t1);
  CHECK(m.get().access_token != t1);
  CHECK(token_requests() == 2);
}

TEST_CASE_FIXTURE(ManagerFixture, "each scope is its own cache key") {
  TokenManager m(client("api.read"), options());
  std::string read_token(m.get().access_token);
  TokenScope write;
  write.scope = "api.write";
  std::string write_token(m.get(write).access_token);
  CHECK(read_token != write_token);
  CHECK(m.get().access_token == read_token);
  CHECK(m.get(write).access_token == write_token);
  CHECK(token_requests() == 2);
}

TEST_CASE_FIXTURE(ManagerFixture, "an idempotency header gets a fresh UUID per call") {
  ManagerOptions o = options();
  o.idempotency_header = "IdempotencyKey";
  TokenManager m(client(), o);
  Request req;
  req.url = fault.str("api_url") + "/payments";
  req.method = "POST";
  auto key_of = [](const Response &r) {
    cJSON *root = cJSON_Parse(r.body.c_str());
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(root, "headers");
    std::string value;
    for (const cJSON *h = headers != nullptr ? headers->child : nullptr; h != nullptr; h = h->next)
      if (header_name_equal(h->string, "IdempotencyKey") && cJSON_IsString(h)) value = h->valuestring;
    cJSON_Delete(root);
    return value;
  };
  Response a = m.request(req), b = m.request(req);
  REQUIRE(a.status == 200);
  std::string ka = key_of(a), kb = key_of(b);
  CHECK(ka.size() == 36);
  CHECK(ka[14] == '4');
  CHECK(ka != kb);
  req.set_header("IdempotencyKey", "caller-chosen");
  CHECK(key_of(m.request(req)) == "caller-chosen");
}
