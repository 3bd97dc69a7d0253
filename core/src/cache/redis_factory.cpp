// The `redis` store's factory. The Redis store itself (redis_store.{hpp,cpp}) replaces this file's
// body when it lands; until then a build has no Redis support.
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/shared_cache.hpp"

namespace m2mauth::core {

std::unique_ptr<SharedStore> make_redis_store(const SharedCacheOptions &) {
  fail(Errc::unsupported, "cache.kind: redis support not built");
}

}  // namespace m2mauth::core
