// The token manager: lock-free reads of a cached token, one refresh in flight per key, backoff.
#include "m2mauth/core/token_manager.hpp"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "dpop/attach.hpp"
#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/random.hpp"
#include "m2mauth/core/telemetry.hpp"
#include "m2mauth/core/token_exchange.hpp"
#include "cache/manager_hook.hpp"
#include "oauth2/token_manager_impl.hpp"

namespace m2mauth::core {

namespace {

std::atomic<std::uint64_t> next_manager_id{1};

std::int64_t coarse_now_ms() noexcept {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// How far the coarse clock may lag the precise one that stamps a token's issue and expiry: its
// resolution (a scheduler tick, typically 4 ms), in whole milliseconds, at least 1.
std::int64_t coarse_lag_ms() noexcept {
  struct timespec res;
  if (clock_getres(CLOCK_REALTIME_COARSE, &res) != 0) return 10;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(res.tv_sec) * 1000 + (res.tv_nsec + 999999) / 1000000);
}

bool is_system_clock(const Clock &clock) {
  auto target = clock.target<std::int64_t (*)() noexcept>();
  return target != nullptr && *target == &system_now_ms;
}

}  // namespace

namespace {

// The reader this thread used last (the fast path), and every reader it holds.
struct TlFast {
  std::uint64_t manager_id = 0;
  TokenManager::Reader *reader = nullptr;
};
thread_local TlFast tl_fast;
// At thread exit the readers are marked done (a release store) before they are dropped, so that the
// manager retiring them (retire_hits, under readers_mutex_) sees every slot this thread wrote.
struct TlReaders {
  std::vector<std::shared_ptr<TokenManager::Reader>> list;
  ~TlReaders() {
    for (auto &r : list) r->thread_done.store(true, std::memory_order_release);
  }
};
thread_local TlReaders tl_readers;

TokenView view_of(const TokenManager::Snapshot &s) { return view_of_snapshot(s); }

}  // namespace

std::size_t TokenManager::snapshots_alive() noexcept { return snapshot_count().load(std::memory_order_relaxed); }

TokenManager::TokenManager(std::shared_ptr<TokenClient> client, ManagerOptions options)
    : client_(std::move(client)),
      options_(options),
      id_(next_manager_id.fetch_add(1, std::memory_order_relaxed)),
      system_clock_(false) {
  if (!client_) fail(Errc::invalid_argument, "no token client");
  options_.validate();
  system_clock_ = is_system_clock(client_->clock());
  clock_lag_ms_ = system_clock_ ? coarse_lag_ms() : 0;
  keys_ = std::make_unique<Keys>();
  {
    std::lock_guard<std::mutex> lock(keys_->mu);
    TokenScope configured = client_->config().scope;
    if (client_->config().dpop) configured.dpop_jkt = client_->config().dpop->thumbprint();
    default_entry_ = add_key_locked(*keys_, std::move(configured));
  }
  // Last, and without the keys' lock: metrics_json takes the registry's lock, then each manager's keys'
  // lock (stats_all), so taking them here in the other order would invert that order. A constructor
  // that throws leaves nothing registered.
  telemetry::register_manager(this);
}

TokenManager::~TokenManager() {
  telemetry::unregister_manager(this);  // first: metrics_json reads no manager being torn down
  {
    std::lock_guard<std::mutex> lock(worker_mutex_);
    stopping_ = true;
  }
  stop_.request();  // wakes every transfer and wait of this manager at once
  worker_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  stop_async();
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    for (auto &r : readers_) {
      r->manager_id.store(0, std::memory_order_release);
      r->slots.clear();
    }
    readers_.clear();
  }
  keys_.reset();
}

void TokenManager::set_event_callback(TokenEventCallback cb) {
  std::lock_guard<std::mutex> lock(events_mutex_);
  on_event_ = cb ? std::make_shared<TokenEventCallback>(std::move(cb)) : nullptr;
}

void TokenManager::emit(const TokenEvent &event) {
  std::shared_ptr<TokenEventCallback> cb;
  {
    std::lock_guard<std::mutex> lock(events_mutex_);
    cb = on_event_;
  }
  if (cb) {
    try {
      (*cb)(event);
    } catch (...) {
      // an observer's failure never breaks token delivery
    }
  }
}

std::int64_t TokenManager::now() const { return client_->clock()(); }

std::int64_t TokenManager::fast_now() const { return system_clock_ ? coarse_now_ms() : client_->clock()(); }

