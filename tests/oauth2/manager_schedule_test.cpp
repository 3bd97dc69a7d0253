// The token manager's schedule under hostile lifetimes and failures, through an in-process transport
// that plays the token endpoint: random lifetimes from 0 to a day, 5xx with and without Retry-After
// (up to an hour), network failures, permanent errors, and a clock that jumps. Invariants: at most
// one token request in flight per key, an expired token is never served (except to the callers that
// waited for its fetch), fetches of one key start at least min_fetch_interval_ms apart, and no
// caller waits past its deadline. Also run under ThreadSanitizer (.ci/sanitize).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "m2mauth/core/token_manager.hpp"

using namespace m2mauth::core;
using namespace std::chrono_literals;

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Real time plus forward jumps the test makes: waits progress, and the clock can leap.
struct JumpingClock {
  std::shared_ptr<std::atomic<std::int64_t>> offset = std::make_shared<std::atomic<std::int64_t>>(1'700'000'000'000);
  Clock clock() const {
    auto o = offset;
    return [o] { return steady_ms() + o->load(); };
  }
  std::int64_t now() const { return steady_ms() + offset->load(); }
  void jump(std::int64_t ms) { offset->fetch_add(ms); }
};

// What the fake token endpoint answers next.
struct Outcome {
  int status = 200;               // 200: a token
  std::string expires_in = "60";  // JSON text of expires_in
  std::int64_t retry_after_s = -1;
  bool network = false;           // throw a network error instead of answering
  std::chrono::milliseconds stall{0};  // extra latency of this answer
  std::string error = "server_error";
};

// The token endpoint, in process. Records when each request starts, how many run at once, and the
// lifetime of every token it issued.
class EndpointTransport : public Transport {
 public:
  explicit EndpointTransport(JumpingClock clock) : clock_(clock) {}

  // The answer to the i-th request (from 0).
  std::function<Outcome(int)> script = [](int) { return Outcome{}; };
  std::chrono::milliseconds latency{2};

  Response send(const Request &, const CallOptions &) override {
    const int now_in = ++in_flight_;
    int seen = max_in_flight_.load();
    while (now_in > seen && !max_in_flight_.compare_exchange_weak(seen, now_in)) {
    }
    Outcome o = script(answered_++);
    {
      std::lock_guard<std::mutex> lock(mu_);
      starts_.push_back(clock_.now());
    }
    std::this_thread::sleep_for(latency + o.stall);
    --in_flight_;
    if (o.network) throw Error(Errc::network, "connection reset (test)");
    Response r;
    r.status = o.status;
    r.headers.push_back({"Content-Type", "application/json"});
    if (o.retry_after_s >= 0) r.headers.push_back({"Retry-After", std::to_string(o.retry_after_s)});
    if (o.status == 200) {
      const int n = ++issued_;
      {
        std::lock_guard<std::mutex> lock(mu_);
        lifetimes_[n] = std::stod(o.expires_in);
      }
      r.body = R"({"access_token":"tok)" + std::to_string(n) + R"(","token_type":"Bearer","expires_in":)" +
               o.expires_in + "}";
    } else {
      r.body = R"({"error":")" + o.error + R"("})";
    }
    return r;
  }

  int max_in_flight() const { return max_in_flight_.load(); }
  int issued() const { return issued_.load(); }
  int answered() const { return answered_.load(); }
  double lifetime_s(int token) {
    std::lock_guard<std::mutex> lock(mu_);
    return lifetimes_[token];
  }
  std::vector<std::int64_t> starts() {
    std::lock_guard<std::mutex> lock(mu_);
    return starts_;
  }

 private:
  JumpingClock clock_;
  std::atomic<int> in_flight_{0}, max_in_flight_{0}, issued_{0}, answered_{0};
  std::mutex mu_;
  std::vector<std::int64_t> starts_;
  std::map<int, double> lifetimes_;
};

