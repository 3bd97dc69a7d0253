// The Redis store of the shared token cache (core/src/cache/redis_*) against a real redis-server on
// loopback (tests/support/redis_server.hpp): semantics, the lease, the wait, failures (killed, restarted,
// stopped, wrong password) and hostile replies from a fake server (hostile_redis.hpp).
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cache/redis_store.hpp"
#include "code_of.hpp"
#include "m2mauth/core/error.hpp"
#include "redis_or_skip.hpp"
#include "redis_server.hpp"

using m2mauth::core::Errc;
using m2mauth::core::Error;
using m2mauth::core::SharedStore;
using m2mauth::core::cache::make_redis_store;
using m2mauth::core::cache::RedisStoreOptions;
using m2mauth_test::RedisServer;
using m2mtest::code_of;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// Skips (returns) without redis-server unless CI is set, where it fails instead.
#define REDIS_OR_SKIP()                     \
  do {                                      \
    if (!m2mauth_test::redis_or_skip()) return; \
  } while (0)

std::unique_ptr<SharedStore> store_at(const std::string &url) {
  RedisStoreOptions o;
  o.url = url;
  return make_redis_store(o);
}

Clock::time_point in(int ms) { return Clock::now() + milliseconds(ms); }

long ms_since(Clock::time_point t) {
  return static_cast<long>(std::chrono::duration_cast<milliseconds>(Clock::now() - t).count());
}

}  // namespace

TEST_CASE("redis: get, put with a time to live, binary entries") {
  REDIS_OR_SKIP();
  RedisServer server;
  auto s = store_at(server.url());
  CHECK_FALSE(s->get("t:k1", in(1000)).has_value());
  s->put("t:k1", "sealed-1", 60000, in(1000));
  CHECK(s->get("t:k1", in(1000)) == std::string("sealed-1"));
  s->put("t:k1", "sealed-2", 60000, in(1000));
  CHECK(s->get("t:k1", in(1000)) == std::string("sealed-2"));

  std::string binary(70000, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7);
  s->put("t:bin", binary, 60000, in(1000));
  CHECK(s->get("t:bin", in(1000)) == binary);

  s->put("t:short", "x", 50, in(1000));
  CHECK(s->get("t:short", in(1000)).has_value());
  std::this_thread::sleep_for(milliseconds(150));
  CHECK_FALSE(s->get("t:short", in(1000)).has_value());

  CHECK(code_of([&] { s->put("t:k", "v", 0, in(1000)); }) == Errc::invalid_argument);
  CHECK(code_of([&] { s->get("", in(1000)); }) == Errc::invalid_argument);
  CHECK(code_of([&] { s->put("t:big", std::string(2 * 1024 * 1024, 'a'), 1000, in(1000)); }) == Errc::too_large);
}

TEST_CASE("redis: the lease is exclusive, released only by its owner, and expires") {
  REDIS_OR_SKIP();
  RedisServer server;
  auto a = store_at(server.url());
  auto b = store_at(server.url());
  CHECK(a->acquire("t:lk", "owner-a", 10000, in(1000)));
  CHECK_FALSE(b->acquire("t:lk", "owner-b", 10000, in(1000)));
  CHECK_FALSE(a->acquire("t:lk", "owner-a", 10000, in(1000)));  // not re-entrant: one refresh at a time
  b->release("t:lk", "owner-b", in(1000));                      // not its lease: no effect
  CHECK_FALSE(b->acquire("t:lk", "owner-b", 10000, in(1000)));
  a->release("t:lk", "owner-a", in(1000));
  CHECK(b->acquire("t:lk", "owner-b", 100, in(1000)));
  std::this_thread::sleep_for(milliseconds(200));
  CHECK(a->acquire("t:lk", "owner-a", 10000, in(1000)));  // b's lease expired
  // The lease and the entry are different keys.
  CHECK_FALSE(a->get("t:lk", in(1000)).has_value());
}

