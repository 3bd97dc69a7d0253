// Internal: the one conversion of a C clock registration (callback, payload, free_payload) into the
// core's clock, shared by every *_set_clock setter.
#pragma once

#include <utility>

#include "guard.hpp"
#include "m2mauth/common.h"
#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/payload.hpp"

namespace m2mauth::capi {

// Holds payload (released exactly once: when the clock installed by `install` is dropped, or before
// this returns if anything fails), then calls install(core::Clock): an empty clock for a NULL callback,
// which the core reads as "the system clock".
template <typename Install>
m2mauth_status set_clock(m2mauth_clock_cb clock, void *payload, m2mauth_free_cb free_payload,
                         Install &&install) noexcept {
  core::Payload held;
  if (m2mauth_status rc = guard([&] { held = core::hold_payload(payload, free_payload); })) return rc;
  return guard([&] {
    core::Clock c;
    if (clock != nullptr) c = [clock, held] { return clock(held.get()); };
    held.reset();
    install(std::move(c));
  });
}

}  // namespace m2mauth::capi
