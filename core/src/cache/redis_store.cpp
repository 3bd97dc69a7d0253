// RedisStore: the SharedStore over Redis (redis_store.hpp says which commands do what).
#include "cache/redis_store.hpp"

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"

#if M2MAUTH_WITH_REDIS
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <utility>

#include "cache/redis_conn.hpp"
#include "m2mauth/core/random.hpp"
#endif

namespace m2mauth::core::cache {

#if M2MAUTH_WITH_REDIS
namespace {

// Deletes KEYS[1] only while it holds ARGV[1]: the release of a lease and the 401 invalidation.
constexpr std::string_view kCompareAndDelete =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

using Type = RedisReply::Type;

bool error_starts(const RedisReply &r, std::string_view prefix) {
  return r.type == Type::error && r.str.compare(0, prefix.size(), prefix) == 0;
}

// An error reply as a typed failure (the server's text is never repeated: it may quote our arguments).
[[noreturn]] void refused(const RedisReply &r, const char *command) {
  std::string c(command);
  if (error_starts(r, "NOAUTH") || error_starts(r, "WRONGPASS"))
    fail(Errc::config, "redis: " + c + ": the cache server requires authentication (user and password of the cache url)");
  if (error_starts(r, "NOPERM"))
    fail(Errc::config, "redis: " + c + ": the cache server's ACL does not allow it for this user");
  if (error_starts(r, "OOM")) fail(Errc::io, "redis: " + c + ": the cache server is out of memory");
  fail(Errc::protocol, "redis: " + c + ": the cache server answered with an error");
}

[[noreturn]] void unexpected(const char *command) {
  fail(Errc::protocol, std::string("redis: ") + command + ": unexpected reply type from the cache server");
}

void check_key(const std::string &key) {
  require(!key.empty() && key.size() <= 1024, Errc::invalid_argument, "redis: the cache key must have 1-1024 bytes");
}

class RedisStore final : public SharedStore {
 public:
  RedisStore(RedisUrl url, std::size_t max_reply_bytes)
      : url_(std::move(url)), max_value_(max_reply_bytes), conn_(max_reply_bytes), sub_(max_reply_bytes) {}

  std::optional<std::string> get(const std::string &key, StoreDeadline deadline) override {
    check_key(key);
    return with_conn(deadline, [&](RedisConn &c) { return get_on(c, key, deadline); });
  }

  void put(const std::string &key, std::string_view value, std::int64_t ttl_ms, StoreDeadline deadline) override {
    check_key(key);
    require(ttl_ms > 0, Errc::invalid_argument, "redis: the entry's time to live must be positive");
    require(value.size() <= max_value_, Errc::too_large, "redis: the entry is larger than the store accepts");
    std::string ttl = std::to_string(ttl_ms);
    std::string channel = channel_of(key);
    bool publish = !pubsub_denied_.load();
    with_conn(deadline, [&](RedisConn &c) {
      c.append({"SET", key, value, "PX", ttl});
      if (publish) c.append({"PUBLISH", channel, "1"});
      c.flush(deadline);
      auto set = c.read(deadline);
      if (set->type == Type::error) {
        if (publish) (void)c.read(deadline);
        refused(*set, "SET");
      }
      if (set->type != Type::status) unexpected("SET");
      if (publish) {
        auto pub = c.read(deadline);
        // An ACL user without channel permissions (Redis 7's default for new users) may store but
        // not publish: waiters then poll.
        if (error_starts(*pub, "NOPERM")) pubsub_denied_.store(true);
        else if (pub->type == Type::error) refused(*pub, "PUBLISH");
        else if (pub->type != Type::integer) unexpected("PUBLISH");
      }
      return 0;
    });
  }

  bool acquire(const std::string &key, const std::string &owner, std::int64_t lease_ms,
               StoreDeadline deadline) override {
    check_key(key);
    require(lease_ms > 0, Errc::invalid_argument, "redis: the lease time must be positive");
    require(!owner.empty() && owner.size() <= 256, Errc::invalid_argument, "redis: the lease owner must have 1-256 bytes");
    std::string lease = lease_of(key), ms = std::to_string(lease_ms);
    return with_conn(deadline, [&](RedisConn &c) {
      auto r = c.call({"SET", lease, owner, "NX", "PX", ms}, deadline);
      if (r->type == Type::status) return true;
      if (r->type == Type::nil) return false;
      if (r->type == Type::error) refused(*r, "SET NX");
      unexpected("SET NX");
    });
  }

