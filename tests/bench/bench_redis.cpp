// The Redis store of the shared token cache on loopback (a redis-server started here, Debian's): what a
// shared hit costs (one GET round trip, then opening the sealed entry), next to a bare hiredis GET (the
// floor), and the lease and put round trips. A shared hit happens once per refresh per process, not per
// call: the in-process read (bench_token) is unchanged by the cache.
//   bench_redis [seconds per round, default 0.5]
#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "bench_util.hpp"
#include "cache/redis_store.hpp"
#include "cache/shared_cache.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/shared_cache.hpp"
#include "redis_server.hpp"

using namespace m2mauth::core;

int main(int argc, char **argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : bench::env_seconds(0.5);
  if (!m2mauth_test::RedisServer::available()) {
    std::printf("bench_redis: redis-server not on PATH, nothing measured\n");
    return 0;
  }
  m2mauth_test::RedisServer server;
  auto deadline = [] { return std::chrono::steady_clock::now() + std::chrono::milliseconds(1000); };

  cache::RedisStoreOptions o;
  o.url = server.url();
  auto store = cache::make_redis_store(o);
  const std::string entry(700, 'e');  // about a sealed entry holding a JWT access token
  store->put("bench:entry", entry, 600000, deadline());

  // The full shared hit through the cache's policy: GET, open (AES-256-GCM), decode.
  SharedTokenCache cache(cache::make_redis_store(o), SecretString(std::string(32, 'k')), "bench:", 5000, 50);
  const Clock clock = system_clock();
  auto local = [&] {
    Token t;
    t.access_token = SecretString("eyJhbGciOiJSUzI1NiJ9." + std::string(600, 'p') + ".sig");
    t.token_type = "Bearer";
    t.issued_at_ms = clock();
    t.expires_at_ms = t.issued_at_ms + 3600 * 1000;
    t.scope = "api.read";
    return t;
  };
  auto note = [](TokenEventKind) {};
  (void)cache.fetch("bench:key", "", 0, clock, nullptr, local, note);  // fetched here and published

  redisContext *raw = redisConnect("127.0.0.1", server.port());
  if (raw == nullptr || raw->err != 0) return 1;
  freeReplyObject(redisCommand(raw, "AUTH m2m m2m-pw"));

  auto rates = bench::compare_median(
      {[&] { freeReplyObject(redisCommand(raw, "GET bench:entry")); },
       [&] { (void)store->get("bench:entry", deadline()); },
       [&] { (void)cache.fetch("bench:key", "", 0, clock, nullptr, local, note); },
       [&] {
         (void)store->acquire("bench:lease", "me", 5000, deadline());
         store->release("bench:lease", "me", deadline());
       },
       [&] { store->put("bench:entry", entry, 600000, deadline()); }},
      5, seconds);
  redisFree(raw);
  const char *names[] = {"bare hiredis GET (the floor)", "RedisStore::get, 700-byte entry",
                         "shared hit: get + open + decode", "acquire + release (2 round trips)",
                         "put: SET PX + PUBLISH (pipelined)"};
  std::printf("Redis store on loopback, median of 5 rounds of %.2f s\n", seconds);
  std::printf("| operation | calls/s | us/call |\n|---|---|---|\n");
  for (std::size_t i = 0; i < rates.size(); ++i)
    std::printf("| %s | %.0f | %.1f |\n", names[i], rates[i], 1e6 / rates[i]);
  return 0;
}
