/* key.i: key.h, keys. */
M2MAUTH_NEW(m2mauth_key_generate_rsa, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_generate_ec, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_generate_ed25519, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_generate_hmac, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_from_secret, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_from_pem, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_from_der, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_from_file, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_from_jwk, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_from_jwks, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_public, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_with_kid, m2mauth_key)
M2MAUTH_NEW(m2mauth_key_from_pkcs11, m2mauth_key)

M2MAUTH_VALUE(m2mauth_key_type_of)
M2MAUTH_VALUE(m2mauth_key_bits)
M2MAUTH_VALUE(m2mauth_key_curve)
M2MAUTH_VALUE(m2mauth_key_has_private)
M2MAUTH_VALUE(m2mauth_key_is_signer)
M2MAUTH_VALUE(m2mauth_key_kid)

M2MAUTH_TEXT(m2mauth_key_private_pem)
M2MAUTH_TEXT(m2mauth_key_public_pem)
M2MAUTH_BYTES(m2mauth_key_public_der)
M2MAUTH_TEXT(m2mauth_key_public_jwk)
M2MAUTH_TEXT(m2mauth_key_private_jwk)
M2MAUTH_TEXT(m2mauth_key_thumbprint)
M2MAUTH_TEXT(m2mauth_key_jwks)

M2MAUTH_BYTES_IN(secret, len)
M2MAUTH_BYTES_IN(pem, len)
M2MAUTH_BYTES_IN(der, len)
/* m2mauth_key_jwks: an array of key handles. */
%apply (const m2mauth_key *const *KEYS, size_t KEYS_LEN) { (const m2mauth_key *const *keys, size_t n) };

/* The PIN of m2mauth_key_from_pkcs11 is a secret like a passphrase (may be NULL). */
%apply const char *passphrase { const char *pin };

/* Key sources (rotation): the source handle; its secret (a passphrase or PIN, may be NULL) crosses as
   bytes the caller wipes, like a passphrase. */
M2MAUTH_HANDLE(m2mauth_key_source, KeySourceHandle, m2mauth_key_source_free)
M2MAUTH_NEW(m2mauth_key_source_new, m2mauth_key_source)
M2MAUTH_STATUS(m2mauth_key_source_reload)
M2MAUTH_NEW(m2mauth_key_source_current, m2mauth_key)
M2MAUTH_SECRET_BYTES(secret)

/* May be NULL: kid in m2mauth_key_from_jwks, alg and use in m2mauth_key_public_jwk. */
M2MAUTH_OPTIONAL_TEXT(kid)
M2MAUTH_OPTIONAL_TEXT(alg)
M2MAUTH_OPTIONAL_TEXT(use)
%include "m2mauth/key.h"
M2MAUTH_OPTIONAL_TEXT_END(kid)
M2MAUTH_OPTIONAL_TEXT_END(alg)
M2MAUTH_OPTIONAL_TEXT_END(use)
M2MAUTH_SECRET_BYTES_END(secret)
