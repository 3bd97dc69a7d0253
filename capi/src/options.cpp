// C API: the versioned option structs (init, describe) and their one conversion to the core.
#include "options.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "guard.hpp"
#include "handles.hpp"

using namespace m2mauth;

namespace m2mauth::capi {

namespace {

constexpr unsigned int kLegacyVersion = 1;        // 0 numbers meant "the default"
constexpr unsigned int kManagerV2 = 2;            // no min_fetch_interval_ms; wait_timeout_ms 0 meant "never wait"
constexpr std::size_t kManagerV2Size = offsetof(m2mauth_token_manager_options, min_fetch_interval_ms);
constexpr unsigned int kManagerV3 = 3;            // no max_keys
constexpr std::size_t kManagerV3Size = offsetof(m2mauth_token_manager_options, max_keys);

// Versions 1 to `current` are read.
void check_version(unsigned int version, unsigned int current, const char *type) {
  if (version < kLegacyVersion || version > current)
    throw core::Error(core::Errc::invalid_argument, std::string(type) + ".version " + std::to_string(version) +
                                                        " is not supported (use 1 to " + std::to_string(current) + ")");
}

std::string text_or_empty(const char *s) { return s == nullptr ? std::string() : std::string(s); }

// Version 1: a 0 (or, where noted, negative) value keeps the core's default.
template <typename T>
void legacy(T &field, T value) {
  if (value != T{}) field = value;
}

// The core's check of one member (the others at their defaults), its refusal naming that member.
template <typename Check>
void member_rule(const char *type, const char *member, Check check) {
  try {
    check();
  } catch (const core::Error &e) {
    if (e.code() != core::Errc::invalid_argument) throw;
    throw core::Error(core::Errc::invalid_argument, std::string(type) + "." + member + ": " + e.what());
  }
}

}  // namespace

core::ManagerOptions manager_options_from(const m2mauth_token_manager_options *o) {
  core::ManagerOptions m;
  if (o == nullptr) return m;
  check_version(o->version, M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION, "m2mauth_token_manager_options");
  if (o->version == kLegacyVersion) {
    legacy(m.refresh_fraction, o->refresh_fraction);
    legacy(m.refresh_margin_ms, o->refresh_margin_ms);
    legacy(m.expiry_skew_ms, o->expiry_skew_ms);
    if (o->jitter_fraction < 0.0) m.jitter_fraction = 0.0;
    else legacy(m.jitter_fraction, o->jitter_fraction);
    legacy(m.wait_timeout_ms, o->wait_timeout_ms);
    legacy(m.backoff_base_ms, o->backoff_base_ms);
    legacy(m.backoff_max_ms, o->backoff_max_ms);
    legacy(m.permanent_backoff_ms, o->permanent_backoff_ms);
  } else {
    m.refresh_fraction = o->refresh_fraction;
    m.refresh_margin_ms = o->refresh_margin_ms;
    m.expiry_skew_ms = o->expiry_skew_ms;
    m.jitter_fraction = o->jitter_fraction;
    m.wait_timeout_ms = o->wait_timeout_ms;
    if (o->version == kManagerV2 && m.wait_timeout_ms == 0) m.wait_timeout_ms = 1;  // "never wait"
    m.backoff_base_ms = o->backoff_base_ms;
    m.backoff_max_ms = o->backoff_max_ms;
    m.permanent_backoff_ms = o->permanent_backoff_ms;
    if (o->version >= 3) m.min_fetch_interval_ms = o->min_fetch_interval_ms;  // read only where the caller has it
    // The range is the core's (validate): a value it cannot represent becomes 0, which it refuses.
    if (o->version >= 4) m.max_keys = o->max_keys < 1 ? 0 : static_cast<std::size_t>(o->max_keys);
  }
  m.background_refresh = o->caller_refresh == 0;
  m.report_cache_hits = o->report_cache_hits != 0;
  return m;
}

core::HttpConfig http_config_from(const m2mauth_http_options *o) {
  core::HttpConfig c;
  if (o == nullptr) return c;
  check_version(o->version, M2MAUTH_HTTP_OPTIONS_VERSION, "m2mauth_http_options");
  c.verify_peer = o->insecure_skip_verify == 0;
  c.ca_file = text_or_empty(o->ca_file);
  c.ca_dir = text_or_empty(o->ca_dir);
  c.client_cert = text_or_empty(o->client_cert);
  c.client_key = text_or_empty(o->client_key);
  if (o->client_key_passphrase != nullptr) c.client_key_passphrase = core::SecretString(o->client_key_passphrase);
  if (o->client_cert_type != nullptr) c.client_cert_type = o->client_cert_type;
  c.proxy = text_or_empty(o->proxy);
  if (o->version == kLegacyVersion) {
    legacy(c.connect_timeout_ms, o->connect_timeout_ms);
    legacy(c.timeout_ms, o->timeout_ms);
    legacy(c.max_response_bytes, o->max_response_bytes);
  } else {
    c.connect_timeout_ms = o->connect_timeout_ms;
    c.timeout_ms = o->timeout_ms;
    c.max_response_bytes = o->max_response_bytes;
  }
  c.allow_plain_http = o->allow_plain_http != 0;
  c.user_agent = text_or_empty(o->user_agent);
  return c;
}

core::AssertionOptions assertion_options_from(const m2mauth_assertion_options *opts) {
  constexpr const char *kType = "m2mauth_assertion_options";
  capi::need(opts, "opts");
  if (opts->version != 1 && opts->version != M2MAUTH_ASSERTION_OPTIONS_VERSION)
    throw core::Error(core::Errc::invalid_argument, "m2mauth_assertion_options: unknown version");
  core::AssertionOptions o;
  if (opts->audience != nullptr) o.audience = opts->audience;
  o.alg = opts->alg;
  o.lifetime_s = opts->lifetime_s;
  if (opts->kid != nullptr) o.kid = opts->kid;
  o.kid_thumbprint = opts->kid_thumbprint != 0;
  if (opts->cert != nullptr) o.cert = opts->cert->cert;
  o.cert_members = opts->cert_members;
  if (opts->version >= 2) o.clock_skew_s = opts->clock_skew_s;  // a version 1 struct ends before it
  // In the core's order: alg (Error(algorithm), as is), lifetime_s, clock_skew_s, then the rest.
  core::AssertionOptions one;
  one.alg = o.alg;
  core::check_assertion_options(one);
  one = core::AssertionOptions();
  one.lifetime_s = o.lifetime_s;
  member_rule(kType, "lifetime_s", [&] { core::check_assertion_options(one); });
  one = core::AssertionOptions();
  one.clock_skew_s = o.clock_skew_s;
  member_rule(kType, "clock_skew_s", [&] { core::check_assertion_options(one); });
  core::check_assertion_options(o);  // cert_members
  return o;
}

}  // namespace m2mauth::capi

