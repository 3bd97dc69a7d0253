// The C API fleet with the Redis cache (issue 14): N processes of a C program that uses only the public
// C API (c/fleet_child.c) share one token through a real redis-server on loopback: the token endpoint
// sees one process's requests per token lifetime for every N. Skips without redis-server or in a build
// without Redis support, unless CI is set. The no-cache side of the table is capi.fleet.file's (without a
// cache the kind plays no part); here only the one-process baseline runs without it.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "capi_fleet.hpp"
#include "m2mauth/m2mauth.h"
#include "redis_server.hpp"
#include "temp_dir.hpp"

using namespace m2mauth_test;

namespace {

// Whether this libm2mauth has the Redis store: a manager with a Redis cache is made through the C API
// (M2MAUTH_EUNSUPPORTED in a build without it).
bool library_has_redis(const std::string &config_json) {
  m2mauth_config *config = nullptr;
  REQUIRE(m2mauth_config_from_json(&config, config_json.c_str(), 0) == M2MAUTH_OK);
  m2mauth_token_manager *manager = nullptr;
  const m2mauth_status st = m2mauth_token_manager_new_from_config(&manager, config, nullptr);
  m2mauth_token_manager_free(manager);
  m2mauth_config_free(config);
  if (st != M2MAUTH_EUNSUPPORTED) REQUIRE(st == M2MAUTH_OK);
  return st == M2MAUTH_OK;
}

}  // namespace

TEST_CASE("C API fleet: N processes cost one process's token requests with the Redis cache") {
  if (!RedisServer::available()) {
    MESSAGE("skipped: redis-server is not on PATH");
    REQUIRE_FALSE(RedisServer::required());
    return;
  }
  RedisServer redis;
  TempDir tmp("m2mauth-capi-fleet");
  const std::string with_json = fleet_config_json(c_fleet_fault(), c_fleet_cache_json("redis", "url", redis.url()));
  if (!library_has_redis(with_json)) {
    MESSAGE("skipped: libm2mauth built without the Redis store (M2MAUTH_WITH_REDIS)");
    REQUIRE_FALSE(RedisServer::required());
    return;
  }
  const std::string plain = write_c_fleet_config(tmp.path, "plain.json", fleet_config_json(c_fleet_fault(), ""));
  const std::string cfg = write_c_fleet_config(tmp.path, "redis.json", with_json);
  const CFleetRun base = run_c_fleet(1, plain, tmp.path);
  const int one = base.requests;
  CHECK(one >= 4);
  print_c_fleet_header("redis");
  for (int n : c_fleet_sizes()) {
    const CFleetRun with = run_c_fleet(n, cfg, tmp.path);
    print_c_fleet_row(n, n == 1 ? one : -1, with);
    if (n >= 2) CHECK(with.shared_hit >= n - 1);  // every process but one took a token from the cache
    CHECK(with.requests <= c_fleet_bound(one, base.span_ms, with));  // one process's requests (see c_fleet_bound)
  }
}
