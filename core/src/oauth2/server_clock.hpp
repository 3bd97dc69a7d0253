// Internal: how far the token server's clock is from this client's (issue 15, "clocks that disagree").
//
// Estimated from each token response: the JWT access token's "iat" when the token is a JWT with one
// (the server's own stamp of the token), else the response's Date header. Either has 1 s resolution and
// was stamped while the request was in flight, so the estimate is the stamp (plus half a second) minus
// the middle of the request; within +-(500 ms + half the round trip) it is noise and counts as 0. It is
// never trusted beyond +-kMaxServerOffsetMs (clamped): a server's broken clock cannot move a token's
// expiry by more than that.
//
// Used for absolute times the server wrote, translated into this client's clock: a JWT access token's
// "exp" caps the token's expiry at exp - offset (expires_in, a duration, needs no translation), and
// gives the lifetime when expires_in is absent; a token exchange's subject token "exp" likewise.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "m2mauth/core/request.hpp"

namespace m2mauth::core {

inline constexpr std::int64_t kMaxServerOffsetMs = 3600 * 1000;  // one hour

// iat and exp (seconds) of a compact JWS whose payload is a JSON object; nullopt members otherwise.
// Nothing is verified (the client is not the token's audience); the payload is wiped after reading.
struct JwtTimes {
  std::optional<std::int64_t> iat;
  std::optional<std::int64_t> exp;
};
JwtTimes jwt_times_unverified(std::string_view token) noexcept;

// server clock minus client clock in ms (0 within the noise; clamped to +-kMaxServerOffsetMs), or
// nullopt without a Date header or iat. sent_ms / received_ms: the client's clock around the request.
std::optional<std::int64_t> estimate_server_offset(const Response &response, std::string_view access_token,
                                                   std::int64_t sent_ms, std::int64_t received_ms) noexcept;

}  // namespace m2mauth::core
