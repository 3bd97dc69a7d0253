/* util.i: util.h. */
M2MAUTH_BYTES(m2mauth_util_random_bytes)
M2MAUTH_TEXT(m2mauth_util_uuid_v4)
M2MAUTH_TEXT(m2mauth_util_base64url_encode)
M2MAUTH_BYTES(m2mauth_util_base64url_decode)
M2MAUTH_VALUE(m2mauth_util_constant_time_equal)

M2MAUTH_BYTES_IN(data, len)
M2MAUTH_BYTES_IN(a, a_len)
M2MAUTH_BYTES_IN(b, b_len)

%include "m2mauth/util.h"
