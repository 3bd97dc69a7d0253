// The configuration format every language reads the same way (through the C API's config.h).
//
// A JSON file and/or environment variables M2MAUTH_<SECTION>_<KEY> (upper-case; the environment
// overrides the file key by key), with sections
//   http         ca_file, ca_dir, client_cert, client_key, client_key_passphrase*, client_cert_type,
//                proxy, connect_timeout_ms, timeout_ms, max_response_bytes, insecure_skip_verify
//   oauth2       profile ("bmp"), token_url | issuer, client_id, auth_method, client_secret*,
//                private_key*, private_key_passphrase*, scope, audience, resource (list), params
//                (object), assertion_audience, assertion_alg, assertion_lifetime_s, assertion_kid,
//                default_expires_in_s, idempotency_header, and the manager's refresh_fraction,
//                refresh_margin_ms, expiry_skew_ms, jitter_fraction, wait_timeout_ms, backoff_base_ms,
//                backoff_max_ms, permanent_backoff_ms, min_fetch_interval_ms, max_keys, background_refresh
//   senhasegura  base_url, auth_method (oauth2 | oauth1 | query), client_id, client_secret*,
//                client_auth (basic | body), tenant, consumer_key, consumer_secret*, token*,
//                token_secret*, decryption_key*, decryption_key_passphrase*
//   cache        kind (memory | file | redis), url (redis), path (file), prefix, key* (32 raw bytes,
//                64 hex digits or 43 base64url characters; a key_file is read as it is), lease_ms,
//                fallback_ms: the token cache shared by processes (m2mauth/core/shared_cache.hpp)
// A secret X* is given as X (the value), X_file (a file holding it; trailing newlines stripped; for
// keys, a PEM or DER key file) or X_env (the name of an environment variable holding it), once per
// source. Unknown sections and keys, wrong types and out-of-range values are errors naming the key:
// types are strict (README "Configuration"), numbers decimal, the ranges the core's own checks
// (run at load time), a string holding U+0000 refused; files read must be regular files (no FIFO,
// directory, device or socket), at most 1 MiB.
// Members whose name starts with "_" are comments. Secrets never appear in describe(), get() or
// any error message.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "m2mauth/core/http.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/senhasegura.hpp"
#include "m2mauth/core/shared_cache.hpp"
#include "m2mauth/core/token_manager.hpp"

namespace m2mauth::core {

// Name/value pairs standing for the process environment (tests inject their own).
using Environment = std::vector<std::pair<std::string, std::string>>;

struct ConfigSource {
  std::optional<std::string> path;   // a JSON file
  std::optional<std::string> json;   // JSON text instead of a file
  bool config_var = true;            // neither given: the file named by $M2MAUTH_CONFIG, if set
  bool use_env = true;               // M2MAUTH_<SECTION>_<KEY> variables override the file
  const Environment *env = nullptr;  // nullptr: the process environment (also for X_env and M2MAUTH_CONFIG)
};

class Config {
 public:
  struct Impl;

  // Reads, merges and checks the sources: names, types, ranges and choices; reads every secret file
  // and variable and parses the keys. Throws Error(config) naming the key (io for an unreadable
  // configuration file; key / passphrase for a key that does not load, naming the key too).
  static Config load(const ConfigSource &source = {});
  static Config from_file(const std::string &path, bool use_env = true);
  static Config from_json(std::string_view json, bool use_env = true);

  // "section" (any key of it set) or "section.key" (set, by a source or a profile).
  bool has(std::string_view name) const;
  // A non-secret value as text: strings as they are, numbers in decimal, booleans "true"/"false",
  // lists and objects as compact JSON. nullopt when not set. Throws Error(invalid_argument) for an
  // unknown key or a secret.
  std::optional<std::string> get(std::string_view name) const;
  // The effective configuration (after the environment and the profile) as JSON, each secret
  // "<redacted>" (with X_file / X_env naming where it came from), URL credentials redacted, and
  // "_sources": the file read and the environment variables used.
  std::string describe() const;

  const Impl &impl() const noexcept { return *impl_; }

 private:
  explicit Config(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// ---- builders: each throws Error(config) naming what is missing or inconsistent ----------------------

HttpConfig http_config_from(const Config &config);
// token_url, or the endpoint discovered from issuer through `discovery` (required then). The "bmp"
// profile presets private_key_jwt, RS256, the assertion "aud" = token endpoint and the
// "IdempotencyKey" header, and refuses a scope over 300 characters.
ClientConfig client_config_from(const Config &config, Transport *discovery = nullptr);
ManagerOptions manager_options_from(const Config &config);
// The cache section (kind "memory" when absent); the key parsed (Error(config) naming cache.key).
SharedCacheOptions shared_cache_options_from(const Config &config);
A2AConfig a2a_config_from(const Config &config);

// A libcurl transport from the http section (defaults when absent).
std::shared_ptr<Transport> make_transport(const Config &config);
// A token client builder from the oauth2 section, still open to its setters; transport null:
// make_transport(config).
TokenClientBuilder make_token_client_builder(const Config &config, std::shared_ptr<Transport> transport = nullptr);
// An A2A client builder from the senhasegura section (checked now), still open to its setters;
// transport null: make_transport(config).
A2AClientBuilder make_a2a_client_builder(const Config &config, std::shared_ptr<Transport> transport = nullptr);
// A token manager (client included) from the oauth2 section, with the shared cache of the cache
// section (Error(unsupported) for kind redis in a build without it); transport null: make_transport(config).
std::unique_ptr<TokenManager> make_token_manager(const Config &config, std::shared_ptr<Transport> transport = nullptr);
// An A2A client from the senhasegura section; transport null: make_transport(config).
std::unique_ptr<A2AClient> make_a2a_client(const Config &config, std::shared_ptr<Transport> transport = nullptr);

// The BMP API's limit on the "scope" parameter (the BMP Money Plus guide; README, "The two seed APIs").
constexpr std::size_t kBmpMaxScopeLength = 300;

}  // namespace m2mauth::core