// A token endpoint on its own jumping clock, answering script(i) to the i-th request.
struct Endpoint {
  JumpingClock clock;
  std::shared_ptr<EndpointTransport> transport = std::make_shared<EndpointTransport>(clock);
  explicit Endpoint(std::function<Outcome(int)> script = [](int) { return Outcome{}; }) {
    transport->script = std::move(script);
  }
};

int token_number(std::string_view token) { return std::stoi(std::string(token.substr(3))); }

std::shared_ptr<TokenClient> client_over(std::shared_ptr<Transport> t, const JumpingClock &clock) {
  ClientConfig cfg;
  cfg.token_url = "http://127.0.0.1:9/token";
  cfg.client_id = "svc";
  cfg.client_secret = SecretString(std::string("s3cret"));
  return std::make_shared<TokenClient>(cfg, std::move(t), clock.clock());
}

ManagerOptions schedule_options(std::int64_t floor_ms) {
  ManagerOptions o;
  o.min_fetch_interval_ms = floor_ms;
  o.wait_timeout_ms = 300;
  o.backoff_base_ms = 20;
  o.backoff_max_ms = 200;
  o.permanent_backoff_ms = 100;
  o.expiry_skew_ms = 1000;
  o.refresh_margin_ms = 2000;
  return o;
}

// Minimum gap between consecutive fetch starts (slack: a fetch's start is read in the transport,
// a moment after the manager decided it).
std::int64_t min_gap(const std::vector<std::int64_t> &starts) {
  std::int64_t gap = INT64_MAX;
  for (std::size_t i = 1; i < starts.size(); ++i) gap = std::min(gap, starts[i] - starts[i - 1]);
  return gap;
}

// Four threads call m.get() until `for_ms` has passed; on_error sees each Error. Returns the reads served.
template <typename OnError>
int read_from_four_threads(TokenManager &m, std::chrono::milliseconds for_ms, OnError on_error) {
  std::atomic<int> served{0};
  const auto end = std::chrono::steady_clock::now() + for_ms;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      while (std::chrono::steady_clock::now() < end) {
        try {
          m.get();
          ++served;
        } catch (const Error &e) {
          on_error(e);
        }
      }
    });
  for (auto &t : threads) t.join();
  return served.load();
}

}  // namespace

TEST_CASE("lifetimes of 0, 0.4 s and negative: one fetch per min_fetch_interval_ms, every caller served") {
  for (const char *lifetime : {"0", "0.4", "-5", "1"}) {
    for (bool caller_refresh : {false, true}) {
      CAPTURE(lifetime);
      CAPTURE(caller_refresh);
      Endpoint endpoint([lifetime](int) {
        Outcome o;
        o.expires_in = lifetime;
        return o;
      });
      auto &clock = endpoint.clock;
      auto &transport = endpoint.transport;
      ManagerOptions opts = schedule_options(200);
      opts.wait_timeout_ms = 1000;
      opts.background_refresh = !caller_refresh;
      TokenManager m(client_over(transport, clock), opts);
      std::atomic<int> failed{0};
      const auto begin = std::chrono::steady_clock::now();
      const int served = read_from_four_threads(m, 1200ms, [&failed](const Error &e) {
        // A refused lifetime is a protocol error, reported (at once) instead of a token.
        if (e.code() != Errc::protocol) FAIL_CHECK("unexpected error " << e.what());
        ++failed;
      });
      const auto starts = transport->starts();
      CHECK(transport->max_in_flight() == 1);
      // About 1.2 s with a 200 ms floor: a handful of fetches (not dozens or thousands).
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
      CHECK(static_cast<std::int64_t>(starts.size()) <= elapsed.count() / 200 + 1);
      if (starts.size() > 1) CHECK(min_gap(starts) >= 150);
      CHECK(served + failed > 0);
    }
  }
}