std::uint64_t TokenKeyRef::key_hash_seed() noexcept {
  static const std::uint64_t seed = [] {
    std::uint64_t s = 0x243f6a8885a308d3ULL;
    try {
      random_fill(reinterpret_cast<std::uint8_t *>(&s), sizeof s);
    } catch (...) {
      // no randomness: a fixed seed still hashes well, only predictably
    }
    return s;
  }();
  return seed;
}

namespace {

// Borrows scope's strings (resources on the stack up to 4, the common case).
template <typename F>
auto with_key_ref(const TokenScope &scope, F &&fn) {
  std::string_view few[4];
  std::vector<std::string_view> many;
  const std::string_view *res = few;
  if (scope.resources.size() <= 4) {
    for (std::size_t i = 0; i < scope.resources.size(); ++i) few[i] = scope.resources[i];
  } else {
    many.assign(scope.resources.begin(), scope.resources.end());
    res = many.data();
  }
  return fn(TokenKeyRef{scope.scope, scope.audience, res, scope.resources.size(), scope.dpop_jkt, scope.exchange_key});
}

}  // namespace

TokenManager::Entry *TokenManager::add_key_locked(Keys &keys, TokenScope scope) {
  const std::uint64_t hash = with_key_ref(scope, [](const TokenKeyRef &k) { return k.hash(); });
  keys.entries.push_back(std::make_unique<Entry>(std::move(scope), hash, keys.entries.size()));
  Entry *e = keys.entries.back().get();
  keys.table.add_locked(e);
  return e;
}

TokenManager::Entry *TokenManager::entry_for(const TokenScope &scope) {
  return with_key_ref(scope, [this](const TokenKeyRef &k) { return entry_for(k); });
}

TokenManager::Entry *TokenManager::entry_for(const TokenKeyRef &requested) {
  // A token bound to a DPoP key is cached under that key's thumbprint (README, DPoP).
  TokenKeyRef key = requested;
  key.dpop_jkt = client_->config().dpop ? std::string_view(client_->config().dpop->thumbprint()) : std::string_view();
  const std::uint64_t hash = key.hash();
  if (Entry *e = keys_->table.find(hash, key)) return e;
  std::lock_guard<std::mutex> lock(keys_->mu);
  if (Entry *e = keys_->table.find(hash, key)) return e;  // added meanwhile
  if (keys_->entries.size() >= options_.max_keys)
    fail(Errc::too_large, "too many distinct token keys (scope, audience, resource) for one manager");
  return add_key_locked(*keys_, key.owned());
}

TokenView TokenManager::exchange(const TokenExchange &exchange, const CallOptions *options) {
  if (options != nullptr && options->cancel != nullptr && options->cancel->requested())
    fail(Errc::cancelled, "the token read was cancelled");
  check_token_exchange(exchange);
  // The key borrows the exchange's scope and is hashed once; a TokenScope is made only for a new key.
  const std::string exchange_key = token_exchange_key(exchange);
  TokenKeyRef key;
  key.scope = exchange.scope;
  key.exchange_key = exchange_key;
  const std::uint64_t hash = key.hash();
  Entry *entry = keys_->table.find(hash, key);
  if (entry == nullptr) {
    std::lock_guard<std::mutex> lock(keys_->mu);
    entry = keys_->table.find(hash, key);  // added meanwhile?
    if (entry == nullptr) {
      if (keys_->entries.size() >= options_.max_keys)
        fail(Errc::too_large, "too many distinct token keys (scope, audience, resource, exchange) for one manager");
      TokenScope scope = key.owned();
      scope.exchange = std::make_shared<const TokenExchange>(exchange);
      entry = add_key_locked(*keys_, std::move(scope));
    }
  }
  return read(*entry, options);
}

TokenView TokenManager::get() { return read(*default_entry_); }

TokenView TokenManager::get(const TokenScope &scope) { return read(*entry_for(scope)); }

TokenManager::Entry &TokenManager::entry_of(const TokenScope *scope) {
  return scope == nullptr ? *default_entry_ : *entry_for(*scope);
}

TokenView TokenManager::get(const TokenScope *scope, const CallOptions &options) {
  if (options.cancel != nullptr && options.cancel->requested()) fail(Errc::cancelled, "the token read was cancelled");
  return read(entry_of(scope), &options);
}