  void release(const std::string &key, const std::string &owner, StoreDeadline deadline) override {
    check_key(key);
    compare_and_delete(lease_of(key), owner, deadline);
  }

  void remove_if(const std::string &key, std::string_view value, StoreDeadline deadline) override {
    check_key(key);
    compare_and_delete(key, value, deadline);
  }

  std::optional<std::string> wait(const std::string &key, StoreDeadline deadline) override {
    check_key(key);
    if (!pubsub_denied_.load()) {
      std::unique_lock<std::mutex> lock(sub_mu_, std::try_to_lock);
      if (lock.owns_lock()) return wait_subscribed(key, deadline);
    }
    return wait_polling(key, deadline);
  }

  // Connects and authenticates now (RedisStoreOptions::probe_ms): a refused AUTH throws Error(config);
  // any other failure waits for the first call.
  void probe(StoreDeadline deadline) {
    try {
      with_conn(deadline, [](RedisConn &) { return 0; });
    } catch (const Error &e) {
      if (e.code() == Errc::config) throw;
    }
  }

  std::string describe() const override {
    std::string out = "{\"kind\":\"redis\",\"url\":";
    json_quote_append(out, url_.redacted);
    out += '}';
    return out;
  }

 private:
  static std::string lease_of(const std::string &key) { return key + ":lease"; }
  static std::string channel_of(const std::string &key) { return key + ":put"; }

  // Runs f on the command connection (made first if needed) under its mutex, waiting for the mutex
  // only until the deadline; any failure drops the connection, so the next call makes a new one.
  template <class F>
  auto with_conn(StoreDeadline deadline, F f) -> decltype(f(std::declval<RedisConn &>())) {
    std::unique_lock<std::timed_mutex> lock(mu_, std::defer_lock);
    if (!lock.try_lock_until(deadline))
      fail(Errc::timeout, "redis: the cache deadline passed while another call used the connection");
    try {
      conn_.ensure(url_, deadline);
      return f(conn_);
    } catch (...) {
      conn_.drop();
      throw;
    }
  }

  std::optional<std::string> get_on(RedisConn &c, const std::string &key, StoreDeadline deadline) {
    auto r = c.call({"GET", key}, deadline);
    if (r->type == Type::string) return std::move(r->str);
    if (r->type == Type::nil) return std::nullopt;
    if (r->type == Type::error) refused(*r, "GET");
    unexpected("GET");
  }

  void compare_and_delete(const std::string &key, std::string_view expected, StoreDeadline deadline) {
    with_conn(deadline, [&](RedisConn &c) {
      auto r = c.call({"EVAL", kCompareAndDelete, "1", key, expected}, deadline);
      if (r->type == Type::error) refused(*r, "EVAL");
      if (r->type != Type::integer) unexpected("EVAL");
      return 0;
    });
  }

  struct Peek {
    std::optional<std::string> value;
    bool leased = false;
  };

  // The entry and whether its lease is held, in one pipelined round trip.
  Peek peek(const std::string &key, StoreDeadline deadline) {
    std::string lease = lease_of(key);
    return with_conn(deadline, [&](RedisConn &c) {
      c.append({"GET", key});
      c.append({"EXISTS", lease});
      c.flush(deadline);
      auto v = c.read(deadline);
      auto e = c.read(deadline);
      Peek p;
      if (v->type == Type::string) p.value = std::move(v->str);
      else if (v->type == Type::error) refused(*v, "GET");
      else if (v->type != Type::nil) unexpected("GET");
      if (e->type == Type::error) refused(*e, "EXISTS");
      if (e->type != Type::integer) unexpected("EXISTS");
      p.leased = e->integer != 0;
      return p;
    });
  }

