// The configure-then-freeze gate's messages.
#include "m2mauth/core/freeze.hpp"

#include "m2mauth/core/error.hpp"

namespace m2mauth::core {

std::string frozen_message(const char *object, const char *setter) {
  return std::string(object) + ": " + setter + " after first use";
}

void fail_frozen(const char *object, const char *setter) { throw Error(Errc::state, frozen_message(object, setter)); }

}  // namespace m2mauth::core
