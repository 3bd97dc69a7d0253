// A token cache shared by processes (issue 14): the store behind the token manager's second level.
// The manager consults it only when its in-process token is missing or due; entries are sealed
// (AES-256-GCM, the cache key as associated data) before they reach a store, so a store only ever
// sees opaque bytes under a hashed key. Every call is bounded by its deadline and throws
// Error(timeout / network / io / config ...) on failure; the manager then falls back to fetching
// itself, so a store failure is never worse than no shared cache.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace m2mauth::core {

using StoreDeadline = std::chrono::steady_clock::time_point;

class SharedStore {
 public:
  virtual ~SharedStore() = default;

  // The sealed entry under key, or nullopt when there is none.
  virtual std::optional<std::string> get(const std::string &key, StoreDeadline deadline) = 0;
  // Stores value under key for ttl_ms (> 0) and wakes the processes waiting on key.
  virtual void put(const std::string &key, std::string_view value, std::int64_t ttl_ms, StoreDeadline deadline) = 0;
  // Takes the refresh lease of key for lease_ms when nobody holds it; true when owner now holds it.
  // A lease whose holder died is free again after lease_ms.
  virtual bool acquire(const std::string &key, const std::string &owner, std::int64_t lease_ms,
                       StoreDeadline deadline) = 0;
  // Gives the lease back, only if owner still holds it.
  virtual void release(const std::string &key, const std::string &owner, StoreDeadline deadline) = 0;
  // Deletes the entry only while it still is value (a 401 invalidation must not drop a newer token).
  virtual void remove_if(const std::string &key, std::string_view value, StoreDeadline deadline) = 0;
  // Waits until the entry under key is put again or the deadline passes (published for Redis, polled
  // with jitter otherwise); returns the entry then, or nullopt at the deadline.
  virtual std::optional<std::string> wait(const std::string &key, StoreDeadline deadline) = 0;
  // The kind and where it is, secrets redacted: {"kind":"redis","url":"redis://user:***@127.0.0.1:6379/0"}.
  virtual std::string describe() const = 0;
};

}  // namespace m2mauth::core
