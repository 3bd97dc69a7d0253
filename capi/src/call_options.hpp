// Internal: m2mauth_call_options and m2mauth_cancel as the core's CallOptions and Cancel.
#pragma once

#include <memory>

#include "m2mauth/core/http.hpp"
#include "m2mauth/m2mauth.h"

struct m2mauth_cancel {
  std::shared_ptr<m2mauth::core::Cancel> cancel;  // shared with the _async calls that use it
};

namespace m2mauth::capi {

// The core's options for opts (NULL = none); checks the version. The cancel pointer borrows opts'.
core::CallOptions call_options(const m2mauth_call_options *opts);
// opts' cancel handle, shared (null when none).
std::shared_ptr<core::Cancel> call_cancel(const m2mauth_call_options *opts);

}  // namespace m2mauth::capi
