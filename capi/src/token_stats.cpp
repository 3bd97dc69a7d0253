// C glue of token_stats.h: copies core::TokenStats into the caller's struct.
#include "m2mauth/token_stats.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "guard.hpp"
#include "handles.hpp"
#include "key_args.hpp"
#include "m2mauth/core/token_manager.hpp"

using namespace m2mauth;

static_assert(M2MAUTH_TOKEN_STATS_LATENCY_BUCKETS == core::kLatencyBuckets, "latency buckets");
static_assert(M2MAUTH_TOKEN_SOURCE_SHARED == static_cast<int>(core::TokenSource::shared), "token sources");

namespace {

core::TokenManager &manager_of(m2mauth_token_manager *m) { return *capi::need(m, "manager")->manager; }

m2mauth_token_stats *stats_out(m2mauth_token_stats *out) {
  capi::need(out, "out");
  if (out->version != M2MAUTH_TOKEN_STATS_VERSION)
    throw core::Error(core::Errc::invalid_argument,
                      "m2mauth_token_stats.version must be M2MAUTH_TOKEN_STATS_VERSION (M2MAUTH_TOKEN_STATS_INIT)");
  return out;
}

void copy_stats(m2mauth_token_stats *out, const core::TokenStats &s) {
  const unsigned int version = out->version;
  std::memset(out, 0, sizeof *out);
  out->version = version;
  out->cache_hits = s.cache_hits;
  out->requests_ok = s.requests_ok;
  out->requests_transient = s.requests_transient;
  out->requests_permanent = s.requests_permanent;
  out->waits = s.waits;
  out->wait_ms_total = s.wait_ms_total;
  for (std::size_t i = 0; i < core::kLatencyBuckets; ++i) out->refresh_latency[i] = s.refresh_latency[i];
  out->has_token = s.has_token ? 1 : 0;
  out->source = static_cast<int>(s.source);
  out->expires_at_ms = s.expires_at_ms;
  out->expires_in_ms = s.expires_in_ms;
  out->refresh_at_ms = s.refresh_at_ms;
  out->last_error_code = s.last_error_code;
  out->last_error_category = static_cast<int>(s.last_error_category);
  out->last_http_status = s.last_http_status;
  out->last_vendor_code = s.last_vendor_code;
  const std::size_t n = std::min(s.last_oauth_error.size(), sizeof out->last_oauth_error - 1);
  std::memcpy(out->last_oauth_error, s.last_oauth_error.data(), n);
  out->last_oauth_error[n] = '\0';
  out->has_clock_offset = s.has_clock_offset ? 1 : 0;
  out->clock_offset_ms = s.clock_offset_ms;
}

// The key m2mauth_token_manager_get_for reads (each argument NULL = none), without adding it.
core::TokenStats key_stats(m2mauth_token_manager *manager, const char *scope, const char *audience,
                           const char *resource) {
  core::TokenManager &m = manager_of(manager);
  const core::TokenScope key = capi::KeyArgs(scope, audience, resource).ref.owned();
  auto s = m.stats(&key);
  if (!s) throw core::Error(core::Errc::not_found, "the token manager never read this key");
  return *s;
}

}  // namespace

extern "C" {

const char *m2mauth_token_source_name(int source) {
  if (source < 0 || source > M2MAUTH_TOKEN_SOURCE_SHARED) return "";
  return core::token_source_name(static_cast<core::TokenSource>(source));
}

int64_t m2mauth_token_stats_latency_bound_ms(size_t bucket) {
  return bucket < core::kLatencyBoundsMs.size() ? core::kLatencyBoundsMs[bucket] : -1;
}

m2mauth_status m2mauth_token_stats_init(m2mauth_token_stats *stats, unsigned int version) {
  return capi::guard([&] {
    capi::need(stats, "stats");
    if (version != M2MAUTH_TOKEN_STATS_VERSION)
      throw core::Error(core::Errc::invalid_argument, "m2mauth_token_stats_init: version must be 1");
    std::memset(stats, 0, sizeof *stats);
    stats->version = version;
  });
}

m2mauth_status m2mauth_token_manager_stats(m2mauth_token_stats *out, m2mauth_token_manager *manager) {
  return capi::guard([&] {
    stats_out(out);
    copy_stats(out, *manager_of(manager).stats());
  });
}

m2mauth_status m2mauth_token_manager_stats_for(m2mauth_token_stats *out, m2mauth_token_manager *manager,
                                               const char *scope, const char *audience, const char *resource) {
  return capi::guard([&] {
    stats_out(out);
    copy_stats(out, key_stats(manager, scope, audience, resource));
  });
}

m2mauth_status m2mauth_token_manager_stats_json(m2mauth_buf *out, m2mauth_token_manager *manager) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    core::TokenManager &m = manager_of(manager);
    capi::fill(out, core::token_stats_json(m.client()->config().client_id, m.stats_all()));
  });
}

m2mauth_status m2mauth_token_manager_stats_for_json(m2mauth_buf *out, m2mauth_token_manager *manager,
                                                    const char *scope, const char *audience, const char *resource) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    core::TokenStats s = key_stats(manager, scope, audience, resource);
    capi::fill(out, core::token_stats_json(manager_of(manager).client()->config().client_id, {s}));
  });
}

}  // extern "C"
