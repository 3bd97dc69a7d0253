// Token manager read path and refresh storm.
//
//   build/tests/bench/bench_token [seconds-per-round]
//
// Reads a cached, fresh token through TokenManager::get() on 1 and 2 threads, next to two common
// designs measured in the same run: a mutex around the cached token (golang.org/x/oauth2's
// reuseTokenSource, google-cloud-cpp) and a shared_ptr copy per read. Targets (README, "Performance"):
// <= 20 ns per read, no lock, no allocation, 2 threads >= 1.8x one. The storm: 64 threads find the
// token expired at once; exactly one token request must go out.
//
// The token endpoint here is an in-process Transport (the application-transport feature): the read
// path never touches the network, and the storm counts requests exactly.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "m2mauth/core/token_manager.hpp"

using namespace m2mauth::core;

namespace {

struct CountingTransport : Transport {
  std::atomic<int> requests{0};
  int delay_ms = 0;
  Response send(const Request &, const CallOptions &) override {
    int n = ++requests;
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    Response r;
    r.status = 200;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = "{\"access_token\":\"tok-" + std::to_string(n) + "-abcdefghijklmnopqrstuvwxyz0123456789\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
    return r;
  }
};

std::atomic<std::size_t> sinks{0};

// Reads per second over all threads, each thread calling fn (which returns a size) for `seconds`.
template <typename F>
double threaded_rate(int threads, double seconds, F fn) {
  std::atomic<bool> go{false}, stop{false};
  std::atomic<long> total{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < threads; ++i)
    ts.emplace_back([&] {
      while (!go.load()) {
      }
      long n = 0;
      std::size_t local = 0;  // per thread: a shared sink would bounce one cache line between cores
      while (!stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 256; ++k) local += fn();
        n += 256;
      }
      total += n;
      sinks.fetch_add(local, std::memory_order_relaxed);
    });
  auto start = std::chrono::steady_clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto &t : ts) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(total.load()) / elapsed;
}

template <typename F>
double best_rate(int threads, double seconds, int rounds, F fn) {
  double best = 0;
  for (int r = 0; r < rounds; ++r) best = std::max(best, threaded_rate(threads, seconds, fn));
  return best;
}

}  // namespace

int main(int argc, char **argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  const int rounds = 3;
  auto transport = std::make_shared<CountingTransport>();
  ClientConfig cfg;
  cfg.token_url = "https://as.example.com/token";
  cfg.client_id = "bench";
  cfg.client_secret = SecretString("bench-secret");
  auto client = std::make_shared<TokenClient>(cfg, transport);
  TokenManager manager(client);
  (void)manager.get();

  std::mutex mu;
  auto shared = std::make_shared<const std::string>(std::string(manager.get().access_token));

  std::printf("token read path: best of %d rounds of %.2f s\n", rounds, seconds);
  std::printf("%-34s %14s %14s %8s %9s\n", "design", "1 thread /s", "2 threads /s", "2t / 1t", "ns/read");
  auto row = [&](const char *name, auto fn) {
    double one = best_rate(1, seconds, rounds, fn);
    double two = best_rate(2, seconds, rounds, fn);
    std::printf("%-34s %14.0f %14.0f %7.2fx %9.2f\n", name, one, two, two / one, 1e9 / one);
  };
  row("m2mauth TokenManager::get()", [&] { return manager.get().access_token.size(); });
  row("a mutex around the cached token", [&] {
    std::lock_guard<std::mutex> lock(mu);
    return shared->size();
  });
  row("shared_ptr copy under a mutex", [&] {
    std::shared_ptr<const std::string> copy;
    {
      std::lock_guard<std::mutex> lock(mu);
      copy = shared;
    }
    return copy->size();
  });

  // Refresh storm: 64 threads find the token expired at once.

  {
    auto clock_ms = std::make_shared<std::atomic<std::int64_t>>(system_now_ms());
    auto storm_transport = std::make_shared<CountingTransport>();
    storm_transport->delay_ms = 50;
    auto storm_client = std::make_shared<TokenClient>(cfg, storm_transport, [clock_ms] { return clock_ms->load(); });
    TokenManager storm(storm_client);
    (void)storm.get();
    clock_ms->fetch_add(3600 * 1000);
    std::atomic<bool> go{false};
    std::vector<std::thread> ts;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 64; ++i)
      ts.emplace_back([&] {
        while (!go.load()) {
        }
        (void)storm.get();
      });
    go = true;
    for (auto &t : ts) t.join();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("refresh storm: 64 threads on an expired token -> %d token request(s) after the first, %.1f ms\n",
                storm_transport->requests.load() - 1, ms);
  }
  return 0;
}
