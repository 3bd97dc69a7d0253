// C API: randomness and encodings.
#include "guard.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/random.hpp"
#include "m2mauth/core/secret.hpp"
#include "m2mauth/m2mauth.h"

using namespace m2mauth;

extern "C" {

m2mauth_status m2mauth_util_random_bytes(m2mauth_buf *out, size_t n) {
  capi::reset(out);
  return capi::guard([&] {
    if (n == 0 || n > (1u << 20)) throw core::Error(core::Errc::invalid_argument, "n must be 1 to 1 MiB");
    core::SecretString bytes(core::random_bytes(n));
    capi::fill(out, bytes.reveal());
  });
}

m2mauth_status m2mauth_util_uuid_v4(m2mauth_buf *out) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, core::uuid_v4()); });
}

m2mauth_status m2mauth_util_base64url_encode(m2mauth_buf *out, const uint8_t *data, size_t len) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need_bytes(data, len, "data");
    capi::fill(out, core::base64url_encode(data, data == nullptr ? 0 : len));
  });
}

m2mauth_status m2mauth_util_base64url_decode(m2mauth_buf *out, const char *text) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, core::base64url_decode_string(capi::need_text(text, "text"))); });
}

int m2mauth_util_constant_time_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
  if ((a == nullptr && a_len > 0) || (b == nullptr && b_len > 0)) return 0;
  return core::constant_time_equal(a, a_len, b, b_len) ? 1 : 0;
}

}  // extern "C"
