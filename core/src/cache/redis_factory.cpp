// The `redis` store's factory: the Redis store (redis_store.hpp) for the cache section's url, or
// Error(unsupported) "redis support not built" in a build without hiredis (M2MAUTH_WITH_REDIS). It
// connects at once (bounded by fallback_ms) so that a refused AUTH is an Error(config) at start.
#include "cache/redis_store.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/shared_cache.hpp"

namespace m2mauth::core {

std::unique_ptr<SharedStore> make_redis_store(const SharedCacheOptions &options) {
  cache::RedisStoreOptions o;
  o.url = options.url;
  // A wrong password is a configuration error when the manager is made (a server that is down is not).
  o.probe_ms = options.fallback_ms;
  return cache::make_redis_store(o);
}

}  // namespace m2mauth::core