TEST_CASE("redis: a lease whose holder process died is free again after lease_ms") {
  REDIS_OR_SKIP();
  RedisServer server;
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int rc = 1;
    try {
      auto s = store_at(server.url());
      rc = s->acquire("t:dead", "holder", 300, in(1000)) ? 0 : 2;
    } catch (...) {
    }
    ::_exit(rc);  // dies holding the lease, never releasing it
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  auto s = store_at(server.url());
  CHECK_FALSE(s->acquire("t:dead", "taker", 10000, in(1000)));
  auto start = Clock::now();
  bool taken = false;
  while (!taken && ms_since(start) < 2000) {
    taken = s->acquire("t:dead", "taker", 10000, in(1000));
    if (!taken) std::this_thread::sleep_for(milliseconds(20));
  }
  CHECK(taken);
  CHECK(ms_since(start) < 1000);
}

TEST_CASE("redis: remove_if deletes only the value it was given") {
  REDIS_OR_SKIP();
  RedisServer server;
  auto s = store_at(server.url());
  s->put("t:r", "token-new", 60000, in(1000));
  s->remove_if("t:r", "token-old", in(1000));
  CHECK(s->get("t:r", in(1000)) == std::string("token-new"));
  s->remove_if("t:r", "token-new", in(1000));
  CHECK_FALSE(s->get("t:r", in(1000)).has_value());
  s->remove_if("t:absent", "x", in(1000));  // nothing to delete: no error
}

namespace {

// A holder on its own store takes the lease, puts after delay_ms, releases; the waiter on another
// store must see the put (published, or polled for the nochan user).
void check_wait_sees_put(const std::string &url) {
  auto holder = store_at(url);
  auto waiter = store_at(url);
  REQUIRE(holder->acquire("t:w", "holder", 5000, in(1000)));
  std::thread t([&] {
    std::this_thread::sleep_for(milliseconds(150));
    holder->put("t:w", "fresh", 60000, in(1000));
    holder->release("t:w", "holder", in(1000));
  });
  auto start = Clock::now();
  auto got = waiter->wait("t:w", in(3000));
  long took = ms_since(start);
  t.join();
  CHECK(got == std::string("fresh"));
  CHECK(took >= 100);
  CHECK(took < 1500);
}

}  // namespace

TEST_CASE("redis: wait wakes on the holder's put (SUBSCRIBE)") {
  REDIS_OR_SKIP();
  RedisServer server;
  check_wait_sees_put(server.url());
  // Twice on the same stores' kind: the subscription connection is reused cleanly.
  check_wait_sees_put(server.url());
}

TEST_CASE("redis: wait polls when the ACL user may not use channels") {
  REDIS_OR_SKIP();
  RedisServer server;
  check_wait_sees_put(server.url("nochan:nochan-pw"));
}

TEST_CASE("redis: wait returns at once when nobody holds the lease, and nullopt at its deadline") {
  REDIS_OR_SKIP();
  RedisServer server;
  auto s = store_at(server.url());
  s->put("t:w2", "current", 60000, in(1000));
  auto start = Clock::now();
  CHECK(s->wait("t:w2", in(2000)) == std::string("current"));
  CHECK(ms_since(start) < 500);

  REQUIRE(s->acquire("t:w3", "someone", 10000, in(1000)));
  start = Clock::now();
  CHECK_FALSE(s->wait("t:w3", in(200)).has_value());
  long took = ms_since(start);
  CHECK(took >= 190);
  CHECK(took < 700);
  // The store still works after a wait that ran out (its subscription connection was dropped).
  s->put("t:w3v", "v", 60000, in(1000));
  CHECK(s->get("t:w3v", in(1000)) == std::string("v"));
}

