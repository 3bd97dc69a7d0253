// Internal: the token manager's cached state, shared by its synchronous and asynchronous halves.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "m2mauth/core/token_manager.hpp"
#include "oauth2/token_counters.hpp"
#include "oauth2/token_keys.hpp"

namespace m2mauth::core {

// Token snapshots alive in the process (TokenManager::snapshots_alive).
inline std::atomic<std::size_t> &snapshot_count() noexcept {
  static std::atomic<std::size_t> count{0};
  return count;
}

// What is cached of a token: what callers read and nothing else (no refresh token, no raw
// token_type), in one heap string. About 100 bytes plus those strings.
struct TokenManager::Snapshot {
  Snapshot() { snapshot_count().fetch_add(1, std::memory_order_relaxed); }
  ~Snapshot() { snapshot_count().fetch_sub(1, std::memory_order_relaxed); }
  Snapshot(const Snapshot &) = delete;
  Snapshot &operator=(const Snapshot &) = delete;

  // "<scheme>\0<access token>\0<granted scope>", each NUL-terminated for the C API; wiped when the
  // snapshot goes.
  SecretString strings;
  std::int64_t expires_at_ms = 0;
  std::int64_t refresh_at_ms = 0;
  std::int64_t stale_at_ms = 0;
  std::uint64_t round = 0;        // the refresh round that fetched it (Entry::rounds after that round)
  std::uint32_t scheme_len = 0;
  std::uint32_t token_len = 0;
  bool short_lived = false;       // its lifetime is under min_fetch_interval_ms: served to that round's callers
  std::string issued_token_type;  // RFC 8693 answers only

  std::string_view scheme() const noexcept { return {strings.reveal().data(), scheme_len}; }
  std::string_view access_token() const noexcept { return {strings.reveal().data() + scheme_len + 1, token_len}; }
  std::string_view scope() const noexcept {
    const std::string &all = strings.reveal();
    return {all.data() + scheme_len + token_len + 2, all.size() - scheme_len - token_len - 2};
  }
  void set_strings(std::string_view scheme, std::string_view token, std::string_view scope) {
    std::string c;
    c.reserve(scheme.size() + token.size() + scope.size() + 2);
    c.append(scheme).push_back('\0');
    c.append(token).push_back('\0');
    c.append(scope);
    strings = SecretString(std::move(c));
    scheme_len = static_cast<std::uint32_t>(scheme.size());
    token_len = static_cast<std::uint32_t>(token.size());
  }
};

// One thread's snapshots of one manager, owned by the manager (which empties it when destroyed, so no
// token bytes outlive it) and referenced from the thread's TLS list. A read compares the key's
// generation counter with the slot's: unchanged means the thread's copy is current, so the fast path
// is a TLS load, an index, one acquire load and a clock compare, with no shared write at all. A
// slot's snapshot is replaced only by this thread's next read of the same key, so the views handed
// out stay valid until this thread's next call on the manager, however many other managers it reads.
struct TokenManager::Reader {
  struct Slot {
    const Entry *entry = nullptr;
    std::uint64_t generation = 0;
    std::shared_ptr<const Snapshot> snap;
    OwnCount hits;  // lock-free reads of this key served by this slot (stats())
  };
  explicit Reader(std::uint64_t id) : manager_id(id) {}
  std::atomic<std::uint64_t> manager_id;  // 0 once the manager is gone
  std::atomic<bool> thread_done{false};   // its thread has exited (set by the thread, release)
  std::vector<Slot> slots;                // by Entry::index: a slot per key up to the highest this thread read
};

struct TokenManager::Entry {
  Entry(TokenScope s, std::uint64_t h, std::size_t i) : scope(std::move(s)), hash(h), index(i) {}
  TokenScope scope;
  const std::uint64_t hash;   // TokenKeyRef::hash() of scope
  const std::size_t index;    // its place in Keys::entries and in every Reader's slots
  std::atomic<std::uint64_t> generation{1};

  std::mutex mu;
  std::condition_variable cv;
  std::shared_ptr<const TokenManager::Snapshot> current;  // guarded by mu
  bool in_flight = false;
  // The context of the caller whose read started the refresh in flight (telemetry::capture_context), for
  // the span of the token request the worker makes; null: none.
  std::shared_ptr<void> trace_parent;
  std::uint64_t rounds = 0;           // refresh rounds completed
  // When the last fetch started (set by refresh()): the next starts no sooner than + min_fetch_interval_ms.
  // Far in the past before the first, without overflowing when the interval is added.
  std::int64_t last_start_ms = std::numeric_limits<std::int64_t>::min() / 2;
  std::optional<Error> last_error;
  std::int64_t error_until_ms = 0;
  int failures = 0;
  bool ever_fetched = false;
  KeyCounters counters;  // stats()
};

struct TokenManager::Keys {
  std::mutex mu;  // adding a key
  KeyTable<Entry> table;
  std::vector<std::unique_ptr<Entry>> entries;  // by Entry::index
};

// A get_async caller waiting for a refresh, and its outcome once known.
struct TokenManager::Waiter {
  Entry *entry = nullptr;
  TokenCallback cb;
  std::shared_ptr<Cancel> cancel;
  std::uint64_t cancel_id = 0;
  std::chrono::steady_clock::time_point deadline;
  // stats(): when it was queued to wait for a token request; the wait is counted when it is completed.
  // Unset for a read completed at once (cached token, refused at once), which never waited.
  std::optional<std::chrono::steady_clock::time_point> waiting_since;
};

struct TokenManager::Ready {
  std::shared_ptr<Waiter> waiter;
  std::shared_ptr<const Snapshot> snap;  // the token, or
  std::optional<Error> error;            // why there is none
};

// The transient rule of the library (m2mauth_error_is_transient) applied to a fetch's failure.
inline bool transient_failure(const Error &e) noexcept { return is_transient(e.code(), e.transient()); }

inline TokenView view_of_snapshot(const TokenManager::Snapshot &s) {
  TokenView v{s.access_token(), s.scheme(), s.expires_at_ms, s.scope()};
  v.issued_token_type = s.issued_token_type;
  return v;
}

}  // namespace m2mauth::core
