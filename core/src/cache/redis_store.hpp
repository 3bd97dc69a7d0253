// The Redis (or Valkey) store of the shared token cache (issue 14), over Debian's hiredis 0.14.
//
//   entry     SET <key> <sealed entry> PX <ttl>, then PUBLISH <key>:put 1 (one pipelined round trip)
//   lease     SET <key>:lease <owner> NX PX <lease_ms>; a dead holder's lease expires by itself
//   release   compare-and-delete of <key>:lease in one Lua EVAL (the one atomic way in Redis)
//   remove_if compare-and-delete of <key> in the same EVAL
//   wait      SUBSCRIBE <key>:put on a second connection, the deadline as socket timeout, then GET;
//             polling with jitter when the subscription connection is busy or fails
//
// Connections: one for commands and one for subscriptions, each guarded by its own mutex (a call
// waits for a mutex only until its deadline). Each is made on first use (connect, AUTH, SELECT) and
// dropped after any I/O, timeout or protocol failure, so the next call makes it again: a restarted
// server is used again without anyone noticing. Every read and write is bounded by the call's
// deadline (poll on the socket, and the remaining time as the socket's timeout); a reply is read
// through hiredis's reader with our own object functions, bounded in size, depth and element count.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "m2mauth/core/secret.hpp"
#include "m2mauth/core/shared_store.hpp"

namespace m2mauth::core::cache {

// A parsed redis:// URL: redis://[user[:password]@]host[:port][/db]. Percent-escapes are decoded in
// the user and the password only; the host is a DNS name, an IPv4 address or a bracketed IPv6 address.
struct RedisUrl {
  std::string user;      // empty: AUTH <password> (or no AUTH without a password)
  SecretString password;  // empty: no AUTH
  std::string host;      // without brackets
  int port = 6379;
  int db = 0;
  // The URL as describe() shows it: the password replaced by ***.
  std::string redacted;
};

// Strict: the scheme redis (rediss:// is refused as unsupported: see the README on TLS), no NUL or
// other control characters, no space, no query or fragment, port 1-65535 in decimal digits only, db
// decimal digits only (0-1000000). Throws Error(config) naming what is wrong, never the URL's text.
RedisUrl parse_redis_url(std::string_view url);

struct RedisStoreOptions {
  std::string url;
  // The password from the configuration's secret rules (value, file or environment), if it has one;
  // it replaces the URL's password.
  std::optional<SecretString> password;
  // Bounds on what the server may send (a reply larger than this is refused with Errc::too_large).
  std::size_t max_reply_bytes = 1024 * 1024;
  // > 0: connect and authenticate at once, within this many milliseconds, so that a refused AUTH
  // (a wrong password or user) is an Error(config) when the store is made; an unreachable or slow
  // server is not an error then (the first call tries again, and the cache falls back meanwhile).
  std::int64_t probe_ms = 0;
};

// True when this build has the Redis store (M2MAUTH_WITH_REDIS, hiredis found).
bool redis_store_available() noexcept;

// The Redis store. Throws Error(config) for a bad URL, Error(unsupported) "redis support not built"
// when the build has no hiredis. Connects lazily: a wrong password is an Error(config) at first use.
std::unique_ptr<SharedStore> make_redis_store(const RedisStoreOptions &options);

}  // namespace m2mauth::core::cache
