// Internal: the token manager's second level over a SharedStore (see m2mauth/core/shared_cache.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cache/seal.hpp"
#include "m2mauth/core/cancel.hpp"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/shared_store.hpp"
#include "m2mauth/core/token_manager.hpp"

namespace m2mauth::core {

class SharedTokenCache {
 public:
  using Note = std::function<void(TokenEventKind)>;

  SharedTokenCache(std::unique_ptr<SharedStore> store, SecretString key, std::string prefix, std::int64_t lease_ms,
                   std::int64_t fallback_ms);

  // A token for key: a valid shared entry other than `held` (the token this manager serves now, or
  // empty), else the one fetch of the fleet (under the lease: `local` runs here and its token is
  // published), else (store failure, or no entry within the lease) `local` run here. Errors of local
  // propagate. note reports shared_hit, lease_wait and shared_fallback.
  // cancel (may be null) ends a wait for another process with Error(cancelled).
  Token fetch(const std::string &key, std::string_view held, std::int64_t skew_ms, const Clock &clock,
              const Cancel *cancel, const std::function<Token()> &local, const Note &note);
  // After a 401: removes the shared entry only while it still holds token.
  void invalidated(const std::string &key, std::string_view token);

  const std::string &prefix() const noexcept { return prefix_; }
  std::string describe() const;
  SharedStore &store() noexcept { return *store_; }

 private:
  std::optional<Token> usable(const std::string &key, const std::string &sealed, std::string_view held,
                              std::int64_t skew_ms, std::int64_t now_ms);
  void remember(const std::string &key, std::string_view token, const std::string &sealed);
  StoreDeadline store_deadline() const;

  std::unique_ptr<SharedStore> store_;
  cache::Sealer sealer_;
  std::string prefix_;
  std::int64_t lease_ms_;
  std::int64_t fallback_ms_;
  std::string owner_;  // this cache's lease owner id (random)

  std::mutex mu_;
  struct Seen {
    std::string token_hash;  // SHA-256 of the token
    std::string sealed;      // the entry as stored
  };
  std::unordered_map<std::string, Seen> seen_;  // the last entry read or written per key
};

}  // namespace m2mauth::core
