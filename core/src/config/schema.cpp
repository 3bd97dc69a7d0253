// The configuration schema: every section, key, type, choice, and the ranges the core does not check.
#include <algorithm>

#include "config/config_impl.hpp"

namespace m2mauth::core::config {

namespace {

// Ranges the core checks (HttpConfig, the assertion options, ManagerOptions) are not restated here:
// check_core_ranges() runs the core's rules at load time. A range here is the configuration's own.
constexpr double kMaxSeconds = 10.0 * 365 * 24 * 3600;   // ten years

const char *const kSections[] = {"http", "oauth2", "senhasegura", "cache", nullptr};

std::vector<KeySpec> make_schema() {
  return {
      {"http", "ca_file", Type::string},
      {"http", "ca_dir", Type::string},
      {"http", "client_cert", Type::string},
      {"http", "client_key", Type::string},
      {"http", "client_key_passphrase", Type::secret},
      {"http", "client_cert_type", Type::string, 0, 0, "PEM|P12"},
      {"http", "proxy", Type::string},
      {"http", "connect_timeout_ms", Type::integer},
      {"http", "timeout_ms", Type::integer},
      {"http", "max_response_bytes", Type::integer},
      {"http", "insecure_skip_verify", Type::boolean},

      {"oauth2", "profile", Type::string, 0, 0, "bmp"},
      {"oauth2", "token_url", Type::string},
      {"oauth2", "issuer", Type::string},
      {"oauth2", "client_id", Type::string},
      {"oauth2", "auth_method", Type::string, 0, 0,
       "client_secret_basic|client_secret_post|client_secret_jwt|private_key_jwt|tls_client_auth|"
       "self_signed_tls_client_auth|none"},
      {"oauth2", "client_secret", Type::secret},
      {"oauth2", "private_key", Type::key},
      {"oauth2", "private_key_passphrase", Type::secret},
      {"oauth2", "scope", Type::string},
      {"oauth2", "audience", Type::string},
      {"oauth2", "resource", Type::list},
      {"oauth2", "params", Type::object},
      {"oauth2", "assertion_audience", Type::string},
      {"oauth2", "assertion_alg", Type::string, 0, 0,
       "HS256|HS384|HS512|RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA"},
      {"oauth2", "assertion_lifetime_s", Type::integer},
      {"oauth2", "assertion_kid", Type::string},
      {"oauth2", "default_expires_in_s", Type::integer, 1, kMaxSeconds},
      {"oauth2", "idempotency_header", Type::string},
      {"oauth2", "refresh_fraction", Type::number},
      {"oauth2", "refresh_margin_ms", Type::integer},
      {"oauth2", "expiry_skew_ms", Type::integer},
      {"oauth2", "jitter_fraction", Type::number},
      {"oauth2", "wait_timeout_ms", Type::integer},
      {"oauth2", "backoff_base_ms", Type::integer},
      {"oauth2", "backoff_max_ms", Type::integer},
      {"oauth2", "permanent_backoff_ms", Type::integer},
      {"oauth2", "min_fetch_interval_ms", Type::integer},
      {"oauth2", "max_keys", Type::integer},
      {"oauth2", "background_refresh", Type::boolean},

      {"senhasegura", "base_url", Type::string},
      {"senhasegura", "auth_method", Type::string, 0, 0, "oauth2|oauth1|query"},
      {"senhasegura", "client_id", Type::string},
      {"senhasegura", "client_secret", Type::secret},
      {"senhasegura", "client_auth", Type::string, 0, 0, "basic|body"},
      {"senhasegura", "tenant", Type::string},
      {"senhasegura", "consumer_key", Type::string},
      {"senhasegura", "consumer_secret", Type::secret},
      {"senhasegura", "token", Type::secret},
      {"senhasegura", "token_secret", Type::secret},
      {"senhasegura", "decryption_key", Type::key},
      {"senhasegura", "decryption_key_passphrase", Type::secret},

      {"cache", "kind", Type::string, 0, 0, "memory|file|redis"},
      {"cache", "url", Type::string},
      {"cache", "path", Type::string},
      {"cache", "prefix", Type::string},
      {"cache", "key", Type::secret, 0, 0, nullptr, true},
      {"cache", "lease_ms", Type::integer},
      {"cache", "fallback_ms", Type::integer},
  };
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0u : 1u)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

// "client_secret_file" -> (client_secret, file). nullptr spec when unknown.
std::pair<const KeySpec *, Via> resolve_name(std::string_view section, std::string_view key) {
  if (const KeySpec *k = find_key(section, key)) return {k, Via::direct};
  for (auto [suffix, via] : {std::pair<std::string_view, Via>{"_file", Via::file}, {"_env", Via::env}}) {
    if (!ends_with(key, suffix)) continue;
    const KeySpec *k = find_key(section, key.substr(0, key.size() - suffix.size()));
    if (k != nullptr && (k->type == Type::secret || k->type == Type::key)) return {k, via};
  }
  return {nullptr, Via::direct};
}

const std::vector<KeySpec> &schema() {
  static const std::vector<KeySpec> s = make_schema();
  return s;
}

const char *const *section_names() { return kSections; }

bool known_section(std::string_view section) {
  for (const char *const *s = kSections; *s != nullptr; ++s)
    if (section == *s) return true;
  return false;
}

const KeySpec *find_key(std::string_view section, std::string_view key) {
  for (const KeySpec &k : schema())
    if (section == k.section && key == k.name) return &k;
  return nullptr;
}

std::string suggestion(std::string_view section, std::string_view key) {
  std::string best;
  std::size_t best_distance = 3;
  for (const KeySpec &k : schema()) {
    if (section != k.section) continue;
    std::size_t d = edit_distance(key, k.name);
    std::string_view name(k.name);
    if (d > 2 && key.size() >= 4 && (name.substr(0, key.size()) == key || key.substr(0, name.size()) == name)) d = 2;
    if (d < best_distance) {
      best_distance = d;
      best = k.name;
    }
  }
  return best;
}

}  // namespace m2mauth::core::config