TokenView TokenManager::get(const TokenKeyRef &key, const CallOptions *options) {
  if (options != nullptr && options->cancel != nullptr && options->cancel->requested())
    fail(Errc::cancelled, "the token read was cancelled");
  return read(*entry_for(key), options);
}

TokenView TokenManager::read(Entry &entry, const CallOptions *options) {
  const TlFast &fast = tl_fast;
  if (fast.manager_id == id_ && entry.index < fast.reader->slots.size()) {
    Reader::Slot &slot = fast.reader->slots[entry.index];
    if (slot.entry == &entry && slot.generation == entry.generation.load(std::memory_order_acquire) &&
        fast_now() < slot.snap->refresh_at_ms) {
      slot.hits.bump();  // this thread's own slot: no shared write
      if (options_.report_cache_hits) {
        TokenEvent ev{TokenEventKind::cache_hit, &client_->config().client_id, &entry.scope.scope};
        ev.expires_at_ms = slot.snap->expires_at_ms;
        emit(ev);
      }
      return reusable_view(entry, *slot.snap, slot.generation);
    }
  }
  return slow_read(entry, options);
}

std::chrono::steady_clock::time_point TokenManager::wait_deadline(const CallOptions *options) const {
  std::int64_t wait = options_.wait_timeout_ms == 0 ? -1 : options_.wait_timeout_ms;  // -1: no limit
  auto bound = [&wait](std::int64_t ms) { wait = wait < 0 ? ms : std::min(wait, ms); };
  if (options != nullptr) {
    if (options->timeout_ms > 0) bound(options->timeout_ms);
    if (options->deadline_ms != 0) bound(std::max<std::int64_t>(0, options->deadline_ms - now()));
  }
  if (wait < 0) return std::chrono::steady_clock::time_point::max();
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(wait);
}

std::int64_t TokenManager::next_start_ms(const Entry &entry) const {
  std::int64_t at = entry.last_start_ms + options_.min_fetch_interval_ms;
  if (entry.last_error) at = std::max(at, entry.error_until_ms);
  return at;
}

namespace {

// Waits on cv until pred holds or deadline (time_point::max(): no limit); false on timeout.
template <typename Pred>
bool wait_until(std::condition_variable &cv, std::unique_lock<std::mutex> &lock,
                std::chrono::steady_clock::time_point deadline, Pred pred) {
  if (deadline == std::chrono::steady_clock::time_point::max()) {
    cv.wait(lock, pred);
    return true;
  }
  return cv.wait_until(lock, deadline, pred);
}

}  // namespace

