// The token manager: one cached token per request key, fresh for any number of threads at no cost.
//
// States of a cached token (README, "The token manager"):
//   fresh    now < refresh_at                      cached token; no lock, no allocation
//   due      refresh_at <= now < stale_at          cached token; the first caller starts the one refresh
//   expired  now >= stale_at, none, invalidated    callers wait (with a deadline) for the one refresh
// refresh_at = min(issued + fraction * lifetime, expires - margin), not before half the lifetime,
// minus random jitter; stale_at = expires - skew. Failures back off exponentially with jitter (and
// Retry-After, capped by backoff_max_ms); a still-valid token keeps being served; a permanent error is
// reported at once; a transient one is retried for a waiting caller within its deadline.
// Fetches of one key start at least min_fetch_interval_ms apart, whatever the lifetimes the server
// gives and however often tokens are invalidated: a token whose lifetime is shorter goes to the callers
// that waited for its fetch, and later callers wait (within their deadline) for the next allowed fetch.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "m2mauth/core/cancel.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/token_stats.hpp"

namespace m2mauth::core {

// Every value has one meaning, 0 included (durations in milliseconds, at most kMaxOptionMs).
struct ManagerOptions {
  double refresh_fraction = 0.75;          // refresh after this part of the lifetime, (0, 1]...
  std::int64_t refresh_margin_ms = 300000; // ...or this long before expiry, whichever is earlier; 0 = by fraction only
  std::int64_t expiry_skew_ms = 30000;     // stop using a token this long before it expires (<= lifetime/10); 0 = until expiry
  double jitter_fraction = 0.1;            // refresh up to this part of the lead time earlier, at random, [0, 0.5]; 0 = none
  std::int64_t wait_timeout_ms = 30000;    // how long a caller waits when no valid token exists; 0 = no limit
  std::int64_t backoff_base_ms = 1000;     // first delay after a transient failure, > 0
  std::int64_t backoff_max_ms = 60000;     // >= backoff_base_ms
  std::int64_t permanent_backoff_ms = 30000;  // after invalid_client & co., before asking again; 0 = at once
  std::int64_t min_fetch_interval_ms = 1000;  // fetches of one key start at least this far apart; 0 = no floor
  bool background_refresh = true;          // refreshes run on a manager thread (else on the first caller)
  bool report_cache_hits = false;          // emit cache_hit events (costs a call per read)
  std::size_t max_keys = 64;               // distinct scope/audience/resource keys, 1 to kMaxKeys
  static constexpr std::size_t kMaxKeys = 1000000;
  // request(): a header given a fresh UUID v4 per call unless the request has it (e.g. the BMP
  // API's "IdempotencyKey"); the 401 retry keeps the same value. Empty: none.
  std::string idempotency_header;

  // Throws Error(invalid_argument) naming the field for a value out of range.
  void validate() const;
  // The effective settings as compact JSON with the C struct's member names
  // ({"refresh_fraction":0.75,...,"caller_refresh":false,"report_cache_hits":false}). Validates first.
  std::string describe() const;
};

// clock_offset: see kClockOffsetEventMs; shared_hit: a refresh served from the shared cache; lease_wait: a
// refresh waited for another process's; shared_fallback: the shared cache failed or was too slow, the token
// was fetched locally.
enum class TokenEventKind {
  fetched = 1,
  refreshed = 2,
  failed = 3,
  cache_hit = 4,
  invalidated = 5,
  clock_offset = 6,
  shared_hit = 7,
  lease_wait = 8,
  shared_fallback = 9
};
// A clock_offset event follows a fetch whose answer shows the token server's clock more than this far
// from the client's (TokenClient::server_clock_offset_ms): client assertions (backdated a few seconds)
// and absolute times are then at risk.
inline constexpr std::int64_t kClockOffsetEventMs = 5000;

class SharedTokenCache;  // m2mauth/core/shared_cache.hpp

// Never carries a secret.
struct TokenEvent {
  TokenEventKind kind;
  const std::string *client_id;
  const std::string *scope;
  std::int64_t expires_at_ms = 0;
  int error_code = 0;      // Errc value for failed
  int http_status = 0;
  bool transient = false;
  std::int64_t retry_after_ms = 0;
  const std::string *oauth_error = nullptr;
  std::int64_t clock_offset_ms = 0;  // clock_offset: the server's clock minus the client's
  // fetched, refreshed, failed: how long getting the token took (steady clock; the token request,
  // its retries, or the shared cache's answer).
  std::int64_t duration_ms = 0;
};
using TokenEventCallback = std::function<void(const TokenEvent &)>;

// A key's reuse-hit counters: count counters, stride bytes (a cache line) apart from first. A caller
// that serves a token from its own copy adds 1 to one of them (a thread's pick) with a relaxed atomic
// add; stats() adds their sum to the key's cache_hits.
struct ReuseHitCounters {
  std::atomic<std::uint64_t> *first = nullptr;
  std::size_t count = 0;
  std::size_t stride = 0;
};

// What a caller reads: views valid until this thread's next call to the same manager (or its
// destruction). The manager owns what they point into, so freeing it leaves no token bytes behind.
struct TokenView {
  std::string_view access_token;
  std::string_view scheme;  // "Bearer" or "DPoP"
  std::int64_t expires_at_ms = 0;
  std::string_view scope;
  // A caller may keep its own copy of this token and reuse it without asking again while the system
  // clock (Unix ms) is before fresh_until_ms and *generation still equals generation_seen (an acquire
  // load; the counter lives as long as the manager and changes whenever this key's token is replaced
  // or invalidated). fresh_until_ms 0: do not reuse (a manager on another clock, cache-hit events on,
  // or a view delivered by a callback).
  std::int64_t fresh_until_ms = 0;
  const std::atomic<std::uint64_t> *generation = nullptr;
  std::uint64_t generation_seen = 0;
  // Where such a caller counts the reads it serves from its copy, so that stats() and the cache-hits
  // metric see them (ReuseHitCounters); lives as long as the manager; null whenever generation is.
  const ReuseHitCounters *reuse_hits = nullptr;
  std::string_view issued_token_type = {};  // RFC 8693 exchanges only (TokenManager::exchange); else empty
};

// Completion of get_async: view (valid during the call only) or error, exactly one of them non-null.
using TokenCallback = std::function<void(const TokenView *view, const Error *error)>;
// Completion of request_async: the response (the callee may move from it) or the error.
using ResponseCallback = std::function<void(Response *response, const Error *error)>;

class TokenManager {
 public:
  TokenManager(std::shared_ptr<TokenClient> client, ManagerOptions options = {});
  ~TokenManager();
  TokenManager(const TokenManager &) = delete;
  TokenManager &operator=(const TokenManager &) = delete;

