// Test support: the core error code a call throws, Errc::ok when it returns; with message, the
// error's text too (for checks that it names a field and never a secret).
#pragma once

#include <functional>
#include <string>

#include "m2mauth/core/error.hpp"

namespace m2mtest {

inline m2mauth::core::Errc code_of(const std::function<void()> &f, std::string *message = nullptr) {
  try {
    f();
  } catch (const m2mauth::core::Error &e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  return m2mauth::core::Errc::ok;
}

}  // namespace m2mtest
