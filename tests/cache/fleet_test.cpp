// Fleets of real processes sharing one token through the file cache, against the loopback token
// server (tests/servers/fault_server.py) with 2-second tokens: the lease holder killed mid-refresh, a
// wrong key and a corrupted entry, a refused directory. Every manager is built from the one
// configuration format (the cache section), as every language does. How the token requests scale
// with 1 to 64 processes is measured through the C API (tests/capi/fleet_file_test.cpp).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "fleet.hpp"
#include "loopback.hpp"
#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/config.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "temp_dir.hpp"

using namespace m2mauth::core;
using namespace m2mauth_test;

namespace {

constexpr int kTokenTtlS = 2;

Servers &servers() {
  static Servers instance({"fault"}, {"fault.token_ttl=" + std::to_string(kTokenTtlS)});
  return instance;
}

const std::string kKeyA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kKeyB = "f00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::string config_json(const std::string &cache_dir, const std::string &key, std::int64_t lease_ms = 1000) {
  if (cache_dir.empty()) return fleet_config_json(servers()["fault"], "");
  return fleet_config_json(servers()["fault"], R"({"kind":"file","path":")" + cache_dir + R"(","key":")" + key +
                                                   R"(","lease_ms":)" + std::to_string(lease_ms) +
                                                   R"(,"fallback_ms":100})");
}

int stat_of(const char *name) { return fault_stat(servers()["fault"], name); }

void reset_server(const std::string &script = "[]") { reset_fault(servers()["fault"], script); }

pid_t spawn(const std::string &config, int threads, int run_ms, const std::string &out_file = "") {
  return spawn_reader(config, threads, run_ms, out_file);
}

}  // namespace

TEST_CASE("fleet: the lease holder killed mid-refresh: another takes over after the lease, one token for all") {
  TempDir tmp("m2mauth-fleet");
  const std::string dir = tmp.path + "/c";
  reset_server(R"([{"delay_ms":8000}])");  // the first token request hangs
  const std::string cfg = config_json(dir, kKeyA, 1000);
  pid_t holder = spawn(cfg, 1, 9000);
  for (int i = 0; i < 200 && stat_of("token_requests") < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(stat_of("token_requests") == 1);  // the holder's request is in flight, under the lease
  const auto start = std::chrono::steady_clock::now();
  pid_t waiter = spawn(cfg, 2, 300, tmp.path + "/waiter");
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  kill(holder, SIGKILL);
  CHECK(reap(holder) == 128 + SIGKILL);
  CHECK(reap(waiter) == 0);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < std::chrono::seconds(5));
  CHECK(stat_of("token_requests") == 2);  // the killed one and the takeover
  // Later processes take that token: no more requests.
  pid_t late = spawn(cfg, 2, 100, tmp.path + "/late");
  CHECK(reap(late) == 0);
  CHECK(stat_of("token_requests") == 2);
  CHECK(read_file(tmp.path + "/late") == read_file(tmp.path + "/waiter"));
}

TEST_CASE("fleet: a wrong key or a corrupted entry is ignored and replaced, no crash") {
  TempDir tmp("m2mauth-fleet");
  const std::string dir = tmp.path + "/c";
  reset_server();
  CHECK(reap(spawn(config_json(dir, kKeyA), 1, 50, tmp.path + "/a1")) == 0);
  CHECK(reap(spawn(config_json(dir, kKeyA), 1, 50, tmp.path + "/a2")) == 0);
  CHECK(stat_of("token_requests") == 1);
  CHECK(read_file(tmp.path + "/a1") == read_file(tmp.path + "/a2"));
  // Another key: the entry does not open; the process fetches and replaces it.
  CHECK(reap(spawn(config_json(dir, kKeyB), 1, 50, tmp.path + "/b1")) == 0);
  CHECK(stat_of("token_requests") == 2);
  CHECK(read_file(tmp.path + "/b1") != read_file(tmp.path + "/a1"));
  CHECK(reap(spawn(config_json(dir, kKeyB), 1, 50, tmp.path + "/b2")) == 0);
  CHECK(stat_of("token_requests") == 2);
  // Corrupted: flipped bytes and a truncated file.
  std::system(("for f in '" + dir + "'/*.tok; do printf '\\377\\377\\377\\377\\377\\377\\377\\377garbage' > \"$f\"; done").c_str());
  CHECK(reap(spawn(config_json(dir, kKeyB), 1, 50)) == 0);
  CHECK(stat_of("token_requests") == 3);
  std::system(("for f in '" + dir + "'/*.tok; do head -c 30 \"$f\" > \"$f.x\"; mv \"$f.x\" \"$f\"; done").c_str());
  CHECK(reap(spawn(config_json(dir, kKeyB), 1, 50)) == 0);
  CHECK(stat_of("token_requests") == 4);
}

TEST_CASE("fleet: a cache directory writable by others is refused at start with a config error") {
  TempDir tmp("m2mauth-fleet");
  const std::string dir = tmp.path + "/open";
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  REQUIRE(::chmod(dir.c_str(), 0777) == 0);
  Errc code = Errc::ok;
  std::string msg;
  try {
    make_token_manager(Config::from_json(config_json(dir, kKeyA), false));
  } catch (const Error &e) {
    code = e.code();
    msg = e.what();
  }
  CHECK(code == Errc::config);
  CHECK(msg.find("cache.path") != std::string::npos);
  // A key that is not 256 bits: a config error naming cache.key, at load time.
  code = Errc::ok;
  try {
    Config::from_json(config_json(tmp.path + "/ok", "abcd"), false);
  } catch (const Error &e) {
    code = e.code();
    msg = e.what();
  }
  CHECK(code == Errc::config);
  CHECK(msg.find("cache.key") != std::string::npos);
  CHECK(msg.find("abcd") == std::string::npos);
}
