// Builders: core configurations and objects from a Config.
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <type_traits>
#include <utility>

#include "config/config_impl.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jws.hpp"

namespace m2mauth::core {

using namespace config;

namespace {

// Typed reads of one section's values.
class Section {
 public:
  Section(const Config &config, const char *name) : impl_(config.impl()), name_(name) {}

  const Value *value(const char *key) const { return impl_.find(name_ + "." + key); }
  bool has(const char *key) const { return value(key) != nullptr; }
  void text(const char *key, std::string &out) const {
    if (const Value *v = value(key)) out = v->text;
  }
  std::string text_or(const char *key, const char *fallback) const {
    const Value *v = value(key);
    return v != nullptr ? v->text : fallback;
  }
  void secret(const char *key, SecretString &out) const {
    if (const Value *v = value(key)) out = v->secret;
  }
  // The ranges are the core's (validate() of the options filled); here only what T can hold.
  template <typename T>
  void integer(const char *key, T &out) const {
    const Value *v = value(key);
    if (v == nullptr) return;
    bool fits;
    if constexpr (std::is_unsigned_v<T>) {
      if (v->integer < 0) fail(Errc::config, name_ + "." + key + " must not be negative");
      fits = static_cast<std::uint64_t>(v->integer) <= std::numeric_limits<T>::max();
    } else {
      fits = v->integer >= std::numeric_limits<T>::min() && v->integer <= std::numeric_limits<T>::max();
    }
    if (!fits) fail(Errc::config, name_ + "." + key + " is out of range");
    out = static_cast<T>(v->integer);
  }
  void number(const char *key, double &out) const {
    if (const Value *v = value(key)) out = v->number;
  }
  void boolean(const char *key, bool &out) const {
    if (const Value *v = value(key)) out = v->boolean;
  }
  std::optional<Key> key(const char *key) const {
    auto it = impl_.keys.find(name_ + "." + key);
    if (it == impl_.keys.end()) return std::nullopt;
    return it->second;
  }
  void require(const char *key) const {
    if (!has(key)) fail(Errc::config, "the configuration has no " + name_ + "." + key);
  }
  void require_section() const {
    if (!impl_.section_present(name_)) fail(Errc::config, "the configuration has no " + name_ + " section");
  }

 private:
  const Config::Impl &impl_;
  std::string name_;
};

void check_bmp(const ClientConfig &c) {
  if (c.scope.scope.size() > kBmpMaxScopeLength)
    fail(Errc::config, "oauth2.scope is " + std::to_string(c.scope.scope.size()) +
                           " characters; the BMP API (profile \"bmp\") accepts at most " +
                           std::to_string(kBmpMaxScopeLength));
  if (c.auth == ClientAuth::private_key_jwt && c.private_key && c.private_key->type() != KeyType::rsa)
    fail(Errc::config, "the BMP API (profile \"bmp\") signs client assertions with RS256: oauth2.private_key must be an RSA key");
}

// The position of key in text as a whole word, or npos.
std::size_t find_word(const std::string &text, std::string_view key) {
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1))
    if ((at == 0 || !word(text[at - 1])) && (at + key.size() == text.size() || !word(text[at + key.size()]))) return at;
  return std::string::npos;
}

// Runs the core's own range check of options read from section; its error becomes Error(config)
// naming the configuration key (the first of keys the core's message names; the only one if one).
template <typename F>
void core_rule(const char *section, std::initializer_list<const char *> keys, F &&check) {
  try {
    check();
  } catch (const Error &e) {
    if (e.code() != Errc::invalid_argument && e.code() != Errc::config) throw;
    std::string msg = e.what();
    const char *named = keys.size() == 1 ? *keys.begin() : nullptr;
    std::size_t first = std::string::npos;
    for (const char *k : keys)
      if (std::size_t at = find_word(msg, k); at < first) {
        first = at;
        named = k;
      }
    fail(Errc::config, std::string(section) + (named != nullptr ? std::string(".") + named : std::string()) + ": " + msg);
  }
}

