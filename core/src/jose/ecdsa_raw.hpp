// Internal: ECDSA signatures as JOSE writes them (RFC 7518 section 3.4), fixed-size big-endian R || S,
// made from the DER ECDSA-Sig-Value that OpenSSL and most KMS APIs produce (signature.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "m2mauth/core/key.hpp"

namespace m2mauth::core {

// The size of one of R and S on curve: 32, 48, 66; 0 for a curve ECDSA does not use.
std::size_t ecdsa_field_bytes(Curve curve) noexcept;

// der, one DER ECDSA-Sig-Value and nothing after it, as raw R || S of curve's size; empty when der is not
// one (or R or S does not fit). Leaves OpenSSL's error queue clear.
std::string ecdsa_der_to_raw(std::string_view der, Curve curve);

}  // namespace m2mauth::core