TokenView TokenManager::slow_read(Entry &entry, const CallOptions *options) {
  const Cancel *cancel = options != nullptr ? options->cancel : nullptr;
  // A cancel wakes this caller's wait at once (the refresh, shared with others, goes on).
  CancelSubscription wake(cancel, [&entry] {
    { std::lock_guard<std::mutex> lock(entry.mu); }
    entry.cv.notify_all();
  });
  auto cancelled = [cancel] { return cancel != nullptr && cancel->requested(); };
  std::shared_ptr<const Snapshot> snap;
  std::uint64_t generation = 0;
  WaitTimer waited(entry.counters);  // stats(): a read that waits for a token request
  {
    std::unique_lock<std::mutex> lock(entry.mu);
    const auto deadline = wait_deadline(options);
    std::optional<std::uint64_t> awaited;  // entry.rounds when this caller started or joined a fetch
    std::optional<std::uint64_t> first;    // entry.rounds when this caller first started or joined one
    while (true) {
      if (cancelled()) fail(Errc::cancelled, "the wait for a token was cancelled");
      const std::int64_t t = now();
      const Snapshot *cur = entry.current.get();
      // Valid (fresh or due), or the short-lived token of the fetch this caller waited for: that one
      // is served even when its lifetime (under the floor) is already over.
      if (cur != nullptr && (t < cur->stale_at_ms || (awaited && cur->round > *awaited && cur->short_lived))) {
        // A due token starts the one refresh; this caller does not wait for it (unless refreshes run
        // on the caller and this caller is the one: then it gets the new token).
        if (!awaited && t < cur->stale_at_ms && t >= cur->refresh_at_ms && !entry.in_flight && t >= next_start_ms(entry)) {
          awaited = entry.rounds;
          if (!first) first = entry.rounds;
          if (!options_.background_refresh) waited.start();  // this caller makes the request
          start_refresh_locked(entry, lock, false);
          continue;
        }
        if (!waited.started()) KeyCounters::add(entry.counters.locked_hits);
        snap = entry.current;
        generation = entry.generation.load(std::memory_order_relaxed);
        break;
      }
      // Expired, none or invalidated: wait for the one fetch in flight...
      if (entry.in_flight) {
        if (!awaited) awaited = entry.rounds;
        if (!first) first = entry.rounds;
        const std::uint64_t round = entry.rounds;
        waited.start();
        if (!wait_until(entry.cv, lock, deadline, [&] { return entry.rounds != round || cancelled(); })) {
          // A retry still running when the deadline passes: the caller learns why the attempts it
          // saw failed (unreachable, 503 ...), not only that time ran out.
          if (entry.last_error && entry.rounds > *first) throw backoff_error(entry, now());
          throw wait_timeout_error();
        }
        continue;
      }
      // ...a permanent error goes to the caller at once (during its backoff, or as the outcome of
      // the fetch it waited for)...
      if (entry.last_error && !transient_failure(*entry.last_error) &&
          (t < entry.error_until_ms || (awaited && entry.rounds > *awaited)))
        throw backoff_error(entry, t);
      // ...else start one, as soon as the floor and the backoff allow, within this caller's deadline.
      const std::int64_t next = next_start_ms(entry);
      waited.start();
      if (t >= next) {
        awaited = entry.rounds;
        if (!first) first = entry.rounds;
        start_refresh_locked(entry, lock, false);
        continue;
      }
      const auto at = std::chrono::steady_clock::now() + std::chrono::milliseconds(next - t);
      if (at > deadline) {
        if (entry.last_error) throw backoff_error(entry, t);
        throw floor_error(next - t);
      }
      const std::uint64_t round = entry.rounds;
      wait_until(entry.cv, lock, at, [&] { return entry.rounds != round || cancelled(); });
    }
  }
  return keep(entry, std::move(snap), generation);
}

Error TokenManager::backoff_error(const Entry &entry, std::int64_t now_ms) const {
  const Error &e = *entry.last_error;
  ErrorDetail d = e.detail();
  d.retry_after_ms = std::max<std::int64_t>(0, entry.error_until_ms - now_ms);
  return Error(e.code(), e.what(), d);
}

Error TokenManager::floor_error(std::int64_t retry_after_ms) {
  ErrorDetail d;
  d.transient = true;
  d.retry_after_ms = retry_after_ms;
  return Error(Errc::backoff,
               "no token within the wait timeout: token requests for one key are at least min_fetch_interval_ms "
               "apart and the next is not due yet",
               d);
}

Error TokenManager::wait_timeout_error() {
  ErrorDetail d;
  d.transient = true;
  return Error(Errc::timeout, "no token within the wait timeout: the token request is still running", d);
}

TokenManager::Reader &TokenManager::reader() {
  TlFast &fast = tl_fast;
  if (fast.manager_id == id_) return *fast.reader;
  std::shared_ptr<Reader> found;
  auto &list = tl_readers.list;
  for (auto it = list.begin(); it != list.end();) {
    std::uint64_t id = (*it)->manager_id.load(std::memory_order_acquire);
    if (id == 0) {  // its manager is gone: nothing left in it
      if (fast.reader == it->get()) fast = TlFast{};
      it = list.erase(it);
      continue;
    }
    if (id == id_) found = *it;
    ++it;
  }
  if (!found) {
    found = std::make_shared<Reader>(id_);
    std::lock_guard<std::mutex> lock(readers_mutex_);
    // Readers only the manager still holds belong to threads that have exited.
    readers_.erase(std::remove_if(readers_.begin(), readers_.end(),
                                  [](const auto &r) {
                                    if (!r->thread_done.load(std::memory_order_acquire)) return false;
                                    retire_hits(*r);
                                    return true;
                                  }),
                   readers_.end());
    readers_.push_back(found);
    list.push_back(found);
  }
  fast.manager_id = id_;
  fast.reader = found.get();
  return *found;
}

TokenView TokenManager::keep(Entry &entry, std::shared_ptr<const Snapshot> snap, std::uint64_t generation) {
  Reader &r = reader();
  if (r.slots.size() <= entry.index) {
    std::lock_guard<std::mutex> lock(readers_mutex_);  // stats() sums the slots' hits
    r.slots.resize(entry.index + 1);
  }
  Reader::Slot &slot = r.slots[entry.index];
  slot.entry = &entry;
  slot.generation = generation;
  slot.snap = std::move(snap);
  return reusable_view(entry, *slot.snap, generation);
}

