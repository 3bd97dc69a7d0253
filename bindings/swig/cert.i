/* cert.i: cert.h, X.509 certificates. */
M2MAUTH_NEW(m2mauth_cert_from_pem, m2mauth_cert)
M2MAUTH_NEW(m2mauth_cert_from_der, m2mauth_cert)
M2MAUTH_NEW(m2mauth_cert_from_file, m2mauth_cert)
M2MAUTH_TEXT(m2mauth_cert_fingerprint)
M2MAUTH_NEW(m2mauth_cert_public_key, m2mauth_key)
M2MAUTH_BYTES(m2mauth_cert_der)
M2MAUTH_TEXT(m2mauth_cert_pem)
M2MAUTH_TEXT(m2mauth_cert_subject)
M2MAUTH_VALUE(m2mauth_cert_not_after)
M2MAUTH_NEW(m2mauth_cert_self_signed, m2mauth_cert)

M2MAUTH_BYTES_IN(pem, len)
M2MAUTH_BYTES_IN(der, len)

%include "m2mauth/cert.h"
