// The token manager's second level (issue 14): a token cache shared by processes, so that a fleet
// costs the token endpoint one request per token lifetime per key. See SharedStore for the stores.
//
// The manager consults it only when its own token is missing or due: a shared entry that opens, parses
// and is still valid under this reader's skew margin is served (a shared hit); otherwise one process
// takes the key's lease, fetches and publishes, while the others wait for its entry (bounded by the
// lease) or keep serving their still-valid token. A store failure or a wait beyond its bounds falls
// back to fetching locally (within fallback_ms): never worse than no shared cache.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/secret.hpp"
#include "m2mauth/core/shared_store.hpp"

namespace m2mauth::core {

struct SharedCacheOptions {
  std::string kind = "memory";  // memory (no shared cache) | file | redis | custom (a store given in code)
  std::string url;              // redis: redis://[user:password@]host:port[/db]
  std::string path;             // file: the private directory (created 0700)
  std::string prefix = "m2mauth:";  // before each hashed key (at most 64 printable ASCII characters)
  SecretString key;             // the 32-byte sealing key (parse_shared_cache_key for the text forms)
  std::int64_t lease_ms = 5000;     // how long one refresh may hold a key's lease, 1 to 600000
  std::int64_t fallback_ms = 50;    // bound of each store call before fetching locally, 1 to 60000

  // Error(config) naming the field.
  void validate() const;
  // {"kind":"redis","url":"redis://user:***@host:6379/0","prefix":"m2mauth:","lease_ms":5000,"fallback_ms":50}
  std::string describe() const;
};

// A 256-bit key from 32 raw bytes, 64 hex digits or 43 base64url characters; anything else is
// Error(config) naming field (never the value).
SecretString parse_shared_cache_key(std::string_view text, std::string_view field);

// The cache key of a token: prefix + hex SHA-256 over everything that makes two tokens differ (token
// endpoint, client id, grant, authentication method, scope, audience, resources, extra parameters,
// the DPoP thumbprint, the exchange key). Never holds the client id or a secret in clear.
std::string shared_cache_key(const ClientConfig &client, const TokenScope &scope, const std::string &prefix);

class SharedTokenCache;  // internal (core/src/cache/shared_cache.hpp)

// The cache for options; nullptr for kind "memory". store: the store of kind "custom" (required then,
// ignored otherwise). Error(config) for bad options or a refused directory, Error(unsupported) for
// kind "redis" in a build without Redis support.
std::shared_ptr<SharedTokenCache> make_shared_token_cache(const SharedCacheOptions &options,
                                                          std::unique_ptr<SharedStore> store = nullptr);

// A wait() for stores that cannot publish: polls store.get every 5 to 20 ms (at random) until the
// entry under key differs from the one there at the start, or the deadline passes (nullopt then).
std::optional<std::string> poll_wait(SharedStore &store, const std::string &key, StoreDeadline deadline);

// The built-in stores.
std::unique_ptr<SharedStore> make_file_store(const std::string &directory);
std::unique_ptr<SharedStore> make_redis_store(const SharedCacheOptions &options);

}  // namespace m2mauth::core
