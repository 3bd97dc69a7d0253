// The shared token cache's policy: a valid entry is served, one process refreshes under the lease,
// the others wait for its entry, and every store failure falls back to fetching locally.
#include "cache/shared_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cache/entry.hpp"
#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/random.hpp"

namespace m2mauth::core {

namespace {

constexpr std::size_t kMaxSeen = 4096;

std::string token_hash(std::string_view token) { return digest(HashAlg::sha256, token); }

// Runs a store call; false (and *failed set) when the store failed.
template <typename F>
bool store_call(bool &failed, F &&f) {
  try {
    f();
    return true;
  } catch (const std::exception &) {  // Error included
  }
  failed = true;
  return false;
}

}  // namespace

SharedTokenCache::SharedTokenCache(std::unique_ptr<SharedStore> store, SecretString key, std::string prefix,
                                   std::int64_t lease_ms, std::int64_t fallback_ms)
    : store_(std::move(store)),
      sealer_(std::move(key)),
      prefix_(std::move(prefix)),
      lease_ms_(lease_ms),
      fallback_ms_(fallback_ms) {
  if (!store_) fail(Errc::invalid_argument, "shared cache: no store");
  const std::string r = random_bytes(12);
  owner_ = std::to_string(::getpid()) + "-" + hex_encode(reinterpret_cast<const std::uint8_t *>(r.data()), r.size());
}

StoreDeadline SharedTokenCache::store_deadline() const {
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(fallback_ms_);
}

std::optional<Token> SharedTokenCache::usable(const std::string &key, const std::string &sealed, std::string_view held,
                                              std::int64_t skew_ms, std::int64_t now_ms) {
  auto plain = sealer_.open(sealed, key);
  if (!plain) return std::nullopt;  // another key, tampered, truncated: ignored, replaced by the next put
  auto entry = cache::decode_entry(plain->reveal());
  if (!entry) return std::nullopt;
  const std::int64_t lifetime = entry->expires_at_ms - entry->issued_at_ms;
  const std::int64_t skew = std::min(skew_ms, lifetime / 10);
  if (now_ms >= entry->expires_at_ms - skew) return std::nullopt;  // this reader's own margin
  if (!held.empty() && entry->access_token.reveal() == held) return std::nullopt;  // the token being refreshed
  remember(key, entry->access_token.reveal(), sealed);
  return entry;
}

void SharedTokenCache::remember(const std::string &key, std::string_view token, const std::string &sealed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (seen_.size() >= kMaxSeen && seen_.find(key) == seen_.end()) seen_.clear();
  seen_[key] = Seen{token_hash(token), sealed};
}

Token SharedTokenCache::fetch(const std::string &key, std::string_view held, std::int64_t skew_ms, const Clock &clock,
                              const Cancel *cancel, const std::function<Token()> &local, const Note &note) {
  bool failed = false;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(2 * lease_ms_ + fallback_ms_);
  bool waited = false;
  while (!failed) {
    std::optional<std::string> sealed;
    if (!store_call(failed, [&] { sealed = store_->get(key, store_deadline()); })) break;
    if (sealed) {
      if (auto t = usable(key, *sealed, held, skew_ms, clock())) {
        note(TokenEventKind::shared_hit);
        return std::move(*t);
      }
    }
    bool mine = false;
    if (!store_call(failed, [&] { mine = store_->acquire(key, owner_, lease_ms_, store_deadline()); })) break;
    if (mine) {
      struct Release {
        SharedTokenCache &c;
        const std::string &key;
        ~Release() {
          try {
            c.store_->release(key, c.owner_, c.store_deadline());
          } catch (...) {
            // the lease runs out by itself
          }
        }
      } release{*this, key};
      // Someone may have published between the get and the lease.
      std::optional<std::string> again;
      if (store_call(failed, [&] { again = store_->get(key, store_deadline()); }) && again) {
        if (auto t = usable(key, *again, held, skew_ms, clock())) {
          note(TokenEventKind::shared_hit);
          return std::move(*t);
        }
      }
      Token token = local();
      const std::int64_t ttl = token.expires_at_ms - clock();
      if (ttl > 0) {
        std::string plain = cache::encode_entry(token);
        std::string out = sealer_.seal(plain, key);
        secure_wipe(plain);
        if (store_call(failed, [&] { store_->put(key, out, ttl, store_deadline()); }))
          remember(key, token.access_token.reveal(), out);
        else
          note(TokenEventKind::shared_fallback);
      }
      return token;
    }
    // Another process refreshes: wait for its entry, at most until its lease runs out.
    const auto now = std::chrono::steady_clock::now();
    if (now >= give_up) break;
    if (!waited) note(TokenEventKind::lease_wait);
    waited = true;
    // In slices, so that a manager being destroyed (cancel) is not kept waiting.
    const auto until = std::min(give_up, now + std::chrono::milliseconds(std::min<std::int64_t>(lease_ms_, 100)));
    if (cancel != nullptr && cancel->requested()) fail(Errc::cancelled, "cancelled");
    // A wait that times out is a slice that ended without a put (a loaded machine may not even connect
    // within it), not a failing store: the get above, bounded by fallback_ms, decides that.
    std::optional<std::string> got;
    if (!store_call(failed, [&] {
          try {
            got = store_->wait(key, until);
          } catch (const Error &e) {
            if (e.code() != Errc::timeout) throw;
          }
        }))
      break;
    if (got) {
      if (auto t = usable(key, *got, held, skew_ms, clock())) {
        note(TokenEventKind::shared_hit);
        return std::move(*t);
      }
    }
    // A store that gives up before the slice ends (at once, or the lease gone without an entry) is not
    // asked again at once: at most one look per slice, never a loop against the store.
    std::this_thread::sleep_until(until);
  }
  note(TokenEventKind::shared_fallback);
  return local();
}

void SharedTokenCache::invalidated(const std::string &key, std::string_view token) {
  std::string sealed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = seen_.find(key);
    if (it == seen_.end() || it->second.token_hash != token_hash(token)) return;
    sealed = std::move(it->second.sealed);
    seen_.erase(it);
  }
  try {
    store_->remove_if(key, sealed, store_deadline());
  } catch (...) {
    // the entry expires by itself; readers skip a token this process no longer holds
  }
}

std::string SharedTokenCache::describe() const { return store_->describe(); }

}  // namespace m2mauth::core