TokenView TokenManager::reusable_view(const Entry &entry, const Snapshot &snap, std::uint64_t generation_seen) const {
  TokenView v = view_of(snap);
  // Reuse outside the manager compares the system clock and bypasses cache-hit events.
  if (system_clock_ && !options_.report_cache_hits) {
    v.fresh_until_ms = std::max<std::int64_t>(0, snap.refresh_at_ms);
    v.generation = &entry.generation;
    v.generation_seen = generation_seen;
    v.reuse_hits = entry.counters.reuse_hits.where();
  }
  return v;
}

void TokenManager::start_refresh_locked(Entry &entry, std::unique_lock<std::mutex> &lock, bool background) {
  entry.in_flight = true;
  if (!background && telemetry::current_tracer()) {
    // A caller's read: its trace context goes with the request, whichever thread makes it. Captured
    // without the lock (a language may take its own lock, Python's GIL); in_flight keeps others out.
    lock.unlock();
    std::shared_ptr<void> parent = telemetry::capture_context();
    lock.lock();
    entry.trace_parent = std::move(parent);
  }
  if (options_.background_refresh || background) {
    bool queued = false;
    {
      std::lock_guard<std::mutex> wl(worker_mutex_);
      if (!stopping_) {
        queue_.push_back(&entry);
        if (!worker_.joinable()) worker_ = std::thread([this] { worker_loop(); });
        queued = true;
      }
    }
    if (queued) {
      worker_cv_.notify_one();  // after the unlock: the woken worker does not block at once on worker_mutex_
      return;
    }
  }
  // The caller does the one refresh itself; others wait on entry.cv.
  lock.unlock();
  refresh(entry);
  lock.lock();
}

void TokenManager::schedule_refresh_locked(Entry &entry, std::int64_t in_ms) {
  std::lock_guard<std::mutex> wl(worker_mutex_);
  if (stopping_) return;
  delayed_.push_back(Delayed{&entry, std::chrono::steady_clock::now() + std::chrono::milliseconds(in_ms)});
  if (!worker_.joinable()) worker_ = std::thread([this] { worker_loop(); });
  worker_cv_.notify_one();
}

bool TokenManager::start_delayed(Entry &entry) {
  std::unique_lock<std::mutex> lock(entry.mu);
  if (entry.in_flight || !has_waiters(entry)) return false;  // started meanwhile, or nobody waits any more
  const std::int64_t t = now(), next = next_start_ms(entry);
  if (t < next) {
    schedule_refresh_locked(entry, next - t);
    return false;
  }
  entry.in_flight = true;
  return true;
}

void TokenManager::worker_loop() {
  while (true) {
    Entry *entry = nullptr;
    bool delayed = false;
    {
      std::unique_lock<std::mutex> lock(worker_mutex_);
      while (entry == nullptr) {
        if (stopping_) return;
        if (!queue_.empty()) {
          entry = queue_.front();
          queue_.erase(queue_.begin());
          break;
        }
        const auto t = std::chrono::steady_clock::now();
        auto earliest = std::chrono::steady_clock::time_point::max();
        for (auto it = delayed_.begin(); it != delayed_.end(); ++it) {
          if (it->at <= t) {
            entry = it->entry;
            delayed = true;
            delayed_.erase(it);
            break;
          }
          earliest = std::min(earliest, it->at);
        }
        if (entry != nullptr) break;
        if (earliest == std::chrono::steady_clock::time_point::max()) worker_cv_.wait(lock);
        else worker_cv_.wait_until(lock, earliest);
      }
    }
    if (delayed && !start_delayed(*entry)) continue;
    refresh(*entry);
  }
}

