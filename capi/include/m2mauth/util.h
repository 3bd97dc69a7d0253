/*
 * util.h: randomness and encodings that applications and bindings need next to the protocols.
 */
#ifndef M2MAUTH_UTIL_H
#define M2MAUTH_UTIL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** n (1 to 1 MiB) random bytes from the OS CSPRNG. */
M2MAUTH_EXTERN m2mauth_status m2mauth_util_random_bytes(m2mauth_buf *out, size_t n);
/** A random UUID v4 in its 36-character text form. */
M2MAUTH_EXTERN m2mauth_status m2mauth_util_uuid_v4(m2mauth_buf *out);
/** base64url without padding (RFC 7515 section 2). */
M2MAUTH_EXTERN m2mauth_status m2mauth_util_base64url_encode(m2mauth_buf *out, const uint8_t *data, size_t len);
/** Decodes base64url; padding and non-alphabet characters are refused (M2MAUTH_EMALFORMED). */
M2MAUTH_EXTERN m2mauth_status m2mauth_util_base64url_decode(m2mauth_buf *out, const char *text);
/** Compares two byte strings in time that depends only on the lengths; 1 if equal, else 0. */
M2MAUTH_EXTERN int m2mauth_util_constant_time_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_UTIL_H */
