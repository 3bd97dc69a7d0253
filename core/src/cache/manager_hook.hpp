// Internal: the token manager's two hooks into the shared cache (its refresh and its invalidation).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "cache/shared_cache.hpp"
#include "m2mauth/core/shared_cache.hpp"

namespace m2mauth::core {

// The refresh of scope's token through the shared cache (SharedTokenCache::fetch).
inline Token shared_fetch(SharedTokenCache &cache, const TokenClient &client, const TokenScope &scope,
                          std::string_view held, std::int64_t skew_ms, const Cancel *cancel,
                          const std::function<Token()> &local, const SharedTokenCache::Note &note) {
  return cache.fetch(shared_cache_key(client.config(), scope, cache.prefix()), held, skew_ms, client.clock(), cancel,
                     local, note);
}

// After an invalidation of token (a 401): its shared entry goes too, if it still holds it.
inline void shared_invalidated(SharedTokenCache &cache, const TokenClient &client, const TokenScope &scope,
                               std::string_view token) {
  cache.invalidated(shared_cache_key(client.config(), scope, cache.prefix()), token);
}

}  // namespace m2mauth::core
