// Internal: the boundary between the C ABI and the C++ core.
//
// Every extern "C" function body runs inside guard(): a core::Error becomes its status code and the
// thread-local error record, std::bad_alloc becomes M2MAUTH_ENOMEM, anything else M2MAUTH_ERROR.
// No exception crosses the ABI.
#pragma once

#include <new>
#include <string>
#include <string_view>

#include "m2mauth/core/error.hpp"
#include "m2mauth/errors.h"

namespace m2mauth::capi {

m2mauth_status set_error(const core::Error &e) noexcept;
m2mauth_status set_error(int code, const char *message) noexcept;

template <typename F>
m2mauth_status guard(F &&body) noexcept {
  try {
    body();
    return M2MAUTH_OK;
  } catch (const core::Error &e) {
    return set_error(e);
  } catch (const std::bad_alloc &) {
    return set_error(M2MAUTH_ENOMEM, "out of memory");
  } catch (...) {
    return set_error(M2MAUTH_ERROR, "internal error");
  }
}

// Argument checks: throw Error(invalid_argument) naming the argument.
template <typename T>
T *need(T *p, const char *name) {
  if (p == nullptr) throw core::Error(core::Errc::invalid_argument, std::string(name) + " is NULL");
  return p;
}
std::string_view need_text(const char *s, const char *name);
// Bytes: (NULL, 0) is an empty input; (NULL, n > 0) is an error.
std::string_view need_bytes(const std::uint8_t *p, std::size_t len, const char *name);

// Fills a caller's buffer (disposing what it held) with a copy of data, NUL-terminated.
void fill(m2mauth_buf *out, std::string_view data);
// Resets a caller's buffer before work starts, so a failure leaves it empty.
void reset(m2mauth_buf *out) noexcept;

}  // namespace m2mauth::capi
