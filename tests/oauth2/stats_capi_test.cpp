// m2mauth_token_manager_stats* (issue 15) through the shipped library, against the fault server: real
// token requests that succeed, fail transiently and fail for good, and cached reads counted per thread.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback.hpp"
#include "m2mauth/m2mauth.h"

using namespace m2mauth_test;

namespace {

Servers &stats_servers() {
  static Servers instance({"fault"});
  return instance;
}

struct Fixture {
  m2mauth_http *http = nullptr;
  m2mauth_token_client *client = nullptr;
  m2mauth_token_manager *manager = nullptr;
  std::string secret;
  Fixture() {
    const auto fault = stats_servers()["fault"];
    control(fault.str("control_url") + "/reset", "POST", "{}");
    REQUIRE(m2mauth_http_new(&http, nullptr) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_client_new(&client, fault.str("token_endpoint").c_str(), "svc-post", http) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_CLIENT_SECRET_POST) == M2MAUTH_OK);
    secret = client_field("svc-post", "client_secret");
    REQUIRE(m2mauth_token_client_set_secret(client, secret.c_str()) == M2MAUTH_OK);
    m2mauth_token_manager_options o = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
    o.min_fetch_interval_ms = 0;
    o.backoff_base_ms = 1;
    o.backoff_max_ms = 50;
    o.permanent_backoff_ms = 0;
    REQUIRE(m2mauth_token_manager_new(&manager, client, &o) == M2MAUTH_OK);
  }
  ~Fixture() {
    m2mauth_token_manager_free(manager);
    m2mauth_token_client_free(client);
    m2mauth_http_free(http);
  }
  void script(const std::string &steps) {
    control(stats_servers()["fault"].str("control_url") + "/script", "POST", steps);
  }
};

uint64_t latency_total(const m2mauth_token_stats &s) {
  uint64_t n = 0;
  for (uint64_t b : s.refresh_latency) n += b;
  return n;
}

}  // namespace

TEST_CASE("C API stats: a transient failure, a fetch, cache hits on several threads") {
  Fixture f;
  m2mauth_token_stats s = M2MAUTH_TOKEN_STATS_INIT;
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.has_token == 0);
  CHECK(s.source == M2MAUTH_TOKEN_SOURCE_NONE);
  CHECK(s.requests_ok == 0);
  CHECK(latency_total(s) == 0);

  f.script(R"([{"status":503}])");
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);  // waits through the retry
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.requests_transient == 1);
  CHECK(s.requests_ok == 1);
  CHECK(s.requests_permanent == 0);
  CHECK(s.waits == 1);
  CHECK(s.wait_ms_total >= 0);
  CHECK(latency_total(s) == 2);
  CHECK(s.has_token == 1);
  CHECK(s.source == M2MAUTH_TOKEN_SOURCE_FETCHED);
  CHECK(s.expires_at_ms == v.expires_at_ms);
  CHECK(s.expires_in_ms > 0);
  CHECK(s.expires_in_ms <= 3600 * 1000);
  CHECK(s.refresh_at_ms > 0);
  CHECK(s.refresh_at_ms < s.expires_at_ms);
  CHECK(s.last_error_code == M2MAUTH_EHTTP);
  CHECK(s.last_http_status == 503);
  CHECK(s.last_error_category == m2mauth_error_category(M2MAUTH_EHTTP));
  const uint64_t hits_before = s.cache_hits;

  // 100 reads here and 100 on each of 3 threads (one of which has ended when stats are read).
  for (int i = 0; i < 100; ++i) REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&f] {
      m2mauth_token_view tv = M2MAUTH_TOKEN_VIEW_INIT;
      for (int i = 0; i < 100; ++i) REQUIRE(m2mauth_token_manager_get(&tv, f.manager) == M2MAUTH_OK);
    });
  for (auto &t : threads) t.join();
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.cache_hits == hits_before + 400);
  CHECK(s.requests_ok == 1);

  // A thread that reads after the others have gone retires their readers: their hits are kept.
  std::thread([&f] {
    m2mauth_token_view tv = M2MAUTH_TOKEN_VIEW_INIT;
    REQUIRE(m2mauth_token_manager_get(&tv, f.manager) == M2MAUTH_OK);
  }).join();
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.cache_hits == hits_before + 401);

  // Invalidated: no token, the next read fetches again ("refreshed").
  REQUIRE(m2mauth_token_manager_invalidate(f.manager, nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.has_token == 0);
  CHECK(s.expires_at_ms == 0);
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.source == M2MAUTH_TOKEN_SOURCE_REFRESHED);
  CHECK(s.requests_ok == 2);
}

