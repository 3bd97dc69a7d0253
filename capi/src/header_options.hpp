// Internal: m2mauth_jws_header (C, versioned) to core::JwsHeader.
#pragma once

#include "m2mauth/core/json.hpp"
#include "m2mauth/core/jws.hpp"
#include "m2mauth/jws.h"

namespace m2mauth::capi {

struct HeaderOptions {
  explicit HeaderOptions(const m2mauth_jws_header *h);
  core::JwsHeader header;
  core::Json extra;
};

}  // namespace m2mauth::capi
