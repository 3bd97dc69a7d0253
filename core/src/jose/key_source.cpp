// Key sources: keys reloaded from a file or a PKCS#11 URI without a restart.
#include "m2mauth/core/key_source.hpp"

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/pkcs11.hpp"

namespace m2mauth::core {

namespace {

// The arguments checked before the first load.
std::string checked(std::string location, std::int64_t reload_interval_ms) {
  if (location.empty()) fail(Errc::invalid_argument, "key source: the location is empty");
  if (reload_interval_ms < 0 || reload_interval_ms > 86400000LL * 366)
    fail(Errc::invalid_argument, "key source: reload_interval_ms must be 0 to one year");
  return location;
}

}  // namespace

KeySource::KeySource(std::string location, SecretString secret, std::int64_t reload_interval_ms)
    : location_(checked(std::move(location), reload_interval_ms)),
      secret_(std::move(secret)),
      interval_(reload_interval_ms),
      key_(load()),
      loaded_at_(std::chrono::steady_clock::now()) {}

Key KeySource::load() const {
  const char *secret = secret_.empty() ? nullptr : secret_.c_str();
  Key key = is_pkcs11_uri(location_) ? key_from_pkcs11(location_, secret) : Key::from_file(location_, secret);
  if (!key.has_private()) fail(Errc::no_private, "key source: the key is public; signing needs the private key");
  if (key.kid().empty()) key = key.with_kid(jwk_thumbprint(key));
  return key;
}

Key KeySource::current() {
  std::lock_guard<std::mutex> hold(lock_);
  if (interval_.count() > 0 && std::chrono::steady_clock::now() - loaded_at_ >= interval_) {
    loaded_at_ = std::chrono::steady_clock::now();  // a failure waits a whole interval before trying again
    try {
      key_ = load();
    } catch (const Error &) {
      // keep the current key
    }
  }
  return key_;
}

void KeySource::reload() {
  Key fresh = load();
  std::lock_guard<std::mutex> hold(lock_);
  key_ = std::move(fresh);
  loaded_at_ = std::chrono::steady_clock::now();
}

}  // namespace m2mauth::core
