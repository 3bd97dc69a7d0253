// A key that can change without a restart: loaded from a file (PEM or DER) or a PKCS#11 URI, and
// loaded again on demand (reload(), e.g. from a SIGHUP handler's thread) or, with a reload interval,
// on the first use after the interval has passed. A token client with a key source signs each new
// assertion with the source's current key.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "m2mauth/core/key.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

class KeySource {
 public:
  // location: a file path or a pkcs11: URI; secret: the file's passphrase or the token's PIN (may be
  // empty). reload_interval_ms 0: reload on demand only. Loads the key now (throws as the loader does).
  KeySource(std::string location, SecretString secret, std::int64_t reload_interval_ms);

  // The current key: a key without a kid gets its RFC 7638 thumbprint as kid, so a rotated key is told
  // apart by its kid. With an interval, a key older than it is loaded again first; if that fails the
  // current key stays (the next use tries again).
  Key current();
  // Loads the key again now; on failure throws and the current key stays.
  void reload();

 private:
  Key load() const;

  const std::string location_;
  const SecretString secret_;
  const std::chrono::milliseconds interval_;
  std::mutex lock_;
  Key key_;  // a Key is a shared handle: copying it out under lock_ is one reference count
  std::chrono::steady_clock::time_point loaded_at_;
};

}  // namespace m2mauth::core
