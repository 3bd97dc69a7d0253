// Internal: how the C API's (scope, audience, resource) C strings become a token manager key, for
// every call that names a key (m2mauth_token_manager_get_for*, _stats_for*).
#pragma once

#include <string_view>

#include "m2mauth/core/oauth2.hpp"

namespace m2mauth::capi {

// The key, borrowed from the caller's strings (each NULL = none; a resource gives a one-item list).
// Lives no longer than the strings; ref.owned() copies it.
struct KeyArgs {
  std::string_view resource;
  core::TokenKeyRef ref;
  KeyArgs(const char *scope, const char *audience, const char *resource_or_null) {
    if (scope != nullptr) ref.scope = scope;
    if (audience != nullptr) ref.audience = audience;
    if (resource_or_null != nullptr) {
      resource = resource_or_null;
      ref.resources = &resource;
      ref.resource_count = 1;
    }
  }
  KeyArgs(const KeyArgs &) = delete;
  KeyArgs &operator=(const KeyArgs &) = delete;
};

}  // namespace m2mauth::capi
