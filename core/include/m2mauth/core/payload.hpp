// An application's callback context: the opaque pointer a C caller registers with a callback, owned by
// one small holder that releases it exactly once, when the last copy of the callback holding it goes.
#pragma once

#include <memory>

namespace m2mauth::core {

using Payload = std::shared_ptr<void>;

// Holds payload, to be released by release (may be null: nothing to release). If the holder cannot be
// allocated, payload is released at once and std::bad_alloc thrown.
inline Payload hold_payload(void *payload, void (*release)(void *)) {
  struct Release {
    void (*fn)(void *);
    void operator()(void *p) const noexcept {
      if (fn != nullptr) fn(p);
    }
  };
  return Payload(payload, Release{release});  // on failure the deleter runs before the throw
}

}  // namespace m2mauth::core
