// Test support: fleets of real processes reading one token through the token manager, against the
// loopback fault server (tests/servers/fault_server.py), as the shared-cache tests (tests/cache,
// tests/redis) run them. Each child reads the token from `threads` threads for run_ms; every read must
// give an unexpired token (exit status 0). Header-only; needs doctest and loopback.hpp's Servers.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "loopback.hpp"
#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/config.hpp"
#include "m2mauth/core/token_manager.hpp"

namespace m2mauth_test {

// The configuration of every fleet process: client svc-basic of the fault server, refreshed at 3/4 of
// the lifetime, plus `cache` (a JSON object, "" for none).
inline std::string fleet_config_json(ServerInfo fault, const std::string &cache) {
  std::string j = R"({"oauth2":{"token_url":")" + fault.str("token_endpoint") +
                  R"(","client_id":"svc-basic","auth_method":"client_secret_basic","client_secret":")" +
                  client_field("svc-basic", "client_secret") +
                  R"(","scope":"api.read","refresh_fraction":0.75,"refresh_margin_ms":0,"expiry_skew_ms":200,)"
                  R"("min_fetch_interval_ms":100,"wait_timeout_ms":10000})";
  if (!cache.empty()) j += R"(,"cache":)" + cache;
  return j + "}";
}

// A counter of the fault server's /stats ("token_requests", ...).
inline int fault_stat(ServerInfo fault, const char *name) {
  std::string s = control(fault.str("control_url") + "/stats");
  auto p = s.find(std::string("\"") + name + "\":");
  REQUIRE(p != std::string::npos);
  return std::stoi(s.substr(p + std::strlen(name) + 3));
}

inline void reset_fault(ServerInfo fault, const std::string &script = "[]") {
  const std::string url = fault.str("control_url");
  control(url + "/reset", "POST", "{}");
  control(url + "/script", "POST", script);
}

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

// The child's exit status (128 + signal when killed), -1 if it cannot be reaped.
inline int reap(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// n processes of 4 threads each, started at once.
inline std::vector<pid_t> spawn_fleet(int n, const std::string &config, int run_ms) {
  std::vector<pid_t> pids;
  for (int i = 0; i < n; ++i) pids.push_back(spawn_reader(config, 4, run_ms));
  return pids;
}

// How many of pids did not exit with 0.
inline int reap_fleet(const std::vector<pid_t> &pids) {
  int failed = 0;
  for (pid_t p : pids) failed += reap(p) != 0 ? 1 : 0;
  return failed;
}

}  // namespace m2mauth_test