TEST_CASE("redis: ACL user, default-user password, database number") {
  REDIS_OR_SKIP();
  RedisServer server;
  auto acl = store_at(server.url("m2m:m2m-pw", "2"));
  acl->put("t:db", "in-db-2", 60000, in(1000));
  auto dflt = store_at(server.url(":default-pw"));  // AUTH <password> for the default user
  CHECK_FALSE(dflt->get("t:db", in(1000)).has_value());
  auto db2 = store_at(server.url(":default-pw", "2"));
  CHECK(db2->get("t:db", in(1000)) == std::string("in-db-2"));

  // The password from the configuration's secret rules replaces the URL's.
  RedisStoreOptions o;
  o.url = server.url("m2m:not-this-one");
  o.password = m2mauth::core::SecretString("m2m-pw");
  auto over = make_redis_store(o);
  CHECK_FALSE(over->get("t:none", in(1000)).has_value());
  CHECK(over->describe().find("m2m-pw") == std::string::npos);
  CHECK(over->describe().find("not-this-one") == std::string::npos);
}

TEST_CASE("redis: a wrong password or none is a configuration error at first use, without the password") {
  REDIS_OR_SKIP();
  RedisServer server;
  for (const char *userinfo : {"m2m:wrong-password-123", ":wrong-password-123", "nobody:wrong-password-123"}) {
    auto s = store_at(server.url(userinfo));
    try {
      s->get("t:k", in(1000));
      FAIL("no error");
    } catch (const Error &e) {
      CHECK(e.code() == Errc::config);
      CHECK(std::string(e.what()).find("wrong-password-123") == std::string::npos);
    }
  }
  auto none = store_at(server.url(""));
  CHECK(code_of([&] { none->get("t:k", in(1000)); }) == Errc::config);
  CHECK(code_of([&] { none->put("t:k", "v", 1000, in(1000)); }) == Errc::config);
}

TEST_CASE("redis: server killed, calls fail typed within the deadline, restarted, calls succeed again") {
  REDIS_OR_SKIP();
  RedisServer server;
  auto s = store_at(server.url());
  s->put("t:k", "v", 60000, in(1000));
  server.kill_now();
  for (int i = 0; i < 3; ++i) {
    auto start = Clock::now();
    Errc c = code_of([&] { s->get("t:k", in(200)); });
    CHECK((c == Errc::network || c == Errc::timeout));
    CHECK(ms_since(start) < 400);
  }
  auto start = Clock::now();
  Errc c = code_of([&] { s->wait("t:k", in(200)); });
  CHECK((c == Errc::network || c == Errc::timeout));
  CHECK(ms_since(start) < 400);
  CHECK(code_of([&] { s->acquire("t:k", "o", 1000, in(200)); }) != Errc::ok);
  server.start();  // same port, empty (no persistence)
  CHECK_FALSE(s->get("t:k", in(1000)).has_value());
  s->put("t:k", "v2", 60000, in(1000));
  CHECK(s->get("t:k", in(1000)) == std::string("v2"));
}

TEST_CASE("redis: a stopped (SIGSTOP) server costs each call at most its deadline") {
  REDIS_OR_SKIP();
  RedisServer server;
  auto s = store_at(server.url());
  s->put("t:k", "v", 60000, in(1000));
  server.pause();
  for (auto op : {0, 1, 2, 3}) {
    auto start = Clock::now();
    Errc c = code_of([&] {
      if (op == 0) s->get("t:k", in(150));
      if (op == 1) s->put("t:k", "v", 1000, in(150));
      if (op == 2) s->acquire("t:k", "o", 1000, in(150));
      if (op == 3) s->wait("t:k", in(150));
    });
    long took = ms_since(start);
    CHECK(c == Errc::timeout);
    CHECK(took < 400);
  }
  // A fresh store's first connect is bounded too (the kernel accepts the connection for the stopped
  // server; AUTH gets no answer).
  auto fresh = store_at(server.url());
  auto start = Clock::now();
  CHECK(code_of([&] { fresh->get("t:k", in(150)); }) == Errc::timeout);
  CHECK(ms_since(start) < 400);
  server.resume();
  CHECK(s->get("t:k", in(1000)) == std::string("v"));
  CHECK(fresh->get("t:k", in(1000)) == std::string("v"));
}

