// TokenManager::stats(): the counters of core/src/oauth2/token_counters.hpp summed into a TokenStats,
// and its JSON form (issue 15).
#include "m2mauth/core/token_stats.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string_view>

#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/json.hpp"
#include "oauth2/token_manager_impl.hpp"

namespace m2mauth::core {

const char *token_source_name(TokenSource source) noexcept {
  switch (source) {
    case TokenSource::none: return "none";
    case TokenSource::fetched: return "fetched";
    case TokenSource::refreshed: return "refreshed";
    case TokenSource::shared: return "shared";
  }
  return "";
}

std::size_t latency_bucket(std::int64_t ms) noexcept {
  const auto it = std::lower_bound(kLatencyBoundsMs.begin(), kLatencyBoundsMs.end(), std::max<std::int64_t>(0, ms));
  return static_cast<std::size_t>(it - kLatencyBoundsMs.begin());
}

namespace {

Json uint_array(const std::uint64_t *values, std::size_t n) {
  Json a(cJSON_CreateArray());
  if (!a) throw std::bad_alloc();
  for (std::size_t i = 0; i < n; ++i) {
    cJSON *v = cJSON_CreateNumber(static_cast<double>(values[i]));
    if (v == nullptr || !cJSON_AddItemToArray(a.get(), v)) throw std::bad_alloc();
  }
  return a;
}

Json stats_object(const TokenStats &s) {
  Json o = json_new_object();
  cJSON *p = o.get();
  json_set_string(p, "scope", s.scope);
  json_set_string(p, "audience", s.audience);
  Json res(cJSON_CreateArray());
  if (!res) throw std::bad_alloc();
  for (const auto &r : s.resources) {
    cJSON *v = cJSON_CreateString(r.c_str());
    if (v == nullptr || !cJSON_AddItemToArray(res.get(), v)) throw std::bad_alloc();
  }
  json_set(p, "resources", std::move(res));
  json_set(p, "exchange", Json(cJSON_CreateBool(s.exchange ? 1 : 0)));
  json_set(p, "configured", Json(cJSON_CreateBool(s.configured ? 1 : 0)));
  json_set_int(p, "cache_hits", static_cast<std::int64_t>(s.cache_hits));
  json_set_int(p, "requests_ok", static_cast<std::int64_t>(s.requests_ok));
  json_set_int(p, "requests_transient", static_cast<std::int64_t>(s.requests_transient));
  json_set_int(p, "requests_permanent", static_cast<std::int64_t>(s.requests_permanent));
  json_set_int(p, "waits", static_cast<std::int64_t>(s.waits));
  json_set_int(p, "wait_ms_total", s.wait_ms_total);
  json_set(p, "refresh_latency", uint_array(s.refresh_latency.data(), s.refresh_latency.size()));
  std::uint64_t bounds[kLatencyBoundsMs.size()];
  for (std::size_t i = 0; i < kLatencyBoundsMs.size(); ++i) bounds[i] = static_cast<std::uint64_t>(kLatencyBoundsMs[i]);
  json_set(p, "refresh_latency_bounds_ms", uint_array(bounds, kLatencyBoundsMs.size()));
  json_set(p, "has_token", Json(cJSON_CreateBool(s.has_token ? 1 : 0)));
  json_set_string(p, "source", token_source_name(s.source));
  json_set_int(p, "expires_at_ms", s.expires_at_ms);
  json_set_int(p, "expires_in_ms", s.expires_in_ms);
  json_set_int(p, "refresh_at_ms", s.refresh_at_ms);
  json_set_int(p, "last_error_code", s.last_error_code);
  json_set_string(p, "last_error_category", error_category_name(s.last_error_category));
  json_set_int(p, "last_http_status", s.last_http_status);
  json_set_string(p, "last_oauth_error", s.last_oauth_error);
  json_set_int(p, "last_vendor_code", s.last_vendor_code);
  json_set(p, "has_clock_offset", Json(cJSON_CreateBool(s.has_clock_offset ? 1 : 0)));
  json_set_int(p, "clock_offset_ms", s.clock_offset_ms);
  return o;
}

}  // namespace

std::string TokenStats::to_json() const { return json_print(stats_object(*this).get()); }

std::string token_stats_json(const std::string &client_id, const std::vector<TokenStats> &keys) {
  Json o = json_new_object();
  json_set_string(o.get(), "client_id", client_id);
  Json list(cJSON_CreateArray());
  if (!list) throw std::bad_alloc();
  for (const auto &k : keys) {
    Json item = stats_object(k);
    if (!cJSON_AddItemToArray(list.get(), item.get())) throw std::bad_alloc();
    item.release();
  }
  json_set(o.get(), "keys", std::move(list));
  return json_print(o.get());
}

void TokenManager::count_request(Entry &entry, std::chrono::steady_clock::time_point started, const Error *error,
                                 bool shared) {
  KeyCounters &c = entry.counters;
  if (shared) {  // served by another process's fetch: not a request of this one
    std::lock_guard<std::mutex> lock(entry.mu);
    c.source = TokenSource::shared;
    return;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  KeyCounters::add(c.latency[latency_bucket(static_cast<std::int64_t>(ms.count()))]);
  std::lock_guard<std::mutex> lock(entry.mu);
  if (error == nullptr) {
    KeyCounters::add(c.requests_ok);
    c.source = entry.ever_fetched ? TokenSource::refreshed : TokenSource::fetched;
    return;
  }
  KeyCounters::add(transient_failure(*error) ? c.requests_transient : c.requests_permanent);
  const ErrorDetail &d = error->detail();
  c.last_error_code = static_cast<int>(error->code());
  c.last_http_status = d.http_status;
  c.last_oauth_error = d.oauth_error;
  c.last_vendor_code = d.vendor_code;
}

void TokenManager::retire_hits(const Reader &reader) {
  for (const Reader::Slot &slot : reader.slots)
    if (slot.entry != nullptr) slot.entry->counters.retired_hits.fetch_add(slot.hits.get(), std::memory_order_relaxed);
}

TokenStats TokenManager::stats_of(Entry &entry) {
  TokenStats s;
  s.scope = entry.scope.scope;
  s.audience = entry.scope.audience;
  s.resources = entry.scope.resources;
  s.exchange = !entry.scope.exchange_key.empty();
  s.configured = &entry == default_entry_;
  const KeyCounters &c = entry.counters;
  // The lock-free reads, the locked ones, and those served from a caller's own copy (TokenView::reuse_hits).
  std::uint64_t hits = c.retired_hits.load(std::memory_order_relaxed) + c.locked_hits.load(std::memory_order_relaxed) +
                       c.reuse_hits.sum();
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);  // the slots do not move meanwhile (keep())
    for (const auto &r : readers_)
      if (entry.index < r->slots.size()) hits += r->slots[entry.index].hits.get();
  }
  s.cache_hits = hits;
  s.requests_ok = c.requests_ok.load(std::memory_order_relaxed);
  s.requests_transient = c.requests_transient.load(std::memory_order_relaxed);
  s.requests_permanent = c.requests_permanent.load(std::memory_order_relaxed);
  s.waits = c.waits.load(std::memory_order_relaxed);
  s.wait_ms_total = c.wait_ms_total.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) s.refresh_latency[i] = c.latency[i].load(std::memory_order_relaxed);
  const std::int64_t t = now();
  std::lock_guard<std::mutex> lock(entry.mu);
  if (entry.current) {
    s.has_token = true;
    s.source = c.source;
    s.expires_at_ms = entry.current->expires_at_ms;
    s.expires_in_ms = entry.current->expires_at_ms - t;
    s.refresh_at_ms = std::max<std::int64_t>(0, entry.current->refresh_at_ms);
  }
  s.last_error_code = c.last_error_code;
  s.last_error_category = c.last_error_code == 0 ? ErrorCategory::none : error_category(c.last_error_code);
  s.last_http_status = c.last_http_status;
  s.last_oauth_error = c.last_oauth_error;
  s.last_vendor_code = c.last_vendor_code;
  if (auto offset = client_->server_clock_offset_ms()) {
    s.has_clock_offset = true;
    s.clock_offset_ms = *offset;
  }
  return s;
}