  void set_event_callback(TokenEventCallback cb);

  // The token for the configured scope (or for another key). Throws the last fetch's Error when no
  // valid token can be had within wait_timeout_ms.
  TokenView get();
  TokenView get(const TokenScope &scope);
  // The same, the wait bounded by options.timeout_ms / deadline_ms (this client's clock) as well as
  // wait_timeout_ms, and given up with Error(cancelled) when options.cancel is requested. scope:
  // nullptr = the configured one. The refresh itself is shared and goes on.
  TokenView get(const TokenScope *scope, const CallOptions &options);
  // The same for a key given by borrowed strings: a lookup without allocation, O(1) in the number of
  // keys. options: nullptr = none.
  TokenView get(const TokenKeyRef &key, const CallOptions *options = nullptr);

  // An RFC 8693 token exchange, cached like any key (TokenClient::exchange makes the request): the
  // key holds the SHA-256 of the subject and actor tokens, never the tokens; the manager keeps the
  // exchange (tokens included, wiped with the manager) to refresh it, and serves the answer no longer
  // than the subject token's exp when it is a JWT. Each distinct exchange is one key (max_keys).
  // Throws Error(invalid_argument) from check_token_exchange before any request.
  TokenView exchange(const TokenExchange &exchange, const CallOptions *options = nullptr);

  // get() without parking a thread. cb runs exactly once: on this thread before get_async returns when
  // a valid token is cached (or the error is already known), otherwise on a manager thread when the
  // refresh completes, the wait times out, cancel is requested, or the manager is destroyed
  // (Error(cancelled)). cancel (may be null) replaces options.cancel and is kept alive until then.
  void get_async(const TokenScope *scope, const CallOptions &options, std::shared_ptr<Cancel> cancel, TokenCallback cb);
  // request() without parking a thread: the token as get_async, then the send on a small manager
  // worker pool; cb runs on a manager thread (or on this one for a failure known at once).
  void request_async(Request req, const CallOptions &options, std::shared_ptr<Cancel> cancel, ResponseCallback cb);

  // Token snapshots alive in the process (all managers): tests check that a destroyed manager leaves
  // none behind in any thread.
  static std::size_t snapshots_alive() noexcept;

  // Drops the cached token if it still is `token` (empty: whatever is cached), e.g. after a 401.
  void invalidate(std::string_view token = {});
  void invalidate(const TokenScope &scope, std::string_view token);

  // Sets Authorization: <scheme> <token>; returns the token used.
  std::string authorize(Request &req);
  // authorize + send; on 401 invalidates that token and retries once with a new one.
  // options bound the whole call (the wait for a token, both sends) and can cancel it.
  Response request(Request req, const CallOptions &options = {});

  // What this manager observed for the configured key (nullptr) or another one (as get() would look
  // it up), never a secret; std::nullopt for a key it never read. Takes locks: not for the hot path.
  std::optional<TokenStats> stats(const TokenScope *scope = nullptr);
  // Every key's, the configured key first, then in the order they were first read.
  std::vector<TokenStats> stats_all();

