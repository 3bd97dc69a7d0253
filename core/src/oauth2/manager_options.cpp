// ManagerOptions: the ranges of the token manager's settings and their rendering for describe().
#include <string>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/token_manager.hpp"

namespace m2mauth::core {

namespace {

void check_ms(std::int64_t value, const char *field, std::int64_t min) {
  if (value < min || value > kMaxOptionMs)
    fail(Errc::invalid_argument, std::string("token manager options: ") + field + " must be " + std::to_string(min) +
                                     " to " + std::to_string(kMaxOptionMs) + " ms, not " + std::to_string(value));
}

void add_number(cJSON *o, const char *name, double value) { json_set(o, name, Json(cJSON_CreateNumber(value))); }
void add_bool(cJSON *o, const char *name, bool value) { json_set(o, name, Json(cJSON_CreateBool(value ? 1 : 0))); }

}  // namespace

void ManagerOptions::validate() const {
  if (!(refresh_fraction > 0.0 && refresh_fraction <= 1.0))
    fail(Errc::invalid_argument, "token manager options: refresh_fraction must be greater than 0 and at most 1");
  check_ms(refresh_margin_ms, "refresh_margin_ms", 0);
  check_ms(expiry_skew_ms, "expiry_skew_ms", 0);
  if (!(jitter_fraction >= 0.0 && jitter_fraction <= 0.5))
    fail(Errc::invalid_argument, "token manager options: jitter_fraction must be 0 (none) to 0.5");
  check_ms(wait_timeout_ms, "wait_timeout_ms", 0);
  check_ms(backoff_base_ms, "backoff_base_ms", 1);
  check_ms(backoff_max_ms, "backoff_max_ms", 1);
  if (backoff_max_ms < backoff_base_ms)
    fail(Errc::invalid_argument, "token manager options: backoff_max_ms must not be less than backoff_base_ms");
  check_ms(permanent_backoff_ms, "permanent_backoff_ms", 0);
  check_ms(min_fetch_interval_ms, "min_fetch_interval_ms", 0);
  if (max_keys == 0 || max_keys > kMaxKeys) fail(Errc::invalid_argument, "token manager options: max_keys must be 1 to 1000000");
}

std::string ManagerOptions::describe() const {
  validate();
  Json o = json_new_object();
  add_number(o.get(), "refresh_fraction", refresh_fraction);
  json_set_int(o.get(), "refresh_margin_ms", refresh_margin_ms);
  json_set_int(o.get(), "expiry_skew_ms", expiry_skew_ms);
  add_number(o.get(), "jitter_fraction", jitter_fraction);
  json_set_int(o.get(), "wait_timeout_ms", wait_timeout_ms);
  json_set_int(o.get(), "backoff_base_ms", backoff_base_ms);
  json_set_int(o.get(), "backoff_max_ms", backoff_max_ms);
  json_set_int(o.get(), "permanent_backoff_ms", permanent_backoff_ms);
  json_set_int(o.get(), "min_fetch_interval_ms", min_fetch_interval_ms);
  json_set_int(o.get(), "max_keys", static_cast<std::int64_t>(max_keys));
  add_bool(o.get(), "caller_refresh", !background_refresh);
  add_bool(o.get(), "report_cache_hits", report_cache_hits);
  return json_print(o.get());
}

}  // namespace m2mauth::core