void TokenManager::refresh(Entry &entry) {
  std::string held;  // the token being refreshed (the shared cache serves another one)
  bool again = false;  // the key had a token before: this is a refresh
  std::shared_ptr<void> parent;  // released when this function returns, no lock held
  {
    // The floor counts from when the request really starts (a queued refresh may wait for the worker).
    std::lock_guard<std::mutex> lock(entry.mu);
    entry.last_start_ms = now();
    again = entry.ever_fetched;
    parent = std::move(entry.trace_parent);
    if (std::atomic_load(&shared_) && entry.current) held = std::string(entry.current->access_token());
  }
  std::optional<Token> token;
  std::optional<Error> error;
  CallOptions call;
  call.cancel = &stop_;
  const auto started = std::chrono::steady_clock::now();
  bool from_shared = false;
  try {
    const telemetry::SourceScope source(again ? "refreshed" : "fetched");
    const telemetry::ParentScope trace_parent(parent.get());
    token = fetch_token(entry, held, call, &from_shared);
  } catch (const Error &e) {
    error = e;
  } catch (const std::bad_alloc &) {
    error = Error(Errc::out_of_memory, "out of memory");
  } catch (const std::exception &) {
    error = Error(Errc::generic, "token request failed");
  }
  count_request(entry, started, token ? nullptr : &*error, token && from_shared);
  secure_wipe(held);
  const std::int64_t t = now();
  TokenEvent ev{TokenEventKind::fetched, &client_->config().client_id, &entry.scope.scope};
  ev.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  std::string oauth_error;
  {
    std::lock_guard<std::mutex> lock(entry.mu);
    if (token) {
      auto snap = std::make_shared<Snapshot>();
      const std::int64_t issued = token->issued_at_ms, expires = token->expires_at_ms;
      const std::int64_t lifetime = std::max<std::int64_t>(1, expires - issued);
      const std::int64_t skew = std::min(options_.expiry_skew_ms, lifetime / 10);
      snap->stale_at_ms = expires - skew;
      std::int64_t refresh_at = std::min<std::int64_t>(issued + static_cast<std::int64_t>(options_.refresh_fraction * static_cast<double>(lifetime)),
                                                       expires - options_.refresh_margin_ms);
      refresh_at = std::max(refresh_at, issued + lifetime / 2);
      refresh_at -= static_cast<std::int64_t>(random_unit() * options_.jitter_fraction * static_cast<double>(refresh_at - issued));
      // The lock-free read compares refresh_at with the coarse clock (fast_now), which may lag the
      // precise one: it stops that much earlier. A token under the floor is never read lock-free: the
      // locked read, on the precise clock, serves it while valid and to the callers of its fetch.
      snap->refresh_at_ms = std::min(refresh_at, snap->stale_at_ms - clock_lag_ms_);
      snap->set_strings(token->authorization_scheme(), token->access_token.reveal(), token->scope);
      snap->expires_at_ms = expires;
      snap->issued_token_type = token->issued_token_type;
      snap->round = entry.rounds + 1;
      snap->short_lived = expires - issued < std::max<std::int64_t>(1, options_.min_fetch_interval_ms);
      if (snap->short_lived) snap->refresh_at_ms = std::numeric_limits<std::int64_t>::min();
      ev.kind = entry.ever_fetched ? TokenEventKind::refreshed : TokenEventKind::fetched;
      ev.expires_at_ms = snap->expires_at_ms;
      entry.current = std::move(snap);
      entry.generation.fetch_add(1, std::memory_order_release);
      entry.ever_fetched = true;
      entry.failures = 0;
      entry.last_error.reset();
      entry.error_until_ms = 0;
    } else {
      ++entry.failures;
      const ErrorDetail &d = error->detail();
      std::int64_t delay;
      const bool transient = transient_failure(*error);
      if (transient) {
        double exp = static_cast<double>(options_.backoff_base_ms) * std::pow(2.0, std::min(entry.failures - 1, 30));
        delay = static_cast<std::int64_t>(std::min(exp, static_cast<double>(options_.backoff_max_ms)));
        delay = delay / 2 + static_cast<std::int64_t>(random_unit() * static_cast<double>(delay / 2));
      } else {
        delay = options_.permanent_backoff_ms;
      }
      // Retry-After is honoured up to the longest backoff (a server's "retry in an hour" is not obeyed).
      delay = std::max(delay, std::min(d.retry_after_ms, options_.backoff_max_ms));
      entry.error_until_ms = t + delay;
      ErrorDetail stored = d;
      stored.retry_after_ms = delay;
      entry.last_error = Error(error->code(), error->what(), stored);
      ev.kind = TokenEventKind::failed;
      ev.error_code = static_cast<int>(error->code());
      ev.http_status = d.http_status;
      ev.transient = transient;
      ev.retry_after_ms = delay;
      oauth_error = d.oauth_error;
    }
    entry.in_flight = false;
    ++entry.rounds;
    complete_waiters_locked(entry, now());
  }
  entry.cv.notify_all();
  if (!oauth_error.empty()) ev.oauth_error = &oauth_error;
  emit(ev);
  if (token) emit_clock_offset(entry);
}