TEST_CASE("C API stats: another key, a permanent failure, the JSON of every key, no secret") {
  Fixture f;
  m2mauth_token_stats s = M2MAUTH_TOKEN_STATS_INIT;
  CHECK(m2mauth_token_manager_stats_for(&s, f.manager, "read", nullptr, nullptr) == M2MAUTH_ENOTFOUND);

  f.script(R"([{"status":400,"error":"invalid_scope"}])");
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  CHECK(m2mauth_token_manager_get_for(&v, f.manager, "read", nullptr, "https://api.example/") == M2MAUTH_EOAUTH);
  REQUIRE(m2mauth_token_manager_stats_for(&s, f.manager, "read", nullptr, "https://api.example/") == M2MAUTH_OK);
  CHECK(s.requests_permanent == 1);
  CHECK(s.requests_ok == 0);
  CHECK(s.has_token == 0);
  CHECK(s.last_error_code == M2MAUTH_EOAUTH);
  CHECK(s.last_http_status == 400);
  CHECK(std::string(s.last_oauth_error) == "invalid_scope");
  CHECK(s.last_error_category == M2MAUTH_CATEGORY_OAUTH_REFUSAL);

  REQUIRE(m2mauth_token_manager_get_for(&v, f.manager, "read", nullptr, "https://api.example/") == M2MAUTH_OK);
  REQUIRE(m2mauth_token_manager_stats_for(&s, f.manager, "read", nullptr, "https://api.example/") == M2MAUTH_OK);
  CHECK(s.requests_ok == 1);
  CHECK(s.source == M2MAUTH_TOKEN_SOURCE_FETCHED);
  CHECK(std::string(s.last_oauth_error) == "invalid_scope");  // kept after the success
  // The configured key saw none of it.
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.requests_ok + s.requests_permanent + s.requests_transient == 0);

  m2mauth_buf json = M2MAUTH_BUF_INIT;
  REQUIRE(m2mauth_token_manager_stats_json(&json, f.manager) == M2MAUTH_OK);
  const std::string text(reinterpret_cast<const char *>(json.ptr), json.size);
  m2mauth_buf_dispose(&json);
  CHECK(text.rfind(R"({"client_id":"svc-post","keys":[{"scope":"")", 0) == 0);
  CHECK(text.find(R"("configured":true)") != std::string::npos);
  CHECK(text.find(R"("scope":"read","audience":"","resources":["https://api.example/"])") != std::string::npos);
  CHECK(text.find(R"("last_oauth_error":"invalid_scope")") != std::string::npos);
  CHECK(text.find(R"("refresh_latency_bounds_ms":[5,10,25,50,100,250,500,1000,2500,5000,10000])") != std::string::npos);
  CHECK(text.find(R"("source":"fetched")") != std::string::npos);
  CHECK(text.find(f.secret) == std::string::npos);
  CHECK(text.find(std::string(v.access_token, v.access_token_len)) == std::string::npos);

  // The one key's JSON, looked up as m2mauth_token_manager_stats_for looks it up.
  REQUIRE(m2mauth_token_manager_stats_for_json(&json, f.manager, "read", nullptr, "https://api.example/") ==
          M2MAUTH_OK);
  const std::string one(reinterpret_cast<const char *>(json.ptr), json.size);
  m2mauth_buf_dispose(&json);
  CHECK(one.rfind(R"({"client_id":"svc-post","keys":[{"scope":"read","audience":"","resources":["https://api.example/"])",
                  0) == 0);
  CHECK(one.find(R"("configured":false)") != std::string::npos);
  CHECK(one.find(R"("requests_ok":1)") != std::string::npos);
  CHECK(one.find(R"("configured":true)") == std::string::npos);  // that key only
  CHECK(one.find(std::string(v.access_token, v.access_token_len)) == std::string::npos);
  // The same key without its resource is another key, never read: not found, and nothing in the buffer.
  CHECK(m2mauth_token_manager_stats_for_json(&json, f.manager, "read", nullptr, nullptr) == M2MAUTH_ENOTFOUND);
  CHECK(json.ptr == nullptr);
  CHECK(json.size == 0);
}

TEST_CASE("C API stats: versions, constants, NULL arguments") {
  m2mauth_token_stats s;
  CHECK(m2mauth_token_stats_init(&s, M2MAUTH_TOKEN_STATS_VERSION) == M2MAUTH_OK);
  CHECK(s.version == M2MAUTH_TOKEN_STATS_VERSION);
  CHECK(s.cache_hits == 0);
  CHECK(m2mauth_token_stats_init(&s, 99) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_stats_init(nullptr, 1) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_stats_latency_bound_ms(0) == 5);
  CHECK(m2mauth_token_stats_latency_bound_ms(10) == 10000);
  CHECK(m2mauth_token_stats_latency_bound_ms(11) == -1);
  CHECK(m2mauth_token_stats_latency_bound_ms(1000) == -1);
  CHECK(std::string(m2mauth_token_source_name(M2MAUTH_TOKEN_SOURCE_REFRESHED)) == "refreshed");
  CHECK(std::string(m2mauth_token_source_name(M2MAUTH_TOKEN_SOURCE_SHARED)) == "shared");
  CHECK(std::string(m2mauth_token_source_name(7)) == "");
  CHECK(m2mauth_token_manager_stats(&s, nullptr) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_manager_stats(nullptr, nullptr) == M2MAUTH_EINVAL);
  m2mauth_buf b = M2MAUTH_BUF_INIT;
  CHECK(m2mauth_token_manager_stats_json(&b, nullptr) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_manager_stats_for_json(&b, nullptr, "read", nullptr, nullptr) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_manager_stats_for_json(nullptr, nullptr, nullptr, nullptr, nullptr) == M2MAUTH_EINVAL);
  Fixture f;
  s.version = 2;
  CHECK(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_EINVAL);
}

// ---- get_async waits ------------------------------------------------------------------------------

namespace {

using Steady = std::chrono::steady_clock;

// One get_async's outcome and when its callback ran (steady clock).
struct AsyncOutcome {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  m2mauth_status status = 1;
  Steady::time_point at;
  static void cb(m2mauth_status st, const m2mauth_token_view *, const m2mauth_error *, void *payload) {
    auto *self = static_cast<AsyncOutcome *>(payload);
    std::lock_guard<std::mutex> lock(self->mu);
    self->status = st;
    self->at = Steady::now();
    self->done = true;
    self->cv.notify_all();
  }
  bool wait(int ms = 10000) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::milliseconds(ms), [this] { return done; });
  }
};