  const std::shared_ptr<TokenClient> &client() const noexcept { return client_; }
  const ManagerOptions &options() const noexcept { return options_; }
  // See ManagerOptions::idempotency_header (empty: none); set before the manager is shared between
  // threads. Throws Error(invalid_argument) for an invalid header name.
  void set_idempotency_header(std::string name);
  // The second-level cache shared by processes (m2mauth/core/shared_cache.hpp; null: none), consulted
  // when this manager's token is missing or due. Set before the manager is shared between threads.
  void set_shared_cache(std::shared_ptr<SharedTokenCache> cache);

  struct Snapshot;  // internal: one token as served
  struct Entry;     // internal
  struct Reader;    // internal: one thread's snapshots of this manager
  struct Waiter;    // internal: one get_async waiting for a refresh
  struct Ready;     // internal: a waiter's outcome, delivered by the dispatcher
  struct Keys;      // internal: the keys' table and the entries it owns

 private:
  Entry *entry_for(const TokenScope &scope);
  Entry *entry_for(const TokenKeyRef &key);
  Entry &entry_of(const TokenScope *scope);
  TokenView read(Entry &entry, const CallOptions *options = nullptr);
  TokenView slow_read(Entry &entry, const CallOptions *options);
  std::chrono::steady_clock::time_point wait_deadline(const CallOptions *options) const;
  std::int64_t next_start_ms(const Entry &entry) const;
  Error backoff_error(const Entry &entry, std::int64_t now_ms) const;
  static Error wait_timeout_error();
  static Error floor_error(std::int64_t retry_after_ms);
  void complete_waiters_locked(Entry &entry, std::int64_t now_ms);
  void stop_async();
  Reader &reader();
  TokenView keep(Entry &entry, std::shared_ptr<const Snapshot> snap, std::uint64_t generation);
  TokenView reusable_view(const Entry &entry, const Snapshot &snap, std::uint64_t generation_seen) const;
  static Entry *add_key_locked(Keys &keys, TokenScope scope);
  void start_refresh_locked(Entry &entry, std::unique_lock<std::mutex> &lock, bool background);
  void schedule_refresh_locked(Entry &entry, std::int64_t in_ms);
  bool start_delayed(Entry &entry);
  bool has_waiters(const Entry &entry);
  void refresh(Entry &entry);
  void worker_loop();
  void dispatch_loop();
  void send_loop();
  void ensure_dispatcher_locked();
  void post_send(std::function<void(bool stopping)> job);
  void deliver(Ready &ready, bool stopping);
  void emit(const TokenEvent &event);
  // stats (token_stats.cpp)
  TokenStats stats_of(Entry &entry);
  // shared: the token came from the shared cache (no request to the token endpoint was made by this process).
  void count_request(Entry &entry, std::chrono::steady_clock::time_point started, const Error *error, bool shared);
  static void retire_hits(const Reader &reader);
  void emit_clock_offset(const Entry &entry);
  std::int64_t now() const;       // the client's clock (precise)
  std::int64_t fast_now() const;  // the same, read coarsely when it is the system clock (the lock-free read)

  // *from_shared is set when the shared cache served the token.
  Token fetch_token(Entry &entry, const std::string &held, const CallOptions &call, bool *from_shared);

  std::shared_ptr<TokenClient> client_;
  ManagerOptions options_;
  std::shared_ptr<SharedTokenCache> shared_;  // the second level, or null
  std::uint64_t id_;
  bool system_clock_;
  std::int64_t clock_lag_ms_ = 0;  // how far fast_now() may lag now() (the coarse clock's resolution)
  Entry *default_entry_ = nullptr;  // the configured scope; also in keys_
  std::unique_ptr<Keys> keys_;      // every key read, freed with the manager

  std::mutex events_mutex_;
  std::shared_ptr<TokenEventCallback> on_event_;

  // Background refresh worker (started on first use).
  std::mutex worker_mutex_;
  std::condition_variable worker_cv_;
  std::vector<Entry *> queue_;
  struct Delayed {
    Entry *entry;
    std::chrono::steady_clock::time_point at;
  };
  std::vector<Delayed> delayed_;  // fetch retries for get_async waiters, started when due
  bool stopping_ = false;
  Cancel stop_;  // requested by the destructor: stops every transfer the manager runs
  std::thread worker_;

  // This manager's readers, one per thread that read it (see Reader).
  std::mutex readers_mutex_;
  std::vector<std::shared_ptr<Reader>> readers_;

  // get_async waiters and their outcomes, completed by the dispatcher thread (lock order: Entry::mu,
  // then dispatch_mutex_).
  std::mutex dispatch_mutex_;
  std::condition_variable dispatch_cv_;
  std::vector<std::shared_ptr<Waiter>> waiters_;
  std::vector<Ready> ready_;
  bool dispatch_stopping_ = false;
  std::thread dispatcher_;

  // request_async sends: a few threads, made on demand.
  std::mutex send_mutex_;
  std::condition_variable send_cv_;
  std::vector<std::function<void(bool)>> sends_;
  std::vector<std::thread> senders_;
  std::size_t idle_senders_ = 0;
  bool send_stopping_ = false;
};

}  // namespace m2mauth::core