TEST_CASE("on the system clock a zero lifetime is served only to the callers that waited for its fetch") {
  // The manager reads a coarse clock on the system clock; a token that expires as it arrives must not
  // be served to later readers in the moment the coarse clock lags behind.
  Endpoint endpoint([](int) {
    Outcome o;
    o.expires_in = "0";
    return o;
  });
  ClientConfig cfg;
  cfg.token_url = "http://127.0.0.1:9/token";
  cfg.client_id = "svc";
  cfg.client_secret = SecretString(std::string("s3cret"));
  ManagerOptions opts = schedule_options(200);
  opts.wait_timeout_ms = 1000;
  TokenManager m(std::make_shared<TokenClient>(cfg, endpoint.transport), opts);  // the system clock
  const int served = read_from_four_threads(m, 1000ms, [](const Error &) {});
  const int fetches = endpoint.transport->answered();
  CHECK(fetches >= 2);
  // Each thread is served at most once per fetch it waited for (not thousands of reads of an expired token).
  CHECK(served <= 4 * fetches);
  CHECK(endpoint.transport->max_in_flight() == 1);
}

TEST_CASE("a cold start survives transient failures within the caller's deadline; a permanent one returns at once") {
  Endpoint flaky([](int i) {
    Outcome o;
    if (i == 0) o.status = 503;
    else if (i == 1) o.network = true;
    else if (i == 2) o.status = 500;
    return o;
  });
  ManagerOptions opts = schedule_options(0);
  opts.wait_timeout_ms = 5000;
  TokenManager m(client_over(flaky.transport, flaky.clock), opts);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(token_number(m.get().access_token) == 1);
  CHECK(flaky.transport->answered() == 4);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(flaky.transport->max_in_flight() == 1);

  // A permanent error is not retried: the caller learns it from the first answer.
  Endpoint refusing([](int) {
    Outcome o;
    o.status = 400;
    o.error = "invalid_client";
    return o;
  });
  TokenManager m2(client_over(refusing.transport, refusing.clock), opts);
  CHECK_THROWS_AS(m2.get(), Error);
  CHECK(refusing.transport->answered() == 1);

  // A deadline too short for the backoff gets the failure itself, not a timeout, and no more requests.
  Endpoint busy([](int) {
    Outcome o;
    o.status = 503;
    o.retry_after_s = 30;
    return o;
  });
  ManagerOptions short_wait = schedule_options(0);
  short_wait.backoff_max_ms = 60000;
  short_wait.wait_timeout_ms = 200;
  TokenManager m3(client_over(busy.transport, busy.clock), short_wait);
  try {
    m3.get();
    FAIL("expected the 503");
  } catch (const Error &e) {
    CHECK(e.transient());
    CHECK(e.detail().http_status == 503);
    CHECK(e.detail().retry_after_ms >= 29000);
  }
  CHECK(busy.transport->answered() == 1);
}

TEST_CASE("a deadline passing during a retry reports why the attempts failed, not a bare timeout") {
  for (bool caller_refresh : {false, true}) {
    CAPTURE(caller_refresh);
    auto retrying = std::make_shared<std::atomic<bool>>(false);
    Endpoint e([retrying](int i) {
      Outcome o;
      if (i == 0) {
        o.network = true;  // unreachable at first...
      } else {
        o.stall = std::chrono::milliseconds(1500);  // ...then a retry that outlives the deadline
        retrying->store(true);
      }
      return o;
    });
    ManagerOptions opts = schedule_options(0);
    opts.backoff_base_ms = 30;
    opts.backoff_max_ms = 30;
    opts.wait_timeout_ms = 500;
    opts.background_refresh = !caller_refresh;
    e.transport->latency = std::chrono::milliseconds(0);
    TokenManager m(client_over(e.transport, e.clock), opts);
    if (caller_refresh) {
      // The caller runs the retry itself: a second caller waits for it and its deadline passes.
      std::thread first([&m] {
        try {
          m.get();
        } catch (const Error &) {
        }
      });
      while (!retrying->load()) std::this_thread::sleep_for(1ms);
      try {
        m.get();
        FAIL("expected an error");
      } catch (const Error &err) {
        // This caller saw no failed attempt of its own: the retry is simply still running.
        CHECK(err.code() == Errc::timeout);
      }
      first.join();
    } else {
      try {
        m.get();
        FAIL("expected an error");
      } catch (const Error &err) {
        CHECK(err.code() == Errc::network);
        CHECK(err.transient());
      }
    }
  }
}

