// The C API fleet (issue 14): N real processes of tests/capi/c/fleet_child.c, a C program that uses
// only libm2mauth's public C API (configuration file, token manager from it, the token read from 4
// threads), started with fork and exec against the loopback fault server with 2-second tokens. The
// configuration, the server's counters and reaping are tests/support/fleet_server.hpp's, shared with the
// C++ fleets of tests/cache and tests/redis. Used by fleet_file_test.cpp and fleet_redis_test.cpp.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "fleet_server.hpp"
#include "loopback.hpp"

#ifndef M2MAUTH_FLEET_CHILD
#error "define M2MAUTH_FLEET_CHILD (the path of the fleet_child program)"
#endif

namespace m2mauth_test {

constexpr int kCFleetTokenTtlS = 2;
// About five refreshes of 2-second tokens.
constexpr int kCFleetRunMs = 4 * kCFleetTokenTtlS * 1000 + 500;
// The processes of each scaling run.
inline const std::vector<int> &c_fleet_sizes() {
  static const std::vector<int> sizes{1, 2, 8, 32, 64};
  return sizes;
}
// The largest fleet also run without a cache: N times one process's requests is plain arithmetic beyond
// it, and each such run costs kCFleetRunMs.
constexpr int kCFleetMaxWithoutCache = 8;

inline Servers &c_fleet_servers() {
  static Servers instance({"fault"}, {"fault.token_ttl=" + std::to_string(kCFleetTokenTtlS)});
  return instance;
}

inline ServerInfo c_fleet_fault() { return c_fleet_servers()["fault"]; }

// The cache section of a scaling run. lease_ms 3 s: on a loaded 2-core machine a holder's fetch can take
// over 1 s, and a lease taken over from a slow (not dead) holder costs one more request. fallback_ms 1 s:
// how long a process waits for the store before it fetches its own token; with the children 10 nice
// levels lower (spawn_c_fleet) that bound is met on a loaded machine. The table's last column counts the fallbacks.
inline std::string c_fleet_cache_json(const std::string &kind, const std::string &where_field,
                                      const std::string &where) {
  return R"({"kind":")" + kind + R"(",")" + where_field + R"(":")" + where +
         R"(","key":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")"
         R"(,"lease_ms":3000,"fallback_ms":1000})";
}

// Writes a fleet configuration (it holds the client secret) to dir/name, mode 0600; returns the path.
inline std::string write_c_fleet_config(const std::string &dir, const std::string &name, const std::string &json) {
  const std::string path = dir + "/" + name;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  const bool written = ::write(fd, json.data(), json.size()) == static_cast<ssize_t>(json.size());
  ::close(fd);
  REQUIRE(written);
  return path;
}

// Starts n fleet_child processes (4 threads each, run_ms) on config_path at once; child i writes its
// event counts (its stdout) to out_dir/child-<i>.out. The children run 10 nice levels lower: the token
// server and redis-server stand for servers on other machines, and 64 processes of 4 threads on the same
// 2 cores must not starve them (a store call slower than fallback_ms is a local fetch: an extra token
// request that measures this machine's load, not the sharing).
inline std::vector<pid_t> spawn_c_fleet(int n, const std::string &config_path, int run_ms, const std::string &out_dir) {
  const std::string child = M2MAUTH_FLEET_CHILD, run = std::to_string(run_ms);
  std::vector<char *> argv{const_cast<char *>(child.c_str()), const_cast<char *>(config_path.c_str()),
                           const_cast<char *>("4"), const_cast<char *>(run.c_str()), nullptr};
  std::vector<std::string> outs;
  for (int i = 0; i < n; ++i) outs.push_back(out_dir + "/child-" + std::to_string(i) + ".out");
  std::fflush(nullptr);
  std::vector<pid_t> pids;
  for (int i = 0; i < n; ++i) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int fd = ::open(outs[static_cast<std::size_t>(i)].c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd < 0 || ::dup2(fd, 1) < 0) ::_exit(126);
      errno = 0;
      const int niced = ::nice(10);  // lowering one's priority is always allowed; its result changes nothing here
      (void)niced;
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  return pids;
}

// What a run measured: the token endpoint's requests, and the children's events summed.
struct CFleetRun {
  int requests = 0;         // the token endpoint's count (the fault server's /stats)
  long shared_hit = 0;      // refreshes served from the shared cache
  long lease_wait = 0;      // refreshes that waited for another process's
  long shared_fallback = 0; // refreshes fetched locally: the store failed or was slow, or a lease ran out
  long long span_ms = 0;    // from the first process's first read to the last one's last
};

// The bound of a fleet's token requests: one process's (one, over base_span_ms), 2 for the run's edges,
// and one per refresh period (3/4 of the 2 s lifetime) the fleet's reads spanned beyond one process's: 64
// processes forked one after the other on a loaded machine start up to seconds apart, and the fleet
// keeps refreshing until the last of them ends.
inline int c_fleet_bound(int one, long long base_span_ms, const CFleetRun &run) {
  constexpr long long kRefreshPeriodMs = 1500;
  const long long longer = std::max(0LL, run.span_ms - base_span_ms);
  return one + 2 + static_cast<int>((longer + kRefreshPeriodMs - 1) / kRefreshPeriodMs);
}

// A field "name=<n>" of a child's line.
inline long long c_fleet_field(const std::string &line, const std::string &name) {
  const auto p = line.find(name + "=");
  REQUIRE_MESSAGE(p != std::string::npos, "no ", name, " in a fleet child's output: ", line);
  return std::stoll(line.substr(p + name.size() + 1));
}

// One run: resets the server's counters, runs n processes for kCFleetRunMs, checks every process exited
// with 0 (every read gave an unexpired token) and reported its events.
inline CFleetRun run_c_fleet(int n, const std::string &config_path, const std::string &out_dir) {
  reset_fault(c_fleet_fault());
  CHECK_MESSAGE(reap_fleet(spawn_c_fleet(n, config_path, kCFleetRunMs, out_dir)) == 0, n, " processes: some failed");
  CFleetRun r;
  r.requests = fault_stat(c_fleet_fault(), "token_requests");
  long long first = 0, last = 0;
  for (int i = 0; i < n; ++i) {
    const std::string line = read_file(out_dir + "/child-" + std::to_string(i) + ".out");
    r.shared_hit += c_fleet_field(line, "shared_hit");
    r.lease_wait += c_fleet_field(line, "lease_wait");
    r.shared_fallback += c_fleet_field(line, "shared_fallback");
    const long long start = c_fleet_field(line, "start_ms"), end = c_fleet_field(line, "end_ms");
    first = i == 0 ? start : std::min(first, start);
    last = std::max(last, end);
  }
  r.span_ms = last - first;
  return r;
}

inline void print_c_fleet_header(const char *kind) {
  std::printf("\nC API fleet (%s cache): 2 s tokens, %d ms, 4 threads per process\n", kind, kCFleetRunMs);
  std::printf("| processes | token requests without cache | with the %s cache | refreshes from the cache | "
              "lease waits | local fallbacks | span of the reads (ms) |\n|---|---|---|---|---|---|---|\n", kind);
}

// without < 0: not run.
inline void print_c_fleet_row(int n, int without, const CFleetRun &with) {
  const std::string w = without >= 0 ? std::to_string(without) : "-";
  std::printf("| %d | %s | %d | %ld | %ld | %ld | %lld |\n", n, w.c_str(), with.requests, with.shared_hit,
              with.lease_wait, with.shared_fallback, with.span_ms);
  std::fflush(stdout);
}

}  // namespace m2mauth_test
