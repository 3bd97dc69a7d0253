// Randomness from the OS CSPRNG (OpenSSL's RAND_bytes, seeded from getrandom).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace m2mauth::core {

void random_fill(std::uint8_t *out, std::size_t len);
std::string random_bytes(std::size_t len);
// RFC 9562 UUID version 4, lower-case 8-4-4-4-12 form.
std::string uuid_v4();
// A uniformly random double in [0, 1), for jitter (not for secrets: a per-thread generator seeded from
// the CSPRNG).
double random_unit();

}  // namespace m2mauth::core
