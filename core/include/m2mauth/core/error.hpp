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
    detail_.transient = default_transient(code);
  }
  Error(Errc code, const std::string &message, ErrorDetail detail)
      : std::runtime_error(message), code_(code), detail_(std::move(detail)) {}

  Errc code() const noexcept { return code_; }
  const ErrorDetail &detail() const noexcept { return detail_; }
  bool transient() const noexcept { return detail_.transient; }

  static bool default_transient(Errc code) noexcept {
    return code == Errc::network || code == Errc::timeout || code == Errc::backoff;
  }

 private:
  Errc code_;
  ErrorDetail detail_;
};

[[noreturn]] inline void fail(Errc code, const std::string &message) { throw Error(code, message); }

inline void require(bool condition, Errc code, const char *message) {
  if (!condition) throw Error(code, message);
}

}  // namespace m2mauth::core
