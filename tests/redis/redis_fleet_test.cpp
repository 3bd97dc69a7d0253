// Fleets of real processes sharing one token through the Redis cache (redis-server on loopback),
// against the loopback token server (tests/servers/fault_server.py) with 2-second tokens: Redis killed
// mid-run (no API call fails, each process falls back) and restarted (sharing resumes); a wrong ACL
// password is a configuration error when the manager is made. Managers come from the one configuration
// format. How the token requests scale with 1 to 64 processes is measured through the C API
// (tests/capi/fleet_redis_test.cpp).
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
#include "code_of.hpp"
#include "fleet.hpp"
#include "loopback.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/config.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "redis_or_skip.hpp"
#include "redis_server.hpp"

using namespace m2mauth::core;
using namespace m2mauth_test;
using m2mtest::code_of;

namespace {

constexpr int kTokenTtlS = 2;
const std::string kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Servers &servers() {
  static Servers instance({"fault"}, {"fault.token_ttl=" + std::to_string(kTokenTtlS)});
  return instance;
}

// lease_ms 3 s: see tests/cache/fleet_test.cpp; fallback_ms 100, so that each process falls back at once
// when Redis is gone.
std::string config_json(const std::string &redis_url) {
  return fleet_config_json(servers()["fault"], R"({"kind":"redis","url":")" + redis_url + R"(","key":")" + kKey +
                                                   R"(","lease_ms":3000,"fallback_ms":100})");
}

int token_requests() { return fault_stat(servers()["fault"], "token_requests"); }

void reset_server() { reset_fault(servers()["fault"]); }

}  // namespace

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
  std::string msg;
  CHECK(code_of([&] { make_token_manager(Config::from_json(config_json(redis.url("m2m:wrong-pw-4711")), false)); },
                &msg) == Errc::config);
  CHECK(msg.find("wrong-pw-4711") == std::string::npos);
  // A strictly refused URL too (port out of range), and the right password works.
  CHECK(code_of([&] {
          make_token_manager(Config::from_json(config_json("redis://m2m:m2m-pw@127.0.0.1:99999"), false));
        }) == Errc::config);
  CHECK(make_token_manager(Config::from_json(config_json(redis.url()), false)) != nullptr);
}
