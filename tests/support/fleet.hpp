// Test support: fleets of real processes reading one token through the C++ core's token manager,
// against the loopback fault server (tests/servers/fault_server.py), as the shared-cache tests
// (tests/cache, tests/redis) run them. Each child reads the token from `threads` threads for run_ms;
// every read must give an unexpired token (exit status 0). The configuration, the server's counters and
// reaping are fleet_server.hpp's (shared with the C API fleet of tests/capi). Header-only.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "fleet_server.hpp"
#include "loopback.hpp"
#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/config.hpp"
#include "m2mauth/core/token_manager.hpp"

namespace m2mauth_test {

// The child process: never returns. Writes the SHA-256 (hex) of its last token to out_file if given.
[[noreturn]] inline void fleet_child(const std::string &config, int threads, int run_ms, const std::string &out_file) {
  using namespace m2mauth::core;
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
    if (!out_file.empty()) {
      std::string tok(manager->get().access_token);
      FILE *f = std::fopen(out_file.c_str(), "w");
      const std::string d = digest(HashAlg::sha256, tok);
      for (unsigned char c : d) std::fprintf(f, "%02x", c);
      std::fclose(f);
    }
    rc = bad.load() == 0 ? 0 : 2;
  } catch (...) {
    rc = 3;
  }
  std::fflush(nullptr);
  _exit(rc);
}

inline pid_t spawn_reader(const std::string &config, int threads, int run_ms, const std::string &out_file = "") {
  std::fflush(nullptr);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) fleet_child(config, threads, run_ms, out_file);
  return pid;
}

// n processes of 4 threads each, started at once.
inline std::vector<pid_t> spawn_fleet(int n, const std::string &config, int run_ms) {
  std::vector<pid_t> pids;
  for (int i = 0; i < n; ++i) pids.push_back(spawn_reader(config, 4, run_ms));
  return pids;
}

}  // namespace m2mauth_test