TEST_CASE("redis: describe() redacts the password") {
  auto s = [] {
    RedisStoreOptions o;
    o.url = "redis://alice:s3cr%65t@cache.internal:6380/3";
    return o;
  }();
  if (!m2mauth::core::cache::redis_store_available()) {
    CHECK(code_of([&] { make_redis_store(s); }) == Errc::unsupported);
    return;
  }
  auto store = make_redis_store(s);
  CHECK(store->describe() == "{\"kind\":\"redis\",\"url\":\"redis://alice:***@cache.internal:6380/3\"}");
}

TEST_CASE("redis: probe_ms makes a wrong password a configuration error when the store is made") {
  REDIS_OR_SKIP();
  RedisServer server;
  RedisStoreOptions o;
  o.url = server.url("m2m:wrong-password-123");
  o.probe_ms = 500;
  CHECK(code_of([&] { make_redis_store(o); }) == Errc::config);
  o.url = server.url();
  CHECK(make_redis_store(o) != nullptr);
  // A server that is down is not an error then: the cache falls back until it returns.
  server.kill_now();
  auto start = Clock::now();
  auto s = make_redis_store(o);
  CHECK(ms_since(start) < 1000);
  CHECK(code_of([&] { s->get("t:k", in(100)); }) != Errc::ok);
  server.start();
  CHECK_FALSE(s->get("t:k", in(1000)).has_value());
}

TEST_CASE("redis: one store shared by many threads: every call answered, leases exclusive, waits woken") {
  REDIS_OR_SKIP();
  RedisServer server;
  auto s = store_at(server.url());
  std::atomic<int> errors{0}, holders{0}, max_holders{0}, woken{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&, t] {
      const std::string me = "owner-" + std::to_string(t);
      for (int i = 0; i < 200; ++i) {
        try {
          s->put("t:mt" + std::to_string(i % 5), me, 60000, in(2000));
          auto v = s->get("t:mt" + std::to_string(i % 5), in(2000));
          if (!v || v->rfind("owner-", 0) != 0) ++errors;
          if (s->acquire("t:mtlease", me, 10000, in(2000))) {
            int h = ++holders;
            int m = max_holders.load();
            while (h > m && !max_holders.compare_exchange_weak(m, h)) {
            }
            --holders;
            s->release("t:mtlease", me, in(2000));
          }
        } catch (...) {
          ++errors;
        }
      }
    });
  // Waiters on one key (one subscribes, the others poll) all see the put.
  auto holder = store_at(server.url());
  REQUIRE(holder->acquire("t:mtw", "h", 10000, in(1000)));
  std::vector<std::thread> ws;
  for (int w = 0; w < 4; ++w)
    ws.emplace_back([&] {
      try {
        if (s->wait("t:mtw", in(5000)) == std::string("done")) ++woken;
      } catch (...) {
        ++errors;
      }
    });
  std::this_thread::sleep_for(milliseconds(200));
  holder->put("t:mtw", "done", 60000, in(1000));
  holder->release("t:mtw", "h", in(1000));
  for (auto &t : ts) t.join();
  for (auto &w : ws) w.join();
  CHECK(errors.load() == 0);
  CHECK(max_holders.load() == 1);
  CHECK(woken.load() == 4);
}

TEST_CASE("redis: a store made before fork() works in the child and still in the parent") {
  REDIS_OR_SKIP();
  RedisServer server;
  auto s = store_at(server.url());
  s->put("t:fork", "parent", 60000, in(1000));  // the connection exists before the fork
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int rc = 1;
    try {
      for (int i = 0; i < 50; ++i) {
        auto v = s->get("t:fork", in(1000));
        if (!v || *v != "parent") ::_exit(2);
      }
      s->put("t:fork-child", "child", 60000, in(1000));
      rc = 0;
    } catch (...) {
    }
    ::_exit(rc);
  }
  for (int i = 0; i < 50; ++i) CHECK(s->get("t:fork", in(1000)) == std::string("parent"));
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(s->get("t:fork-child", in(1000)) == std::string("child"));
}
