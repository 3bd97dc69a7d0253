// The core's error type. The C layer turns it into a status code and the thread-local error record.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace m2mauth::core {

// Values equal the C API's m2mauth_error_code (checked by static_assert in capi/src/errors.cpp).
enum class Errc : int {
  ok = 0,
  generic = -1,
  invalid_argument = -2,
  out_of_memory = -3,
  unsupported = -4,
  too_large = -5,
  not_found = -6,
  state = -7,
  io = -8,
  config = -9,
  key = -10,
  key_type = -11,
  passphrase = -12,
  no_private = -13,
  signer = -14,
  malformed = -20,
  signature = -21,
  algorithm = -22,
  expired = -23,
  not_yet_valid = -24,
  iat = -25,
  claim = -26,
  missing_claim = -27,
  network = -40,
  timeout = -41,
  tls = -42,
  insecure = -43,
  http = -44,
  oauth = -45,
  protocol = -46,
  vendor = -47,
  unauthorized = -48,
  cancelled = -49,
  backoff = -50,
};

// What kind of failure a code is: the one table bindings derive their exception families from.
// Values equal the C API's m2mauth_category (checked in capi/src/errors.cpp); never reordered or
// reused. A new code joins an existing category or gets a new value at the end.
enum class ErrorCategory : int {
  none = 0,                 // ok
  internal = 1,             // generic, out_of_memory, and codes this table does not know
  input = 2,                // invalid_argument, too_large
  unsupported = 3,          // unsupported
  not_found = 4,            // not_found
  state = 5,                // state
  io = 6,                   // io
  config = 7,               // config
  key = 8,                  // key, key_type, passphrase, no_private, signer
  verification = 9,         // malformed, signature, algorithm, expired, not_yet_valid, iat, claim, missing_claim
  network = 10,             // network
  timeout = 11,             // timeout
  tls = 12,                 // tls
  insecure_transport = 13,  // insecure
  http = 14,                // http
  protocol = 15,            // protocol
  oauth_refusal = 16,       // oauth
  vendor = 17,              // vendor
  unauthorized = 18,        // unauthorized
  cancelled = 19,           // cancelled
  backoff = 20,             // backoff
};

// The category of a code (internal for codes it does not know, none for ok).
ErrorCategory error_category(Errc code) noexcept;
// The category of a status value as the C API passes it (any int).
ErrorCategory error_category(int code) noexcept;
// A static name, e.g. "verification"; "unknown" for a value outside the enum.
const char *error_category_name(ErrorCategory category) noexcept;
// True for codes that are transient by nature (network, timeout, backoff).
bool transient_by_nature(Errc code) noexcept;
// The one transient rule the C API (m2mauth_error_is_transient) and every binding apply to a failure:
// its details say so (`flagged`: HTTP 5xx, 429, a passing proxy page) or its code is transient by nature.
bool is_transient(Errc code, bool flagged) noexcept;

// Details that protocol errors carry beyond code and message. Never holds secrets.
struct ErrorDetail {
  bool transient = false;
  int http_status = 0;
  std::string oauth_error;
  std::string oauth_error_description;
  std::string oauth_error_uri;
  std::int64_t vendor_code = 0;
  std::int64_t retry_after_ms = 0;
};

class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string &message) : std::runtime_error(message), code_(code) {
    detail_.transient = transient_by_nature(code);
  }
  Error(Errc code, const std::string &message, ErrorDetail detail)
      : std::runtime_error(message), code_(code), detail_(std::move(detail)) {}

  Errc code() const noexcept { return code_; }
  const ErrorDetail &detail() const noexcept { return detail_; }
  // The details' flag (set from the code's nature unless the thrower gave details); is_transient() is
  // the rule callers of the library see.
  bool transient() const noexcept { return detail_.transient; }
  ErrorCategory category() const noexcept { return error_category(code_); }

 private:
  Errc code_;
  ErrorDetail detail_;
};

[[noreturn]] inline void fail(Errc code, const std::string &message) { throw Error(code, message); }

inline void require(bool condition, Errc code, const char *message) {
  if (!condition) throw Error(code, message);
}

}  // namespace m2mauth::core