void TokenManager::invalidate(std::string_view token) { invalidate(default_entry_->scope, token); }

void TokenManager::invalidate(const TokenScope &scope, std::string_view token) {
  Entry &entry = scope == default_entry_->scope ? *default_entry_ : *entry_for(scope);
  std::int64_t expires = 0;
  const std::shared_ptr<SharedTokenCache> shared = std::atomic_load(&shared_);
  std::string dropped;  // the token dropped, for the shared cache
  {
    std::lock_guard<std::mutex> lock(entry.mu);
    if (!entry.current) return;
    if (!token.empty() && entry.current->access_token() != token) return;  // already replaced
    expires = entry.current->expires_at_ms;
    if (shared) dropped = std::string(entry.current->access_token());
    entry.current.reset();
    entry.generation.fetch_add(1, std::memory_order_release);
  }
  if (shared && !dropped.empty()) {
    shared_invalidated(*shared, *client_, entry.scope, dropped);
    secure_wipe(dropped);
  }
  TokenEvent ev{TokenEventKind::invalidated, &client_->config().client_id, &entry.scope.scope};
  ev.expires_at_ms = expires;
  emit(ev);
}

std::string TokenManager::authorize(Request &req) {
  TokenView v = get();
  authorize_with(req, v, *client_);
  return std::string(v.access_token);
}

Response TokenManager::request(Request req, const CallOptions &options) {
  if (!options_.idempotency_header.empty() && req.header(options_.idempotency_header) == nullptr)
    req.set_header(options_.idempotency_header, uuid_v4());
  // timeout_ms bounds the whole call: the wait for a token and both sends.
  CallOptions o = options;
  if (o.timeout_ms > 0) {
    const std::int64_t by = now() + o.timeout_ms;
    o.deadline_ms = o.deadline_ms == 0 ? by : std::min(o.deadline_ms, by);
  }
  // The view stays valid until this thread's next read of the manager: no copy of the token needed.
  TokenView used = get(nullptr, o);
  authorize_with(req, used, *client_);
  int sends = 0;
  auto send = [&] {
    const telemetry::SendInfo info{telemetry::SpanKind::request, client_->config().client_id,
                                   client_->config().scope.scope, {}, sends++};
    return telemetry::send(*client_->transport(), req, with_deadline(o, now()), info);
  };
  Response resp = send();
  // At most three sends: one more with a DPoP nonce the server asked for, one more with a new token.
  bool nonce_retried = false, token_retried = false;
  while (resp.status == 401 || req.header("DPoP") != nullptr) {
    if (dpop_nonce_retry(req, resp, *client_) && !nonce_retried) {
      nonce_retried = true;
      authorize_with(req, used, *client_);  // the same token, a proof with the new nonce
    } else if (resp.status == 401 && !token_retried) {
      token_retried = true;
      invalidate(used.access_token);
      used = get(nullptr, o);
      authorize_with(req, used, *client_);
    } else {
      break;
    }
    resp = send();
  }
  if (const std::string *auth = req.header("Authorization")) secure_wipe(const_cast<std::string &>(*auth));
  return resp;
}

void TokenManager::set_shared_cache(std::shared_ptr<SharedTokenCache> cache) { std::atomic_store(&shared_, std::move(cache)); }

Token TokenManager::fetch_token(Entry &entry, const std::string &held, const CallOptions &call, bool *from_shared) {
  const TokenScope *scope = &entry == default_entry_ ? nullptr : &entry.scope;
  const std::shared_ptr<SharedTokenCache> shared = std::atomic_load(&shared_);
  if (!shared) return client_->fetch(scope, call);
  return shared_fetch(*shared, *client_, entry.scope, held, options_.expiry_skew_ms, call.cancel,
                      [&] { return client_->fetch(scope, call); },
                      [&](TokenEventKind kind) {
                        if (kind == TokenEventKind::shared_hit) *from_shared = true;
                        TokenEvent ev{kind, &client_->config().client_id, &entry.scope.scope};
                        emit(ev);
                      });
}

void TokenManager::set_idempotency_header(std::string name) {
  if (!name.empty()) check_header_name(name);
  options_.idempotency_header = std::move(name);
}

}  // namespace m2mauth::core
