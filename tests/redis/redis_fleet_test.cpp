// Fleets of real processes sharing one token through the Redis cache (redis-server on loopback),
// against the loopback token server (tests/servers/fault_server.py) with 2-second tokens: the token
// endpoint sees one process's requests for any number of processes; Redis killed mid-run (no API call
// fails, each process falls back) and restarted (sharing resumes); a wrong ACL password is a
// configuration error when the manager is made. Managers come from the one configuration format.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cache/redis_store.hpp"
#include "loopback.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/config.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "redis_server.hpp"

using namespace m2mauth::core;
using namespace m2mauth_test;

namespace {

constexpr int kTokenTtlS = 2;
const std::string kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

bool redis_or_skip() {
  if (!cache::redis_store_available()) {
    MESSAGE("skipped: built without the Redis store (M2MAUTH_WITH_REDIS)");
    REQUIRE_FALSE(RedisServer::required());
    return false;
  }
  if (!RedisServer::available()) {
    MESSAGE("skipped: redis-server is not on PATH");
    REQUIRE_FALSE(RedisServer::required());
    return false;
  }
  return true;
}

Servers &servers() {
  static Servers instance({"fault"}, {"fault.token_ttl=" + std::to_string(kTokenTtlS)});
  return instance;
}

// redis_url empty: no shared cache.
std::string config_json(const std::string &redis_url) {
  ServerInfo fault = servers()["fault"];
  std::string j = R"({"oauth2":{"token_url":")" + fault.str("token_endpoint") +
                  R"(","client_id":"svc-basic","auth_method":"client_secret_basic","client_secret":")" +
                  client_field("svc-basic", "client_secret") +
                  R"(","scope":"api.read","refresh_fraction":0.75,"refresh_margin_ms":0,"expiry_skew_ms":200,)"
                  R"("min_fetch_interval_ms":100,"wait_timeout_ms":10000})";
  if (!redis_url.empty())
    j += R"(,"cache":{"kind":"redis","url":")" + redis_url + R"(","key":")" + kKey +
         R"(","lease_ms":1000,"fallback_ms":100})";
  return j + "}";
}

int token_requests() {
  std::string s = control(servers()["fault"].str("control_url") + "/stats");
  auto p = s.find("\"token_requests\":");
  REQUIRE(p != std::string::npos);
  return std::stoi(s.substr(p + std::strlen("\"token_requests\":")));
}

void reset_server() {
  const std::string url = servers()["fault"].str("control_url");
  control(url + "/reset", "POST", "{}");
  control(url + "/script", "POST", "[]");
}

// The child: `threads` threads read the token for run_ms, every read must succeed with an unexpired
// token (exit status 0), whatever Redis does meanwhile.
[[noreturn]] void child(const std::string &config, int threads, int run_ms) {
  int rc = 0;
  try {
    auto manager = make_token_manager(Config::from_json(config, false));
    std::atomic<int> bad{0};
    std::vector<std::thread> ts;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
    for (int i = 0; i < threads; ++i)
      ts.emplace_back([&] {
        do {
          try {
            TokenView v = manager->get();
            if (v.access_token.empty() || system_now_ms() >= v.expires_at_ms) ++bad;
          } catch (...) {
            ++bad;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        } while (std::chrono::steady_clock::now() < end);
      });
    for (auto &t : ts) t.join();
    rc = bad.load() == 0 ? 0 : 2;
  } catch (...) {
    rc = 3;
  }
  std::fflush(nullptr);
  _exit(rc);
}

pid_t spawn(const std::string &config, int threads, int run_ms) {
  std::fflush(nullptr);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) child(config, threads, run_ms);
  return pid;
}

int reap(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<pid_t> spawn_fleet(int n, const std::string &config, int run_ms) {
  std::vector<pid_t> pids;
  for (int i = 0; i < n; ++i) pids.push_back(spawn(config, 4, run_ms));
  return pids;
}

int reap_fleet(const std::vector<pid_t> &pids) {
  int failed = 0;
  for (pid_t p : pids) failed += reap(p) != 0 ? 1 : 0;
  return failed;
}

}  // namespace

TEST_CASE("redis fleet: N processes cost one process's token requests with the Redis cache") {
  if (!redis_or_skip()) return;
  RedisServer redis;
  const int run_ms = 4 * kTokenTtlS * 1000 + 500;  // about five refreshes of 2-second tokens
  reset_server();
  CHECK(reap_fleet(spawn_fleet(1, config_json(""), run_ms)) == 0);
  const int one = token_requests();
  CHECK(one >= 4);
  std::printf("\nredis fleet: 2 s tokens, %d ms, 4 threads per process\n", run_ms);
  std::printf("| processes | token requests with the redis cache | with / one process without cache |\n");
  std::printf("|---|---|---|\n");
  for (int n : {1, 2, 8, 32, 64}) {
    reset_server();
    CHECK(reap_fleet(spawn_fleet(n, config_json(redis.url()), run_ms)) == 0);
    const int with = token_requests();
    std::printf("| %d | %d | %.2f |\n", n, with, static_cast<double>(with) / one);
    std::fflush(stdout);
    CHECK(with <= one + 1);
  }
}

TEST_CASE("redis fleet: Redis killed mid-run, no call fails, each process falls back; restarted, sharing resumes") {
  if (!redis_or_skip()) return;
  RedisServer redis;
  const int n = 8;
  reset_server();
  auto pids = spawn_fleet(n, config_json(redis.url()), 9000);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const int before = token_requests();
  redis.kill_now();
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));  // more than a token's lifetime
  const int during = token_requests() - before;
  redis.start();
  // Let every process's fallback token come due once more, then count one full lifetime.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const int resumed_at = token_requests();
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  const int after = token_requests() - resumed_at;
  CHECK(reap_fleet(pids) == 0);
  std::printf("\nredis fleet, %d processes: before the kill %d requests, during the 3 s outage %d, "
              "in 2 s after the restart settled %d\n", n, before, during, after);
  CHECK(before <= 2);
  CHECK(during >= n);  // each process fetched for itself
  CHECK(after <= 2);   // one fleet-wide refresh per lifetime again
}

TEST_CASE("redis fleet: a wrong ACL password is a configuration error when the manager is made") {
  if (!redis_or_skip()) return;
  RedisServer redis;
  Errc code = Errc::ok;
  std::string msg;
  try {
    make_token_manager(Config::from_json(config_json(redis.url("m2m:wrong-pw-4711")), false));
  } catch (const Error &e) {
    code = e.code();
    msg = e.what();
  }
  CHECK(code == Errc::config);
  CHECK(msg.find("wrong-pw-4711") == std::string::npos);
  // A strictly refused URL too (port out of range), and the right password works.
  code = Errc::ok;
  try {
    make_token_manager(Config::from_json(config_json("redis://m2m:m2m-pw@127.0.0.1:99999"), false));
  } catch (const Error &e) {
    code = e.code();
  }
  CHECK(code == Errc::config);
  CHECK(make_token_manager(Config::from_json(config_json(redis.url()), false)) != nullptr);
}
