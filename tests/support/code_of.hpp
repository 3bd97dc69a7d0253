// Test support: the core error code a call throws, Errc::ok when it returns.
#pragma once

#include <functional>

#include "m2mauth/core/error.hpp"

namespace m2mtest {

inline m2mauth::core::Errc code_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const m2mauth::core::Error &e) {
    return e.code();
  }
  return m2mauth::core::Errc::ok;
}

}  // namespace m2mtest