int64_t ms_since(Steady::time_point from, Steady::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count() + 1;  // rounded up
}

}  // namespace

TEST_CASE("C API stats: a get_async that waits adds its wait to waits and wait_ms_total, however it ends") {
  Fixture f;
  m2mauth_token_stats s = M2MAUTH_TOKEN_STATS_INIT;

  // Delivered: the token endpoint stalls 200 ms before answering.
  f.script(R"([{"delay_ms":200}])");
  AsyncOutcome got;
  const Steady::time_point called = Steady::now();
  REQUIRE(m2mauth_token_manager_get_async(f.manager, nullptr, &AsyncOutcome::cb, &got, nullptr) == M2MAUTH_OK);
  REQUIRE(got.wait());
  CHECK(got.status == M2MAUTH_OK);
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.waits == 1);
  CHECK(s.wait_ms_total >= 200);
  CHECK(s.wait_ms_total <= ms_since(called, got.at));  // counted by the time the callback runs
  CHECK(s.requests_ok == 1);
  const int64_t delivered_ms = s.wait_ms_total;

  // Served from the cache at once: a hit, not a wait.
  const uint64_t hits = s.cache_hits;
  AsyncOutcome cached;
  REQUIRE(m2mauth_token_manager_get_async(f.manager, nullptr, &AsyncOutcome::cb, &cached, nullptr) == M2MAUTH_OK);
  REQUIRE(cached.wait(0));
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.cache_hits == hits + 1);
  CHECK(s.waits == 1);
  CHECK(s.wait_ms_total == delivered_ms);

  // Cancelled after 200 ms while another key's token request hangs: the waited time counts too.
  f.script(R"([{"hang":true},{"hang":true}])");
  m2mauth_cancel *cancel = nullptr;
  REQUIRE(m2mauth_cancel_new(&cancel) == M2MAUTH_OK);
  m2mauth_call_options o = M2MAUTH_CALL_OPTIONS_INIT;
  o.cancel = cancel;
  AsyncOutcome cancelled;
  const Steady::time_point cancel_called = Steady::now();
  REQUIRE(m2mauth_token_manager_get_for_async(f.manager, "read", nullptr, nullptr, &o, &AsyncOutcome::cb, &cancelled,
                                              nullptr) == M2MAUTH_OK);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(cancelled.wait(0));
  m2mauth_cancel_request(cancel);
  REQUIRE(cancelled.wait());
  CHECK(cancelled.status == M2MAUTH_ECANCELLED);
  REQUIRE(m2mauth_token_manager_stats_for(&s, f.manager, "read", nullptr, nullptr) == M2MAUTH_OK);
  CHECK(s.waits == 1);
  CHECK(s.wait_ms_total >= 200);
  CHECK(s.wait_ms_total <= ms_since(cancel_called, cancelled.at));
  CHECK(s.requests_ok + s.requests_transient + s.requests_permanent == 0);  // its request still hangs
  m2mauth_cancel_free(cancel);
  const int64_t cancelled_ms = s.wait_ms_total;

  // Timed out (150 ms) on a third key: counted as well.
  m2mauth_call_options t = M2MAUTH_CALL_OPTIONS_INIT;
  t.timeout_ms = 150;
  AsyncOutcome timed;
  const Steady::time_point timed_called = Steady::now();
  REQUIRE(m2mauth_token_manager_get_for_async(f.manager, "write", nullptr, nullptr, &t, &AsyncOutcome::cb, &timed,
                                              nullptr) == M2MAUTH_OK);
  REQUIRE(timed.wait());
  CHECK(timed.status == M2MAUTH_ETIMEOUT);
  REQUIRE(m2mauth_token_manager_stats_for(&s, f.manager, "write", nullptr, nullptr) == M2MAUTH_OK);
  CHECK(s.waits == 1);
  CHECK(s.wait_ms_total >= 140);  // the deadline is set just before the wait starts: within a ms
  CHECK(s.wait_ms_total <= ms_since(timed_called, timed.at));
  std::printf("get_async wait_ms_total: delivered (200 ms stall) %lld, cancelled after 200 ms %lld, timed out at 150 ms %lld\n",
              static_cast<long long>(delivered_ms), static_cast<long long>(cancelled_ms),
              static_cast<long long>(s.wait_ms_total));

  // The configured key's figures did not move; the manager's free cancels the two hanging requests.
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.waits == 1);
  CHECK(s.wait_ms_total == delivered_ms);
}

