// Internal: the one conversion between the versioned C options structs and the core's settings.
// Ranges are the core's (ManagerOptions::validate, HttpConfig::validate); this only reads the struct
// as its version defines it.
#pragma once

#include "m2mauth/core/http.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "m2mauth/http.h"
#include "m2mauth/oauth2.h"

namespace m2mauth::capi {

// NULL gives the defaults. Version 2: every value as given; version 1: 0 = the default, a negative
// jitter_fraction = none. Any other version: Error(invalid_argument).
core::ManagerOptions manager_options_from(const m2mauth_token_manager_options *opts);
core::HttpConfig http_config_from(const m2mauth_http_options *opts);

}  // namespace m2mauth::capi
