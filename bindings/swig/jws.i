/* jws.i: jws.h, algorithms and compact JWS. */
M2MAUTH_NUMBER(m2mauth_alg_from_name)
M2MAUTH_VALUE(m2mauth_alg_name)
M2MAUTH_VALUE(m2mauth_alg_bit)
M2MAUTH_NUMBER(m2mauth_alg_set_parse)
M2MAUTH_VALUE(m2mauth_alg_default_for)

M2MAUTH_TEXT(m2mauth_jws_sign)
M2MAUTH_TEXT(m2mauth_jws_sign_protected)
M2MAUTH_BYTES(m2mauth_jws_verify)

M2MAUTH_BYTES_IN(payload, len)
M2MAUTH_BYTES_IN(protected_header, header_len)

%include "m2mauth/jws.h"