  // SUBSCRIBE first, then look: a put between the caller's miss and our subscription is seen by the
  // look (the holder puts, then releases its lease), a later one by the message.
  std::optional<std::string> wait_subscribed(const std::string &key, StoreDeadline deadline) {
    std::string channel = channel_of(key);
    try {
      sub_.ensure(url_, deadline);
      auto r = sub_.call({"SUBSCRIBE", channel}, deadline);
      if (r->type == Type::error) {
        sub_.drop();
        if (!error_starts(*r, "NOPERM")) refused(*r, "SUBSCRIBE");
        pubsub_denied_.store(true);
        return wait_polling(key, deadline);
      }
      if (r->type != Type::array || r->elements.size() != 3 || !r->elements[0] ||
          r->elements[0]->str != "subscribe")
        unexpected("SUBSCRIBE");
    } catch (...) {
      sub_.drop();
      throw;
    }
    // From here on the connection is subscribed: any way out but unsubscribe() drops it, or the next
    // wait would read this subscription's messages as the answer to its SUBSCRIBE.
    Peek first;
    try {
      first = peek(key, deadline);
    } catch (...) {
      sub_.drop();
      throw;
    }
    if (!first.leased) {
      unsubscribe(channel, deadline);
      return first.value;
    }
    while (true) {
      std::unique_ptr<RedisReply> m;
      try {
        m = sub_.read(deadline);
      } catch (const Error &e) {
        // The deadline passed with the subscription open: dropping it is the bounded way out.
        sub_.drop();
        if (e.code() == Errc::timeout) return std::nullopt;
        throw;
      }
      bool message = m->type == Type::array && m->elements.size() == 3 && m->elements[0] &&
                     m->elements[0]->str == "message";
      if (!message) continue;
      unsubscribe(channel, deadline);
      return with_conn(deadline, [&](RedisConn &c) { return get_on(c, key, deadline); });
    }
  }

  void unsubscribe(const std::string &channel, StoreDeadline deadline) noexcept {
    try {
      sub_.append({"UNSUBSCRIBE", channel});
      sub_.flush(deadline);
      for (int i = 0; i < 8; ++i) {
        auto r = sub_.read(deadline);
        if (r->type == Type::array && r->elements.size() == 3 && r->elements[0] &&
            r->elements[0]->str == "unsubscribe")
          return;
      }
      sub_.drop();
    } catch (...) {
      sub_.drop();
    }
  }

  // Without a subscription: look every 10-30 ms (jittered, so a fleet does not poll in step) until the
  // lease is gone or the entry changed.
  std::optional<std::string> wait_polling(const std::string &key, StoreDeadline deadline) {
    Peek first = peek(key, deadline);
    if (!first.leased) return first.value;
    while (true) {
      auto pause = std::chrono::milliseconds(10 + static_cast<int>(random_unit() * 20));
      auto wake = std::min(deadline, std::chrono::steady_clock::now() + pause);
      std::this_thread::sleep_until(wake);
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      Peek now = peek(key, deadline);
      if (!now.leased || now.value != first.value) return now.value;
    }
  }

  RedisUrl url_;
  std::size_t max_value_;
  std::timed_mutex mu_;
  RedisConn conn_;
  std::mutex sub_mu_;
  RedisConn sub_;
  std::atomic<bool> pubsub_denied_{false};
};

}  // namespace

bool redis_store_available() noexcept { return true; }

std::unique_ptr<SharedStore> make_redis_store(const RedisStoreOptions &options) {
  RedisUrl url = parse_redis_url(options.url);
  if (options.password) {
    url.password = *options.password;
    if (url.redacted.find(":***@") == std::string::npos) {
      // Show that a password is in use, wherever it came from.
      std::size_t at = url.redacted.find('@');
      if (at != std::string::npos) url.redacted.insert(at, ":***");
      else url.redacted.insert(8, ":***@");
    }
  }
  auto store = std::make_unique<RedisStore>(std::move(url), options.max_reply_bytes);
  if (options.probe_ms > 0) store->probe(std::chrono::steady_clock::now() + std::chrono::milliseconds(options.probe_ms));
  return store;
}

#else

bool redis_store_available() noexcept { return false; }

std::unique_ptr<SharedStore> make_redis_store(const RedisStoreOptions &options) {
  (void)parse_redis_url(options.url);
  fail(Errc::unsupported, "cache.kind: redis support not built (configure with hiredis and -DM2MAUTH_WITH_REDIS=ON)");
}

#endif

}  // namespace m2mauth::core::cache
