// The token server's clock offset (see server_clock.hpp).
#include "oauth2/server_clock.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/peer_numbers.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

namespace {

std::optional<std::int64_t> seconds_of(const cJSON *v) {
  if (!cJSON_IsNumber(v) || !(v->valuedouble > -1e15 && v->valuedouble < 1e15)) return std::nullopt;
  return static_cast<std::int64_t>(v->valuedouble);
}

}  // namespace

JwtTimes jwt_times_unverified(std::string_view token) noexcept {
  JwtTimes t;
  try {
    const std::size_t d1 = token.find('.');
    if (d1 == std::string_view::npos) return t;
    const std::size_t d2 = token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return t;
    if (token.size() > 1u << 20) return t;
    std::string payload = base64url_decode_string(token.substr(d1 + 1, d2 - d1 - 1));
    Json claims;
    try {
      claims = json_parse_object(payload, "access token payload");
    } catch (...) {
      secure_wipe(payload);
      return t;
    }
    secure_wipe(payload);
    t.iat = seconds_of(json_get(claims.get(), "iat"));
    t.exp = seconds_of(json_get(claims.get(), "exp"));
    for (cJSON *c = claims->child; c != nullptr; c = c->next)
      if (cJSON_IsString(c) && c->valuestring != nullptr) secure_wipe(c->valuestring, std::strlen(c->valuestring));
  } catch (...) {
    return JwtTimes{};  // not a JWT we can read
  }
  return t;
}

std::optional<std::int64_t> estimate_server_offset(const Response &response, std::string_view access_token,
                                                   std::int64_t sent_ms, std::int64_t received_ms) noexcept {
  std::optional<std::int64_t> stamp_s = jwt_times_unverified(access_token).iat;
  if (!stamp_s) {
    const std::string *date = response.header("Date");
    if (date == nullptr) return std::nullopt;
    try {
      stamp_s = parse_http_date(*date);
    } catch (...) {
      return std::nullopt;
    }
    if (!stamp_s) return std::nullopt;
  }
  if (*stamp_s < 0 || *stamp_s > 253402300799) return std::nullopt;  // before 1970 or after 9999
  const std::int64_t mid = sent_ms + (received_ms - sent_ms) / 2;
  const std::int64_t offset = *stamp_s * 1000 + 500 - mid;
  const std::int64_t noise = 500 + std::max<std::int64_t>(0, received_ms - sent_ms) / 2;
  if (offset >= -noise && offset <= noise) return 0;
  return std::clamp(offset, -kMaxServerOffsetMs, kMaxServerOffsetMs);
}

}  // namespace m2mauth::core
