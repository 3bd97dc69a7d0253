// The strict redis:// URL of the Redis store (core/src/cache/redis_url.cpp): what it accepts, what it
// refuses (Errc::config, never quoting the URL), and the redacted form describe() shows.
#include <doctest/doctest.h>

#include <string>

#include "cache/redis_store.hpp"
#include "m2mauth/core/error.hpp"

using m2mauth::core::Errc;
using m2mauth::core::Error;
using m2mauth::core::cache::parse_redis_url;

namespace {

Errc refusal(std::string_view url) {
  try {
    parse_redis_url(url);
  } catch (const Error &e) {
    CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
    return e.code();
  }
  return Errc::ok;
}

}  // namespace

TEST_CASE("redis url: the accepted forms") {
  auto u = parse_redis_url("redis://127.0.0.1");
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 6379);
  CHECK(u.db == 0);
  CHECK(u.user.empty());
  CHECK(u.password.empty());
  CHECK(u.redacted == "redis://127.0.0.1/0");

  u = parse_redis_url("REDIS://alice:hunter2@cache-1.example.internal:6380/15");
  CHECK(u.user == "alice");
  CHECK(u.password.reveal() == "hunter2");
  CHECK(u.host == "cache-1.example.internal");
  CHECK(u.port == 6380);
  CHECK(u.db == 15);
  CHECK(u.redacted == "redis://alice:***@cache-1.example.internal:6380/15");

  u = parse_redis_url("redis://:hunter2@[::1]:7000/");
  CHECK(u.user.empty());
  CHECK(u.password.reveal() == "hunter2");
  CHECK(u.host == "::1");
  CHECK(u.port == 7000);
  CHECK(u.redacted == "redis://:***@[::1]:7000/0");

  u = parse_redis_url("redis://a%40b:p%3Aw%2F%25d@h:1/0");
  CHECK(u.user == "a@b");
  CHECK(u.password.reveal() == "p:w/%d");
  CHECK(u.port == 1);
  CHECK(u.redacted == "redis://a%40b:***@h:1/0");
  CHECK(parse_redis_url("redis://h:65535").port == 65535);
  CHECK(parse_redis_url("redis://bob@h").password.empty());
}

TEST_CASE("redis url: strict refusals are configuration errors") {
  using namespace std::string_literals;
  CHECK(refusal("redis://h:0") == Errc::config);
  CHECK(refusal("redis://h:65536") == Errc::config);
  CHECK(refusal("redis://h:+80") == Errc::config);
  CHECK(refusal("redis://h:0x50") == Errc::config);
  CHECK(refusal("redis://h:") == Errc::config);
  CHECK(refusal("redis://h:123456") == Errc::config);
  CHECK(refusal("redis://h:6379/-1") == Errc::config);
  CHECK(refusal("redis://h:6379/1a") == Errc::config);
  CHECK(refusal("redis://h:6379/9999999") == Errc::config);
  CHECK(refusal("redis://h:6379/1/2") == Errc::config);
  CHECK(refusal("redis://h?db=1") == Errc::config);
  CHECK(refusal("redis://h#x") == Errc::config);
  CHECK(refusal("redis://") == Errc::config);
  CHECK(refusal("redis://u:hunter2@") == Errc::config);
  CHECK(refusal("redis://u:hunter2@:6379") == Errc::config);
  CHECK(refusal("redis://h o") == Errc::config);
  CHECK(refusal("redis://h\to") == Errc::config);
  CHECK(refusal("redis://h\0o"s) == Errc::config);
  CHECK(refusal("redis://u:hunter2\0@h"s) == Errc::config);
  CHECK(refusal("redis://u:hunter2%00@h") == Errc::config);
  CHECK(refusal("redis://u:hunter2%4@h") == Errc::config);
  CHECK(refusal("redis://u:hunter2%zz@h") == Errc::config);
  CHECK(refusal("redis://u:hun\"ter2@h") == Errc::config);
  CHECK(refusal("redis://u:hunter2@@h") == Errc::config);
  CHECK(refusal("redis://h\xc3\xa9") == Errc::config);
  CHECK(refusal("redis://[::1") == Errc::config);
  CHECK(refusal("redis://[::g]") == Errc::config);
  CHECK(refusal("redis://[::1]x") == Errc::config);
  CHECK(refusal("http://h:6379") == Errc::config);
  CHECK(refusal("h:6379") == Errc::config);
  CHECK(refusal("redis://" + std::string(3000, 'a')) == Errc::config);
  CHECK(refusal("rediss://u:hunter2@h:6380") == Errc::unsupported);
}
