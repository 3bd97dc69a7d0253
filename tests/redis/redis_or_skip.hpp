// Test support for tests/redis: whether a test can run against a real redis-server. Without the Redis
// store in this build or without redis-server on PATH, a test skips (a MESSAGE says why) unless CI is
// set, where it fails instead.
#pragma once

#include <doctest/doctest.h>

#include "cache/redis_store.hpp"
#include "redis_server.hpp"

namespace m2mauth_test {

inline bool redis_or_skip() {
  if (!m2mauth::core::cache::redis_store_available()) {
    MESSAGE("skipped: built without the Redis store (M2MAUTH_WITH_REDIS)");
    REQUIRE_FALSE(RedisServer::required());
    return false;
  }
  if (!RedisServer::available()) {
    MESSAGE("skipped: redis-server is not on PATH");
    REQUIRE_FALSE(RedisServer::required());
    return false;
  }
  return true;
}

}  // namespace m2mauth_test