extern "C" {

m2mauth_status m2mauth_token_manager_options_init(m2mauth_token_manager_options *opts, unsigned int version) {
  return capi::guard([&] {
    capi::need(opts, "opts");
    capi::check_version(version, M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION, "m2mauth_token_manager_options");
    static const m2mauth_token_manager_options defaults = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;  // padding zeroed
    static const m2mauth_token_manager_options legacy_defaults = {capi::kLegacyVersion, 0.0, 0, 0, 0.0, 0, 0, 0, 0, 0, 0, 0, 0};
    // An older caller's struct ends before min_fetch_interval_ms: write only what it has.
    if (version == capi::kLegacyVersion) {
      std::memcpy(opts, &legacy_defaults, capi::kManagerV2Size);
    } else if (version == capi::kManagerV2 || version == capi::kManagerV3) {
      std::memcpy(opts, &defaults, version == capi::kManagerV2 ? capi::kManagerV2Size : capi::kManagerV3Size);
      opts->version = version;
    } else {
      std::memcpy(opts, &defaults, sizeof *opts);
    }
  });
}

m2mauth_status m2mauth_token_manager_options_describe(m2mauth_buf *out, const m2mauth_token_manager_options *opts) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    capi::fill(out, capi::manager_options_from(opts).describe());
  });
}

m2mauth_status m2mauth_http_options_init(m2mauth_http_options *opts, unsigned int version) {
  return capi::guard([&] {
    capi::need(opts, "opts");
    capi::check_version(version, M2MAUTH_HTTP_OPTIONS_VERSION, "m2mauth_http_options");
    static const m2mauth_http_options defaults = M2MAUTH_HTTP_OPTIONS_INIT;  // padding zeroed
    static const m2mauth_http_options legacy_defaults = {capi::kLegacyVersion, 0, nullptr, nullptr, nullptr, nullptr, nullptr,
                                                         nullptr, nullptr, 0, 0, 0, 0, nullptr};
    std::memcpy(opts, version == capi::kLegacyVersion ? &legacy_defaults : &defaults, sizeof *opts);
  });
}

m2mauth_status m2mauth_http_options_describe(m2mauth_buf *out, const m2mauth_http_options *opts) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    capi::fill(out, capi::http_config_from(opts).describe());
  });
}

}  // extern "C"