// ---- clocks that disagree ------------------------------------------------------------------------

namespace {

int64_t real_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The client's clock: the real one shifted by *payload ms.
int64_t shifted_clock(void *payload) { return real_now_ms() + *static_cast<int64_t *>(payload); }

struct OffsetEvents {
  std::atomic<int> count{0};
  std::atomic<int64_t> offset{0};
  static void cb(const m2mauth_token_event *e, void *payload) {
    auto *self = static_cast<OffsetEvents *>(payload);
    if (e->kind != M2MAUTH_TOKEN_EVENT_CLOCK_OFFSET) return;
    self->offset = e->clock_offset_ms;
    ++self->count;
  }
};

}  // namespace

TEST_CASE("C API clocks: the server's Date behind by 5 minutes is measured, reported, and moves no expiry") {
  Fixture f;
  OffsetEvents events;
  REQUIRE(m2mauth_token_manager_set_event_cb(f.manager, &OffsetEvents::cb, &events, nullptr) == M2MAUTH_OK);
  f.script(R"([{"clock_offset_s":-300}])");
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  const int64_t before = real_now_ms();
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
  const int64_t ttl_ms = std::stoll(stats_servers()["fault"].str("token_ttl")) * 1000;
  CHECK(v.expires_at_ms >= before + ttl_ms);  // expires_in is a duration: no clock in it
  CHECK(v.expires_at_ms <= real_now_ms() + ttl_ms);
  m2mauth_token_stats s = M2MAUTH_TOKEN_STATS_INIT;
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.has_clock_offset == 1);
  CHECK(s.clock_offset_ms <= -298000);
  CHECK(s.clock_offset_ms >= -302000);
  for (int i = 0; i < 100 && events.count == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(events.count == 1);
  CHECK(events.offset == s.clock_offset_ms);
  CHECK(std::string(m2mauth_token_event_name(M2MAUTH_TOKEN_EVENT_CLOCK_OFFSET)) == "clock_offset");

  // In step again: an offset within the noise is 0, and no event.
  REQUIRE(m2mauth_token_manager_invalidate(f.manager, nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.clock_offset_ms == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(events.count == 1);
}

TEST_CASE("C API clocks: a JWT access token's exp, translated by the offset, caps the expiry") {
  // The server 10 minutes ahead; its JWT lives 5 minutes by exp although expires_in says the ttl.
  Fixture f;
  f.script(R"([{"jwt":true,"clock_offset_s":600,"jwt_lifetime_s":300}])");
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  const int64_t before = real_now_ms();
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
  // exp - offset = now + 300 s on this client's clock (not now + 900 s, exp read as if it were ours).
  CHECK(v.expires_at_ms >= before + 300000 - 2000);
  CHECK(v.expires_at_ms <= real_now_ms() + 300000 + 2000);
  m2mauth_token_stats s = M2MAUTH_TOKEN_STATS_INIT;
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.clock_offset_ms >= 598000);
  CHECK(s.clock_offset_ms <= 602000);
}

TEST_CASE("C API clocks: a client clock 10 minutes off either way serves the JWT for its life, no refresh loop") {
  for (int64_t shift : {int64_t{-600000}, int64_t{600000}}) {
    CAPTURE(shift);
    Fixture f;
    // The fixture's manager was made before the clock could be set: a new client and manager here.
    m2mauth_token_manager_free(f.manager);
    f.manager = nullptr;
    m2mauth_token_client_free(f.client);
    f.client = nullptr;
    const auto fault = stats_servers()["fault"];
    REQUIRE(m2mauth_token_client_new(&f.client, fault.str("token_endpoint").c_str(), "svc-post", f.http) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_client_set_auth_method(f.client, M2MAUTH_AUTH_CLIENT_SECRET_POST) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_client_set_secret(f.client, f.secret.c_str()) == M2MAUTH_OK);
    int64_t *payload = new int64_t(shift);
    REQUIRE(m2mauth_token_client_set_clock(f.client, &shifted_clock, payload,
                                           [](void *p) { delete static_cast<int64_t *>(p); }) == M2MAUTH_OK);
    m2mauth_token_manager_options o = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
    o.min_fetch_interval_ms = 0;
    REQUIRE(m2mauth_token_manager_new(&f.manager, f.client, &o) == M2MAUTH_OK);
    f.script(R"([{"jwt":true,"jwt_lifetime_s":300}])");  // the server's clock is the real one
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    for (int i = 0; i < 20; ++i) REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
    const int64_t client_now = real_now_ms() + shift;
    CHECK(v.expires_at_ms > client_now + 290000);  // on the client's clock: 5 minutes from its now
    CHECK(v.expires_at_ms <= client_now + 300000 + 2000);
    m2mauth_token_stats s = M2MAUTH_TOKEN_STATS_INIT;
    REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
    CHECK(s.requests_ok == 1);  // served, not refetched
    CHECK(s.cache_hits >= 19);
    CHECK(s.clock_offset_ms <= -shift + 2000);
    CHECK(s.clock_offset_ms >= -shift - 2000);
    CHECK(s.expires_in_ms > 290000);
  }
}

TEST_CASE("C API clocks: m2mauth_assertion_options version 2 has clock_skew_s; version 1 keeps working") {
  m2mauth_assertion_options o;
  REQUIRE(m2mauth_assertion_options_init(&o, M2MAUTH_ASSERTION_OPTIONS_VERSION) == M2MAUTH_OK);
  CHECK(o.version == 2);
  CHECK(o.clock_skew_s == 5);
  m2mauth_assertion_options v1;
  v1.clock_skew_s = 77;  // a version 1 caller's struct ends before it: init must not write it
  REQUIRE(m2mauth_assertion_options_init(&v1, 1) == M2MAUTH_OK);
  CHECK(v1.version == 1);
  CHECK(v1.lifetime_s == 120);
  CHECK(v1.clock_skew_s == 77);
  CHECK(m2mauth_assertion_options_init(&o, 3) == M2MAUTH_EINVAL);

  m2mauth_http *http = nullptr;
  REQUIRE(m2mauth_http_new(&http, nullptr) == M2MAUTH_OK);
  m2mauth_token_client *client = nullptr;
  REQUIRE(m2mauth_token_client_new(&client, stats_servers()["fault"].str("token_endpoint").c_str(), "svc-jwt", http) ==
          M2MAUTH_OK);
  CHECK(m2mauth_token_client_set_assertion(client, &v1) == M2MAUTH_OK);
  o.clock_skew_s = 301;
  CHECK(m2mauth_token_client_set_assertion(client, &o) == M2MAUTH_EINVAL);
  CHECK(std::string(m2mauth_error_last()->message).find("clock skew") != std::string::npos);
  o.clock_skew_s = -1;
  CHECK(m2mauth_token_client_set_assertion(client, &o) == M2MAUTH_EINVAL);
  o.clock_skew_s = 0;
  CHECK(m2mauth_token_client_set_assertion(client, &o) == M2MAUTH_OK);
  m2mauth_token_client_free(client);
  m2mauth_http_free(http);
}

// m2mauth_token_view version 3: where a caller that serves a token from its own copy counts that read.
// Each key has its own counters, one cache line each, summed into that key's cache_hits (the struct,
// the JSON and the m2mauth.token.cache.hits metric); the library never writes them.
TEST_CASE("C API stats: the view's reuse-hit counters are this key's cache hits") {
  Fixture f;
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(v.version == 3);
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);  // the fetch: a wait, not a hit
  REQUIRE(v.fresh_until_ms > 0);
  REQUIRE(v.reuse_hits != nullptr);
  CHECK(v.reuse_hits_count >= 4);  // twice the hardware threads, 4 to 32
  CHECK(v.reuse_hits_count <= 32);
  CHECK((v.reuse_hits_count & (v.reuse_hits_count - 1)) == 0);
  CHECK(v.reuse_hits_stride == 64);
  CHECK(reinterpret_cast<std::uintptr_t>(v.reuse_hits) % 64 == 0);
  uint64_t *mine = v.reuse_hits;
  const size_t count = v.reuse_hits_count, stride = v.reuse_hits_stride;
  m2mauth_token_view w = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get_for(&w, f.manager, "read", nullptr, nullptr) == M2MAUTH_OK);
  REQUIRE(w.reuse_hits != nullptr);
  CHECK(w.reuse_hits != mine);  // another key, other counters
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
  CHECK(v.reuse_hits == mine);  // the same key, the same counters, for the manager's life

  m2mauth_token_stats s = M2MAUTH_TOKEN_STATS_INIT;
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  const uint64_t before = s.cache_hits;
  // Four threads serve the token from their own copies, as a binding's fast path does.
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 4; ++t)
    threads.emplace_back([mine, stride, t] {
      auto *p = reinterpret_cast<uint64_t *>(reinterpret_cast<unsigned char *>(mine) + t * stride);
      for (int i = 0; i < 1000; ++i) __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
    });
  for (auto &t : threads) t.join();
  __atomic_fetch_add(reinterpret_cast<uint64_t *>(reinterpret_cast<unsigned char *>(mine) + (count - 1) * stride), 5,
                     __ATOMIC_RELAXED);
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.cache_hits == before + 4005);
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);  // the library's own hit still counts
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.cache_hits == before + 4006);

  m2mauth_token_stats other = M2MAUTH_TOKEN_STATS_INIT;
  REQUIRE(m2mauth_token_manager_stats_for(&other, f.manager, "read", nullptr, nullptr) == M2MAUTH_OK);
  CHECK(other.cache_hits == 0);
  __atomic_fetch_add(w.reuse_hits, 7, __ATOMIC_RELAXED);
  REQUIRE(m2mauth_token_manager_stats_for(&other, f.manager, "read", nullptr, nullptr) == M2MAUTH_OK);
  CHECK(other.cache_hits == 7);
  REQUIRE(m2mauth_token_manager_stats(&s, f.manager) == M2MAUTH_OK);
  CHECK(s.cache_hits == before + 4006);

  m2mauth_buf json = M2MAUTH_BUF_INIT;
  REQUIRE(m2mauth_token_manager_stats_json(&json, f.manager) == M2MAUTH_OK);
  const std::string text(reinterpret_cast<const char *>(json.ptr), json.size);
  m2mauth_buf_dispose(&json);
  CHECK(text.find("\"cache_hits\":" + std::to_string(before + 4006) + ",") != std::string::npos);
  CHECK(text.find("\"cache_hits\":7,") != std::string::npos);  // the "read" key

  // The metric the OpenTelemetry adapters export reads the same stats (this manager is the only one alive).
  REQUIRE(m2mauth_telemetry_metrics_json(&json) == M2MAUTH_OK);
  const std::string metrics(reinterpret_cast<const char *>(json.ptr), json.size);
  m2mauth_buf_dispose(&json);
  const std::size_t at = metrics.find("\"name\":\"m2mauth.token.cache.hits\"");
  REQUIRE(at != std::string::npos);
  const std::string instrument = metrics.substr(at, metrics.find("\"name\":\"", at + 1) - at);
  CHECK(instrument.find("\"value\":" + std::to_string(before + 4006)) != std::string::npos);
  CHECK(instrument.find("\"value\":7") != std::string::npos);

  // A version 2 caller's struct ends before these members: the library leaves that memory alone.
  m2mauth_token_view v2 = M2MAUTH_TOKEN_VIEW_INIT;
  v2.version = 2;
  v2.reuse_hits = reinterpret_cast<uint64_t *>(std::uintptr_t{0x5a5a});
  v2.reuse_hits_count = 77;
  v2.reuse_hits_stride = 99;
  REQUIRE(m2mauth_token_manager_get(&v2, f.manager) == M2MAUTH_OK);
  CHECK(v2.fresh_until_ms > 0);
  CHECK(reinterpret_cast<std::uintptr_t>(v2.reuse_hits) == 0x5a5a);
  CHECK(v2.reuse_hits_count == 77);
  CHECK(v2.reuse_hits_stride == 99);
}

// No reuse allowed (cache-hit events on: every read must reach the library) means no counters either.
TEST_CASE("C API stats: a view that must not be reused has no reuse-hit counters") {
  Fixture f;
  m2mauth_token_manager *events = nullptr;
  m2mauth_token_manager_options o = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
  o.report_cache_hits = 1;
  REQUIRE(m2mauth_token_manager_new(&events, f.client, &o) == M2MAUTH_OK);
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get(&v, events) == M2MAUTH_OK);
  CHECK(v.fresh_until_ms == 0);
  CHECK(v.generation == nullptr);
  CHECK(v.reuse_hits == nullptr);
  CHECK(v.reuse_hits_count == 0);
  CHECK(v.reuse_hits_stride == 0);
  m2mauth_token_manager_free(events);
}