void TokenManager::emit_clock_offset(const Entry &entry) {
  const std::optional<std::int64_t> offset = client_->server_clock_offset_ms();
  if (!offset || (*offset <= kClockOffsetEventMs && *offset >= -kClockOffsetEventMs)) return;
  TokenEvent ev{TokenEventKind::clock_offset, &client_->config().client_id, &entry.scope.scope};
  ev.clock_offset_ms = *offset;
  emit(ev);
}

std::optional<TokenStats> TokenManager::stats(const TokenScope *scope) {
  if (scope == nullptr) return stats_of(*default_entry_);
  // The lookup get() makes (entry_for), without adding the key.
  std::vector<std::string_view> resources(scope->resources.begin(), scope->resources.end());
  TokenKeyRef key{scope->scope, scope->audience, resources.data(), resources.size(), {}, scope->exchange_key};
  if (client_->config().dpop) key.dpop_jkt = client_->config().dpop->thumbprint();
  Entry *entry = keys_->table.find(key.hash(), key);
  if (entry == nullptr) return std::nullopt;
  return stats_of(*entry);
}

std::vector<TokenStats> TokenManager::stats_all() {
  std::vector<Entry *> entries;
  {
    std::lock_guard<std::mutex> lock(keys_->mu);
    for (const auto &e : keys_->entries) entries.push_back(e.get());
  }
  std::vector<TokenStats> out;
  out.reserve(entries.size());
  for (Entry *e : entries) out.push_back(stats_of(*e));  // the configured key is entries[0]
  return out;
}

}  // namespace m2mauth::core