// The http section's numbers, checked by HttpConfig::validate().
void http_limits(const Section &s, HttpConfig &h) {
  s.integer("connect_timeout_ms", h.connect_timeout_ms);
  s.integer("timeout_ms", h.timeout_ms);
  s.integer("max_response_bytes", h.max_response_bytes);
  core_rule("http", {"connect_timeout_ms", "timeout_ms", "max_response_bytes"}, [&] { h.validate(); });
}

// The client's assertion lifetime, checked by check_assertion_options().
void assertion_limits(const Section &s) {
  AssertionOptions a;
  s.integer("assertion_lifetime_s", a.lifetime_s);
  core_rule("oauth2", {"assertion_lifetime_s"}, [&] { check_assertion_options(a); });
}

}  // namespace

void config::check_core_ranges(const Config &config) {
  HttpConfig h;
  http_limits(Section(config, "http"), h);
  assertion_limits(Section(config, "oauth2"));
  manager_options_from(config);
  shared_cache_options_from(config).validate();
}

HttpConfig http_config_from(const Config &config) {
  Section s(config, "http");
  HttpConfig h;
  s.text("ca_file", h.ca_file);
  s.text("ca_dir", h.ca_dir);
  s.text("client_cert", h.client_cert);
  s.text("client_key", h.client_key);
  s.secret("client_key_passphrase", h.client_key_passphrase);
  s.text("client_cert_type", h.client_cert_type);
  s.text("proxy", h.proxy);
  http_limits(s, h);
  bool insecure = false;
  s.boolean("insecure_skip_verify", insecure);
  h.verify_peer = !insecure;
  if (s.has("client_key") && !s.has("client_cert")) fail(Errc::config, "http.client_key is set without http.client_cert");
  return h;
}

ClientConfig client_config_from(const Config &config, Transport *discovery) {
  Section s(config, "oauth2");
  s.require_section();
  ClientConfig c;
  s.require("client_id");
  s.text("client_id", c.client_id);
  if (s.has("token_url") == s.has("issuer"))
    fail(Errc::config, "give exactly one of oauth2.token_url and oauth2.issuer");
  if (s.has("token_url")) {
    s.text("token_url", c.token_url);
  } else {
    if (discovery == nullptr) fail(Errc::config, "oauth2.issuer needs discovery through a transport");
    c.token_url = discover_token_endpoint(*discovery, s.text_or("issuer", ""));
  }
  const bool bmp = s.text_or("profile", "") == "bmp";
  c.auth = client_auth_from_name(s.text_or("auth_method", "client_secret_basic"));
  s.secret("client_secret", c.client_secret);
  c.private_key = s.key("private_key");
  switch (c.auth) {
    case ClientAuth::client_secret_basic:
    case ClientAuth::client_secret_post:
    case ClientAuth::client_secret_jwt:
      s.require("client_secret");
      break;
    case ClientAuth::private_key_jwt: s.require("private_key"); break;
    default: break;
  }
  s.text("scope", c.scope.scope);
  s.text("audience", c.scope.audience);
  if (const Value *v = s.value("resource")) c.scope.resources = v->list;
  if (const Value *v = s.value("params"))
    for (const auto &[name, value] : v->object) c.extra_params.emplace_back(name, value);
  s.text("assertion_audience", c.assertion_audience);
  if (bmp && !s.has("assertion_audience")) c.assertion_audience = c.token_url;  // the discovered endpoint
  if (s.has("assertion_alg")) c.assertion_alg = static_cast<int>(alg_from_name(s.text_or("assertion_alg", "")));
  s.integer("assertion_lifetime_s", c.assertion_lifetime_s);
  s.text("assertion_kid", c.assertion_kid);
  s.integer("default_expires_in_s", c.default_expires_in_s);
  if (bmp) check_bmp(c);
  return c;
}

