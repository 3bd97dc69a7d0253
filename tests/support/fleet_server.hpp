// Test support: what every fleet of real processes needs besides its children, whatever the children
// link (the C++ core in fleet.hpp, libm2mauth.so through the C API in tests/capi): the configuration of
// a fleet process against the loopback fault server (tests/servers/fault_server.py), the server's
// counters and reset, and reaping the processes. Header-only; needs doctest and loopback.hpp's Servers.
#pragma once

#include <doctest/doctest.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cstring>
#include <string>
#include <vector>

#include "loopback.hpp"

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

// The child's exit status (128 + signal when killed), -1 if it cannot be reaped.
inline int reap(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// How many of pids did not exit with 0.
inline int reap_fleet(const std::vector<pid_t> &pids) {
  int failed = 0;
  for (pid_t p : pids) failed += reap(p) != 0 ? 1 : 0;
  return failed;
}

}  // namespace m2mauth_test
