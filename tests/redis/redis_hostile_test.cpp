// Hostile replies to the Redis store from a fake server (hostile_redis.hpp): every case ends in a typed
// error within the call's deadline, and memory stays bounded (the client stops reading a reply once it
// exceeds max_reply_bytes, so the server cannot push more than that plus its socket buffers).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "cache/redis_store.hpp"
#include "hostile_redis.hpp"
#include "m2mauth/core/error.hpp"

using m2mauth::core::Errc;
using m2mauth::core::Error;
using m2mauth::core::SharedStore;
using m2mauth::core::cache::make_redis_store;
using m2mauth::core::cache::RedisStoreOptions;
using m2mauth_test::HostileRedis;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

struct Outcome {
  Errc code = Errc::ok;
  long ms = 0;
  std::string message;
};

// One get() against a fake server running script, with a 300 ms deadline.
Outcome get_against(const HostileRedis::Script &script, std::size_t max_reply = 1024 * 1024,
                    long long *sent = nullptr) {
  HostileRedis fake(script);
  RedisStoreOptions o;
  o.url = fake.url();
  o.max_reply_bytes = max_reply;
  auto s = make_redis_store(o);
  Outcome out;
  auto start = Clock::now();
  try {
    s->get("t:k", start + milliseconds(300));
  } catch (const Error &e) {
    out.code = e.code();
    out.message = e.what();
  }
  out.ms = static_cast<long>(std::chrono::duration_cast<milliseconds>(Clock::now() - start).count());
  s.reset();  // closes the connection: the fake's script sees the client gone
  if (sent) *sent = fake.sent();
  return out;
}

bool skip_without_redis_support() {
  if (m2mauth::core::cache::redis_store_available()) return false;
  MESSAGE("skipped: built without the Redis store (M2MAUTH_WITH_REDIS)");
  return true;
}

}  // namespace

TEST_CASE("redis hostile: a huge bulk string streamed forever is refused at max_reply_bytes (too_large)") {
  if (skip_without_redis_support()) return;
  long long sent = 0;
  auto r = get_against(
      [](HostileRedis::Peer &p) {
        if (!p.send("$1000000000\r\n")) return;
        std::string chunk(64 * 1024, 'A');
        while (p.send(chunk)) {
        }
      },
      256 * 1024, &sent);
  CHECK(r.code == Errc::too_large);
  CHECK(r.ms < 1000);  // refused on size, not on the 300 ms deadline (valgrind makes it slow)
  // What the client accepted: its bound plus what the kernel buffered on both sides.
  CHECK(sent < 256 * 1024 + 16 * 1024 * 1024);
}

TEST_CASE("redis hostile: a status line without end is refused (too_large)") {
  if (skip_without_redis_support()) return;
  auto r = get_against(
      [](HostileRedis::Peer &p) {
        std::string chunk = "+" + std::string(64 * 1024, 'x');
        while (p.send(chunk)) chunk.assign(64 * 1024, 'x');
      },
      128 * 1024);
  CHECK(r.code == Errc::too_large);
}

TEST_CASE("redis hostile: a bulk string over the bound but complete in one read is refused (too_large)") {
  if (skip_without_redis_support()) return;
  auto r = get_against([](HostileRedis::Peer &p) { p.send("$2000\r\n" + std::string(2000, 'b') + "\r\n"); }, 1000);
  CHECK(r.code == Errc::too_large);
}

TEST_CASE("redis hostile: wide or deep arrays are refused") {
  if (skip_without_redis_support()) return;
  auto wide = get_against([](HostileRedis::Peer &p) { p.send("*2000000000\r\n"); });
  CHECK(wide.code == Errc::too_large);
  auto negative = get_against([](HostileRedis::Peer &p) { p.send("*-7\r\n"); });
  CHECK(negative.code != Errc::ok);
  std::string deep;
  for (int i = 0; i < 20; ++i) deep += "*1\r\n";
  deep += ":1\r\n";
  auto d = get_against([deep](HostileRedis::Peer &p) { p.send(deep); });
  CHECK(d.code == Errc::protocol);
}