ManagerOptions manager_options_from(const Config &config) {
  Section s(config, "oauth2");
  ManagerOptions m;
  s.number("refresh_fraction", m.refresh_fraction);
  s.integer("refresh_margin_ms", m.refresh_margin_ms);
  s.integer("expiry_skew_ms", m.expiry_skew_ms);
  s.number("jitter_fraction", m.jitter_fraction);
  s.integer("wait_timeout_ms", m.wait_timeout_ms);
  s.integer("backoff_base_ms", m.backoff_base_ms);
  s.integer("backoff_max_ms", m.backoff_max_ms);
  s.integer("permanent_backoff_ms", m.permanent_backoff_ms);
  s.integer("min_fetch_interval_ms", m.min_fetch_interval_ms);
  s.integer("max_keys", m.max_keys);
  s.boolean("background_refresh", m.background_refresh);
  s.text("idempotency_header", m.idempotency_header);
  core_rule("oauth2",
            {"refresh_fraction", "refresh_margin_ms", "expiry_skew_ms", "jitter_fraction", "wait_timeout_ms",
             "backoff_base_ms", "backoff_max_ms", "permanent_backoff_ms", "min_fetch_interval_ms", "max_keys"},
            [&] { m.validate(); });
  return m;
}

A2AConfig a2a_config_from(const Config &config) {
  Section s(config, "senhasegura");
  s.require_section();
  A2AConfig a;
  s.require("base_url");
  s.text("base_url", a.base_url);
  a.auth = a2a_auth_from_name(s.text_or("auth_method", "oauth2"));
  s.text("client_id", a.client_id);
  s.secret("client_secret", a.client_secret);
  a.client_auth = s.text_or("client_auth", "basic") == "body" ? ClientAuth::client_secret_post : ClientAuth::client_secret_basic;
  s.text("tenant", a.tenant);
  s.text("consumer_key", a.consumer_key);
  s.secret("consumer_secret", a.consumer_secret);
  s.secret("token", a.token);
  s.secret("token_secret", a.token_secret);
  a.decryption_key = s.key("decryption_key");
  if (a.auth == A2AAuth::oauth2) {
    s.require("client_id");
    s.require("client_secret");
  } else {
    s.require("consumer_key");
    s.require("token");
    if (a.auth == A2AAuth::oauth1) s.require("consumer_secret");
  }
  return a;
}

std::shared_ptr<Transport> make_transport(const Config &config) { return make_curl_transport(http_config_from(config)); }

TokenClientBuilder make_token_client_builder(const Config &config, std::shared_ptr<Transport> transport) {
  if (!transport) transport = make_transport(config);
  ClientConfig client = client_config_from(config, transport.get());
  return TokenClientBuilder(std::move(client), std::move(transport));
}

A2AClientBuilder make_a2a_client_builder(const Config &config, std::shared_ptr<Transport> transport) {
  A2AConfig a = a2a_config_from(config);
  if (!transport) transport = make_transport(config);
  return A2AClientBuilder(std::move(a), std::move(transport));
}

std::unique_ptr<TokenManager> make_token_manager(const Config &config, std::shared_ptr<Transport> transport) {
  ManagerOptions options = manager_options_from(config);
  if (!transport) transport = make_transport(config);
  ClientConfig client = client_config_from(config, transport.get());
  auto tc = std::make_shared<TokenClient>(std::move(client), std::move(transport));
  auto shared = make_shared_token_cache(shared_cache_options_from(config));
  auto tm = std::make_unique<TokenManager>(std::move(tc), std::move(options));
  tm->set_shared_cache(std::move(shared));
  return tm;
}

SharedCacheOptions shared_cache_options_from(const Config &config) {
  Section s(config, "cache");
  SharedCacheOptions o;
  s.text("kind", o.kind);
  s.text("url", o.url);
  s.text("path", o.path);
  s.text("prefix", o.prefix);
  if (const Value *v = s.value("key")) o.key = parse_shared_cache_key(v->secret.reveal(), "cache.key");
  s.integer("lease_ms", o.lease_ms);
  s.integer("fallback_ms", o.fallback_ms);
  return o;
}

std::unique_ptr<A2AClient> make_a2a_client(const Config &config, std::shared_ptr<Transport> transport) {
  A2AConfig a = a2a_config_from(config);
  if (!transport) transport = make_transport(config);
  return std::make_unique<A2AClient>(std::move(a), std::move(transport));
}

}  // namespace m2mauth::core
