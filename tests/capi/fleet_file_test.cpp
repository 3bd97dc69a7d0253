// The C API fleet with the file cache (issue 14): N processes of a C program that uses only the public
// C API (c/fleet_child.c) cost the token endpoint one process's requests per token lifetime for every
// N, N times that without the cache. Prints the table the README quotes.
#include <doctest/doctest.h>

#include <string>

#include "capi_fleet.hpp"
#include "temp_dir.hpp"

using namespace m2mauth_test;

TEST_CASE("C API fleet: N processes cost one process's token requests with the file cache, N times that without") {
  TempDir tmp("m2mauth-capi-fleet");
  const std::string plain = write_c_fleet_config(tmp.path, "plain.json", fleet_config_json(c_fleet_fault(), ""));
  const CFleetRun base = run_c_fleet(1, plain, tmp.path);
  const int one = base.requests;
  CHECK(one >= 4);
  print_c_fleet_header("file");
  for (int n : c_fleet_sizes()) {
    const std::string cache = c_fleet_cache_json("file", "path", tmp.path + "/c" + std::to_string(n));
    const std::string cfg =
        write_c_fleet_config(tmp.path, "file" + std::to_string(n) + ".json", fleet_config_json(c_fleet_fault(), cache));
    const CFleetRun with = run_c_fleet(n, cfg, tmp.path);
    int without = -1;
    if (n == 1)
      without = one;
    else if (n <= kCFleetMaxWithoutCache)
      without = run_c_fleet(n, plain, tmp.path).requests;
    print_c_fleet_row(n, without, with);
    if (n >= 2) CHECK(with.shared_hit >= n - 1);  // every process but one took a token from the cache
    CHECK(with.requests <= c_fleet_bound(one, base.span_ms, with));  // one process's requests (see c_fleet_bound)
    if (n >= 2 && without >= 0) CHECK(without >= n * (one - 1));  // without the cache, each fetches its own
  }
}
