// What a token manager observed for one cache key (issue 15): a copy, taken by TokenManager::stats().
// Never holds a secret: the key's scope, audience and resources, counters, and the last error's
// code and OAuth / vendor code (no message, no token, no exchange's subject).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "m2mauth/core/error.hpp"

namespace m2mauth::core {

// Where the key's current token came from. Values equal the C API's m2mauth_token_source.
enum class TokenSource : int {
  none = 0,       // no token cached (never fetched, or invalidated)
  fetched = 1,    // the key's first token request
  refreshed = 2,  // a later one
  shared = 3,     // reserved: a process-shared cache (issue 14)
};
// "none", "fetched", "refreshed", "shared"; "" otherwise.
const char *token_source_name(TokenSource source) noexcept;

// Refresh latency (the time one token request took, success or failure, on the steady clock) is
// counted in fixed buckets: bucket i holds requests that took at most kLatencyBoundsMs[i] ms and more
// than the previous bound; the last bucket holds everything slower than 10 s.
inline constexpr std::size_t kLatencyBuckets = 12;
inline constexpr std::array<std::int64_t, kLatencyBuckets - 1> kLatencyBoundsMs = {5,    10,   25,   50,   100,  250,
                                                                                   500,  1000, 2500, 5000, 10000};
// The bucket of a latency (negative counts as 0).
std::size_t latency_bucket(std::int64_t ms) noexcept;

struct TokenStats {
  // The key (empty strings: none). An RFC 8693 exchange's key says only that it is one.
  std::string scope;
  std::string audience;
  std::vector<std::string> resources;
  bool exchange = false;
  bool configured = false;  // the manager's configured key

  std::uint64_t cache_hits = 0;          // reads served from the cache without waiting
  std::uint64_t requests_ok = 0;         // token requests that gave a token
  std::uint64_t requests_transient = 0;  // ... that failed and may succeed if retried
  std::uint64_t requests_permanent = 0;  // ... that failed for good (invalid_client & co.)
  std::uint64_t waits = 0;               // reads that waited for a token request (get and get_async)
  // The time those reads spent waiting, in total: a get's wait, and a get_async's from the call that
  // queued it to its completion (token, error, timeout, cancel or the manager freed). Both are
  // counted when the wait ends.
  std::int64_t wait_ms_total = 0;
  std::array<std::uint64_t, kLatencyBuckets> refresh_latency{};  // see kLatencyBoundsMs

  bool has_token = false;
  TokenSource source = TokenSource::none;
  std::int64_t expires_at_ms = 0;  // the current token's expiry (Unix ms, the client's clock); 0: none
  std::int64_t expires_in_ms = 0;  // expires_at_ms minus now, negative once expired; 0: none
  std::int64_t refresh_at_ms = 0;  // when a read starts the next refresh; 0: none

  // The last failed request (kept after later successes; requests_* say which came last): 0 = none.
  int last_error_code = 0;  // Errc value
  ErrorCategory last_error_category = ErrorCategory::none;
  int last_http_status = 0;
  std::string last_oauth_error;  // RFC 6749 "error" code (at most 64 bytes of printable ASCII), or ""
  std::int64_t last_vendor_code = 0;

  // The token server's clock minus this client's (TokenClient::server_clock_offset_ms), for the
  // manager's client as a whole; has_clock_offset false before an answer showed it.
  bool has_clock_offset = false;
  std::int64_t clock_offset_ms = 0;

  // Compact JSON with these names ("refresh_latency" an array, "source" and "last_error_category"
  // their names; "refresh_latency_bounds_ms" the bucket bounds).
  std::string to_json() const;
};

// Several keys' stats as one JSON object: {"client_id":...,"keys":[...]}.
std::string token_stats_json(const std::string &client_id, const std::vector<TokenStats> &keys);

}  // namespace m2mauth::core