TEST_CASE("Retry-After is capped by backoff_max_ms") {
  Endpoint e([](int i) {
    Outcome o;
    if (i == 0) {
      o.status = 503;
      o.retry_after_s = 3600;
    }
    return o;
  });
  ManagerOptions opts = schedule_options(0);
  opts.backoff_max_ms = 300;
  opts.wait_timeout_ms = 3000;
  TokenManager m(client_over(e.transport, e.clock), opts);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(token_number(m.get().access_token) == 1);  // retried after 300 ms, not an hour
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(e.transport->answered() == 2);
}

TEST_CASE("wait_timeout_ms 0 waits without limit: a slow first fetch still serves the caller") {
  JumpingClock clock;
  auto transport = std::make_shared<EndpointTransport>(clock);
  transport->latency = 400ms;
  ManagerOptions opts = schedule_options(0);
  opts.wait_timeout_ms = 0;
  TokenManager m(client_over(transport, clock), opts);
  CHECK(token_number(m.get().access_token) == 1);
  // The per-call timeout still bounds the wait.
  m.invalidate();
  CallOptions call;
  call.timeout_ms = 100;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(m.get(nullptr, call), Error);
  CHECK(std::chrono::steady_clock::now() - t0 < 350ms);
}

TEST_CASE("async readers: short lifetimes and a transient cold start keep one request in flight and the floor") {
  Endpoint endpoint([](int i) {
    Outcome o;
    if (i == 0) o.status = 503;
    else o.expires_in = "0";
    return o;
  });
  auto &clock = endpoint.clock;
  auto &transport = endpoint.transport;
  ManagerOptions opts = schedule_options(150);
  opts.wait_timeout_ms = 2000;
  TokenManager m(client_over(transport, clock), opts);
  std::mutex mu;
  std::condition_variable cv;
  int done = 0, ok = 0;
  std::vector<std::string> errors;
  const int total = 40;
  for (int i = 0; i < total; ++i) {
    m.get_async(nullptr, CallOptions{}, nullptr, [&](const TokenView *v, const Error *e) {
      std::lock_guard<std::mutex> lock(mu);
      if (v != nullptr) ++ok;
      else errors.push_back(e->what());
      ++done;
      cv.notify_all();
    });
    std::this_thread::sleep_for(10ms);
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    CHECK(cv.wait_for(lock, 10s, [&] { return done == total; }));
    // The expires_in 0 answers are refused or served; the 503 was retried: nobody got the 503.
    for (const auto &e : errors) CHECK(e.find("503") == std::string::npos);
  }
  const auto starts = transport->starts();
  CHECK(transport->max_in_flight() == 1);
  if (starts.size() > 1) CHECK(min_gap(starts) >= 100);
  CHECK(starts.size() <= 1 + 400 / 150 + 2);
}