TEST_CASE("redis hostile: wrong reply types and garbage are protocol errors, error replies never quoted") {
  if (skip_without_redis_support()) return;
  CHECK(get_against([](HostileRedis::Peer &p) { p.send(":42\r\n"); }).code == Errc::protocol);
  CHECK(get_against([](HostileRedis::Peer &p) { p.send("*1\r\n$1\r\nx\r\n"); }).code == Errc::protocol);
  CHECK(get_against([](HostileRedis::Peer &p) { p.send("?what\r\n"); }).code == Errc::protocol);
  auto e = get_against([](HostileRedis::Peer &p) { p.send("-ERR peer-text-SECRETISH\r\n"); });
  CHECK(e.code == Errc::protocol);
  CHECK(e.message.find("SECRETISH") == std::string::npos);
  CHECK(get_against([](HostileRedis::Peer &p) { p.send("-NOAUTH Authentication required.\r\n"); }).code ==
        Errc::config);
  // The server closes the connection halfway through a reply.
  CHECK(get_against([](HostileRedis::Peer &p) { p.send("$10\r\nabc"); }).code == Errc::network);
}

TEST_CASE("redis hostile: slow bytes cannot stretch a call beyond its deadline") {
  if (skip_without_redis_support()) return;
  auto r = get_against([](HostileRedis::Peer &p) {
    std::string reply = "$100\r\n" + std::string(100, 's') + "\r\n";
    for (char c : reply) {
      if (!p.send(std::string(1, c))) return;
      std::this_thread::sleep_for(milliseconds(20));
    }
  });
  CHECK(r.code == Errc::timeout);
  CHECK(r.ms >= 290);
  CHECK(r.ms < 600);
  // A server that accepts and never answers.
  auto silent = get_against([](HostileRedis::Peer &p) {
    while (!p.stopping() && p.send("")) std::this_thread::sleep_for(milliseconds(10));
  });
  CHECK(silent.code == Errc::timeout);
  CHECK(silent.ms < 600);
}

TEST_CASE("redis hostile: a wait whose look fails while subscribed leaves no subscription for the next wait") {
  if (skip_without_redis_support()) return;
  // Connections in the order the store makes them. 1: the first wait's subscription, confirmed, then at
  // once a message on it (as a put would send). 2: the command connection of that wait's look, which
  // never answers, so the look fails while subscribed. 3 and 4: the next wait's new subscription and
  // look ("no entry, lease held"). Had the store kept connection 1, the next wait would read the stale
  // message as the answer to its SUBSCRIBE: a protocol error, and a token fetched by every waiter.
  const std::string ch = "t:k:put";
  const std::string confirm = "*3\r\n$9\r\nsubscribe\r\n$7\r\n" + ch + "\r\n:1\r\n";
  std::atomic<int> connections{0};
  HostileRedis fake([&](HostileRedis::Peer &p) {
    const int n = ++connections;
    if (n == 1) p.send(confirm + "*3\r\n$7\r\nmessage\r\n$7\r\n" + ch + "\r\n$1\r\nx\r\n");
    if (n == 3) p.send(confirm);
    if (n == 4) p.send("$-1\r\n:1\r\n");
    while (!p.stopping() && p.send("")) std::this_thread::sleep_for(milliseconds(10));
  });
  RedisStoreOptions o;
  o.url = fake.url();
  auto s = make_redis_store(o);
  Errc first = Errc::ok;
  try {
    s->wait("t:k", Clock::now() + milliseconds(200));
  } catch (const Error &e) {
    first = e.code();
  }
  CHECK(first == Errc::timeout);
  Errc second = Errc::ok;
  std::optional<std::string> got;
  try {
    got = s->wait("t:k", Clock::now() + milliseconds(200));
  } catch (const Error &e) {
    second = e.code();
  }
  CHECK(second == Errc::ok);  // the slice ended: no message, nothing wrong
  CHECK(!got);
  CHECK(connections.load() == 4);
}
