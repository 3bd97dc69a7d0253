// Internal: the one conversion between the versioned C options structs and the core's settings.
// Ranges are the core's (ManagerOptions::validate, HttpConfig::validate, check_assertion_options); this
// only reads the struct as its version defines it.
#pragma once

#include "m2mauth/core/http.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "m2mauth/http.h"
#include "m2mauth/oauth2.h"

namespace m2mauth::capi {

// NULL gives the defaults. Version 2: every value as given; version 1: 0 = the default, a negative
// jitter_fraction = none. Any other version: Error(invalid_argument).
core::ManagerOptions manager_options_from(const m2mauth_token_manager_options *opts);
core::HttpConfig http_config_from(const m2mauth_http_options *opts);
// Version 2: every member as given; version 1: clock_skew_s (which its struct does not have) is the
// default. The core's ranges (check_assertion_options), refused as Error(invalid_argument) naming
// the member ("m2mauth_assertion_options.clock_skew_s: ..."); an unknown alg as Error(algorithm).
core::AssertionOptions assertion_options_from(const m2mauth_assertion_options *opts);

}  // namespace m2mauth::capi