TEST_CASE("property: random lifetimes, failures and clock jumps keep the schedule's invariants") {
  const std::uint32_t seed = std::random_device{}();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 6; ++round) {
    JumpingClock clock;
    auto transport = std::make_shared<EndpointTransport>(clock);
    auto mix = std::make_shared<std::mt19937>(rng());
    auto mix_mu = std::make_shared<std::mutex>();
    transport->script = [mix, mix_mu](int) {
      std::lock_guard<std::mutex> lock(*mix_mu);
      std::uniform_int_distribution<int> pick(0, 99);
      Outcome o;
      const int p = pick(*mix);
      if (p < 10) o.status = 503;
      else if (p < 14) {
        o.status = 429;
        o.retry_after_s = std::uniform_int_distribution<int>(0, 3600)(*mix);
      } else if (p < 20) o.network = true;
      else if (p < 22) {
        o.status = 400;
        o.error = "invalid_client";
      } else {
        static const char *lifetimes[] = {"0", "0.4", "1", "2", "5", "30", "3600", "86400"};
        o.expires_in = lifetimes[std::uniform_int_distribution<int>(0, 7)(*mix)];
      }
      return o;
    };
    const std::int64_t floor_ms = 100;
    ManagerOptions opts = schedule_options(floor_ms);
    opts.background_refresh = round % 2 == 0;
    opts.jitter_fraction = 0.1;
    TokenManager m(client_over(transport, clock), opts);
    std::atomic<bool> stop{false};
    std::atomic<int> stale_served{0}, late{0}, served{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        while (!stop.load()) {
          const int issued_before = transport->issued();
          const std::int64_t clock_before = clock.now();
          const auto t0 = std::chrono::steady_clock::now();
          try {
            TokenView v = i == 3 ? m.get(nullptr, CallOptions{50, 0, 0, nullptr}) : m.get();
            ++served;
            // Expired before the call began, and not fetched during it: never allowed. A token whose
            // lifetime is under the floor goes to the callers that waited for its fetch, joiners included.
            const int tok = token_number(v.access_token);
            const bool short_lived = transport->lifetime_s(tok) * 1000 < static_cast<double>(floor_ms);
            if (v.expires_at_ms <= clock_before && tok <= issued_before && !short_lived) ++stale_served;
          } catch (const Error &) {
          }
          if (std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(opts.wait_timeout_ms + 250)) ++late;
        }
      });
    std::thread jumper([&] {
      std::mt19937 jr(static_cast<std::uint32_t>(rng()));
      while (!stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 60)(jr)));
        const int p = std::uniform_int_distribution<int>(0, 9)(jr);
        if (p == 0) clock.jump(std::uniform_int_distribution<int>(1000, 90000000)(jr));  // up to a day
        else if (p < 4) clock.jump(std::uniform_int_distribution<int>(0, 3000)(jr));
      }
    });
    std::this_thread::sleep_for(700ms);
    stop.store(true);
    for (auto &t : threads) t.join();
    jumper.join();
    CAPTURE(round);
    CHECK(transport->max_in_flight() == 1);
    CHECK(stale_served.load() == 0);
    CHECK(late.load() == 0);
    const auto starts = transport->starts();
    // The clock only jumps forward, so a gap can only look longer than it was; it can look shorter by
    // the time between the manager's decision and the transport's send (a thread hop on a busy machine).
    if (starts.size() > 1) CHECK(min_gap(starts) >= floor_ms / 2);
  }
}

TEST_CASE("keys added from many threads while others read: each key fetched once, every reader sees its token") {
  Endpoint e;
  e.transport->latency = std::chrono::milliseconds(0);
  ManagerOptions opts = schedule_options(0);
  opts.max_keys = 2001;
  opts.wait_timeout_ms = 10000;
  TokenManager m(client_over(e.transport, e.clock), opts);
  constexpr int kThreads = 6, kKeys = 2000;
  std::vector<std::map<int, std::string>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      // Each thread walks all keys from its own starting point, so the table grows under readers.
      for (int i = 0; i < kKeys; ++i) {
        const int k = (i + t * (kKeys / kThreads)) % kKeys;
        const std::string scope = "s" + std::to_string(k);
        const std::string_view res[] = {"https://r"};
        seen[static_cast<std::size_t>(t)][k] = std::string(m.get(TokenKeyRef{scope, "aud", res, 1}).access_token);
      }
    });
  for (auto &th : threads) th.join();
  CHECK(e.transport->issued() == kKeys);
  for (int t = 1; t < kThreads; ++t) CHECK(seen[static_cast<std::size_t>(t)] == seen[0]);
  // The owning form finds the same entries.
  TokenScope s{"s7", "aud", {"https://r"}};
  CHECK(std::string(m.get(s).access_token) == seen[0][7]);
  CHECK(e.transport->issued() == kKeys);
}
