/*
 * key.h: keys (RSA, EC, Ed25519, HMAC). Certificates are in cert.h.
 *
 * A key handle holds a parsed key, reused by every signature. Handles are immutable after creation and
 * may be used from many threads at once. Secret material is wiped when the last user releases it.
 */
#ifndef M2MAUTH_KEY_H
#define M2MAUTH_KEY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_key m2mauth_key;
typedef struct m2mauth_key_source m2mauth_key_source;

/** Key families, named as the JWK "kty" values. */
typedef enum m2mauth_key_type {
  M2MAUTH_KEY_RSA = 1,
  M2MAUTH_KEY_EC = 2,
  M2MAUTH_KEY_OKP = 3, /* Ed25519 */
  M2MAUTH_KEY_OCT = 4  /* HMAC secret */
} m2mauth_key_type;

/* ---- creation ---------------------------------------------------------------------------------- */

/** A new RSA key pair; bits is 2048, 3072 or 4096. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_generate_rsa(m2mauth_key **out, unsigned int bits);
/** A new EC key pair; curve is "P-256", "P-384" or "P-521". */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_generate_ec(m2mauth_key **out, const char *curve);
/** A new Ed25519 key pair. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_generate_ed25519(m2mauth_key **out);
/** A random HMAC secret of len bytes (16 to 1024) from the OS CSPRNG. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_generate_hmac(m2mauth_key **out, size_t len);
/** An HMAC key from secret bytes (1 to 1 MiB); the bytes are copied. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_from_secret(m2mauth_key **out, const uint8_t *secret, size_t len);

/**
 * A key from PEM text: a private key (PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY", PKCS#8
 * "PRIVATE KEY", encrypted PKCS#8 "ENCRYPTED PRIVATE KEY" with passphrase), a public key (SPKI
 * "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY") or an X.509 certificate (its public key). passphrase may be
 * NULL; a wrong or missing passphrase gives M2MAUTH_EPASSPHRASE.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_from_pem(m2mauth_key **out, const uint8_t *pem, size_t len,
                                                   const char *passphrase);
/** The same for DER: PKCS#8 (possibly encrypted), PKCS#1, SEC1, SPKI or an X.509 certificate. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_from_der(m2mauth_key **out, const uint8_t *der, size_t len,
                                                   const char *passphrase);
/** A key from a regular file (or a symlink to one) holding PEM or DER, at most 1 MiB (M2MAUTH_ETOOLARGE);
 *  a FIFO, directory, device or socket is refused at once (M2MAUTH_EIO). */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_from_file(m2mauth_key **out, const char *path,
                                                    const char *passphrase);
/**
 * A key from a JWK (RFC 7517/7518 JSON object: RSA, EC, OKP Ed25519 or oct; public or private). A JWK
 * "alg" binds the key to that algorithm: it signs by default with it and signs or verifies with no other
 * (M2MAUTH_EALGORITHM), and its exported JWK keeps the member. "alg" of another key type is
 * M2MAUTH_EKEY; an "alg" that is not a JWS algorithm, "use" other than "sig" or "key_ops" without
 * "sign"/"verify" is M2MAUTH_EUNSUPPORTED (such keys are skipped in a JWKS).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_from_jwk(m2mauth_key **out, const char *jwk_json);
/**
 * The key with the given "kid" from a JWKS ({"keys":[...]}). kid NULL picks the only key of a
 * one-key set. No match gives M2MAUTH_ENOTFOUND. Keys of unsupported types in the set are skipped.
 * The set may hold private keys (a signing key stored as a JWKS); m2mauth_verifier_from_jwks reads
 * sets of public keys only. Exports stay explicit: m2mauth_key_public_jwk and m2mauth_key_jwks write
 * public members only, m2mauth_key_private_jwk and m2mauth_key_private_pem the private ones.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_from_jwks(m2mauth_key **out, const char *jwks_json,
                                                    const char *kid);
/** A new handle holding only the public part of key. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_public(m2mauth_key **out, const m2mauth_key *key);
/** A new handle for the same key with "kid" set (used by JWK export and as the default JWS kid). */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_with_kid(m2mauth_key **out, const m2mauth_key *key,
                                                   const char *kid);
/* ---- signer keys: the private key stays in a KMS, an HSM or another process ------------------ */

/**
 * What a sign callback answers with: set a signature with m2mauth_signature_set, or say why it cannot
 * sign with m2mauth_signature_fail. Borrowed for the call only.
 */
typedef struct m2mauth_signature m2mauth_signature;

/**
 * Signs exactly input_len bytes of input (the JWS signing input, or the OAuth 1.0 signature base
 * string) with alg: a JWS name ("RS256", "PS256", "ES256", "EdDSA", ...) or "RSA-SHA1" (OAuth 1.0
 * RSA-SHA1: RSASSA-PKCS1-v1_5 over SHA-1; OAuth 1.0 RSA-SHA256 asks for "RS256"). The callback hashes
 * input itself as alg says (a KMS "sign message" call, or a digest then a "sign digest" call).
 *
 * Answer: m2mauth_signature_set with the signature as JOSE has it (RSA: modulus-sized bytes; EdDSA: 64
 * bytes; ECDSA: raw R || S of twice the field size, or a DER ECDSA-Sig-Value, which most KMS APIs
 * return and m2mauth converts), and return M2MAUTH_OK. On failure return any negative status, after
 * m2mauth_signature_fail with a message when there is one: the signing call then fails with
 * M2MAUTH_ESIGNER and that message (capped at 200 bytes, control characters escaped; it must not hold
 * secrets). Every signature is verified with the public key before use: one that does not verify is
 * M2MAUTH_ESIGNER too.
 *
 * Threads: m2mauth never calls one signer from two threads at once (the calls of a signer key and of
 * the handles made from it with m2mauth_key_with_kid are serialised), so the callback needs no lock; a
 * slow signer limits the signing rate of its key. The callback must not sign with its own key (that
 * call fails with M2MAUTH_ESTATE).
 */
typedef m2mauth_status (*m2mauth_sign_cb)(m2mauth_signature *out, const char *alg, const uint8_t *input,
                                          size_t input_len, void *payload);

/** The callback's signature (copied). M2MAUTH_EINVAL for NULL arguments or more than 16 KiB. */
M2MAUTH_EXTERN m2mauth_status m2mauth_signature_set(m2mauth_signature *out, const uint8_t *signature, size_t len);
/** The callback's reason for failing (copied; NULL or "" for none). */
M2MAUTH_EXTERN m2mauth_status m2mauth_signature_fail(m2mauth_signature *out, const char *message);

/**
 * A private key held by a signer (a cloud KMS, a Vault transit key, an HSM): it signs everywhere a
 * private key does (JWS and JWT signing, private_key_jwt client assertions, OAuth 1.0 RSA-SHA1 and
 * RSA-SHA256, proofs), through sign. public_key (an RSA, EC or Ed25519 key; a private one is used for
 * its public part) says what the key is; its kid, if any, becomes the new key's. alg (an m2mauth_alg)
 * binds the key to one algorithm, as a JWK "alg" does; 0 leaves it free (then each call tells the
 * callback which algorithm). The private key cannot be exported (m2mauth_key_private_pem and
 * m2mauth_key_private_jwk fail with M2MAUTH_ENOPRIVATE) nor decrypt. free_payload (may be NULL) is
 * called exactly once: when the last handle using the signer is freed, or before this call returns if
 * it fails.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_from_signer(m2mauth_key **out, int alg, const m2mauth_key *public_key,
                                                      m2mauth_sign_cb sign, void *payload,
                                                      m2mauth_free_cb free_payload);
/** 1 if key is a signer key (m2mauth_key_from_signer), else 0. */
M2MAUTH_EXTERN int m2mauth_key_is_signer(const m2mauth_key *key);

/**
 * A private key held by a PKCS#11 token (an HSM, a smart card, SoftHSM), named by an RFC 7512 URI such
 * as "pkcs11:token=prod;object=signing-key;type=private". It signs everywhere a private key does; the
 * private key never leaves the token. Loaded through OpenSSL's pkcs11 engine (Debian:
 * libengine-pkcs11-openssl; M2MAUTH_EUNSUPPORTED when it is missing).
 *
 * The PIN: pin (may be NULL), else the URI's pin-value attribute, else the environment variable
 * M2MAUTH_PKCS11_PIN. The module: the URI's module-path query attribute ("?module-path=/usr/lib/
 * softhsm/libsofthsm2.so"), else M2MAUTH_PKCS11_MODULE, else the engine's default (p11-kit). One module
 * per process. The PIN never appears in messages (pin-value is shown as "<redacted>"). No such token or
 * object, or a wrong PIN, is M2MAUTH_EKEY. PKCS#11 login state belongs to the process: once a key of a
 * token was loaded with the right PIN, the token stays logged in and later loads do not check a PIN again.
 * The same URI as an m2mauth_http_options client_key keeps the mTLS key in the token too.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_from_pkcs11(m2mauth_key **out, const char *uri, const char *pin);

/* ---- key sources: rotation without a restart --------------------------------------------------- */

/**
 * A key loaded from location, a file (PEM or DER, as m2mauth_key_from_file) or a pkcs11: URI (as
 * m2mauth_key_from_pkcs11), and loaded again later: by m2mauth_key_source_reload (e.g. from the thread
 * that handles SIGHUP; never call m2mauth from a signal handler), and, when reload_interval_ms > 0, on
 * the first use after that many milliseconds (a failure then keeps the current key and waits another
 * interval). secret is the file's passphrase or the token's PIN (may be NULL). A key without a kid gets
 * its RFC 7638 thumbprint as kid, so assertions signed by a rotated key name the new key. The key is
 * loaded now: failures are those of the loaders; a public key is M2MAUTH_ENOPRIVATE. Thread-safe.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_source_new(m2mauth_key_source **out, const char *location,
                                                     const char *secret, int64_t reload_interval_ms);
/** Loads the key again now. On failure the source keeps its current key. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_source_reload(m2mauth_key_source *source);
/** A new handle for the source's current key (reloaded first when the interval has passed). */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_source_current(m2mauth_key **out, m2mauth_key_source *source);
/** Releases the caller's reference; clients using the source keep it. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_key_source_free(m2mauth_key_source *source);

/** Releases a key handle. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_key_free(m2mauth_key *key);

/* ---- inspection -------------------------------------------------------------------------------- */

/** The key's m2mauth_key_type, or 0 for NULL. */
M2MAUTH_EXTERN int m2mauth_key_type_of(const m2mauth_key *key);
/** Size in bits (RSA modulus, EC field, 256 for Ed25519, secret length * 8 for HMAC). */
M2MAUTH_EXTERN unsigned int m2mauth_key_bits(const m2mauth_key *key);
/** "P-256", "P-384", "P-521", "Ed25519", or "" for RSA and HMAC keys. Static string. */
M2MAUTH_EXTERN const char *m2mauth_key_curve(const m2mauth_key *key);
/** 1 if the handle holds private (or secret) material, else 0. */
M2MAUTH_EXTERN int m2mauth_key_has_private(const m2mauth_key *key);
/** The key's "kid", or "" if none. Valid as long as the handle. */
M2MAUTH_EXTERN const char *m2mauth_key_kid(const m2mauth_key *key);

/* ---- export ------------------------------------------------------------------------------------ */

/** The private key as PKCS#8 PEM; encrypted (AES-256-CBC, PBKDF2) when passphrase is not NULL. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_private_pem(m2mauth_buf *out, const m2mauth_key *key,
                                                      const char *passphrase);
/** The public key as SPKI PEM ("BEGIN PUBLIC KEY"), what `openssl rsa -pubout` writes. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_public_pem(m2mauth_buf *out, const m2mauth_key *key);
/** The public key as SPKI DER. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_public_der(m2mauth_buf *out, const m2mauth_key *key);
/**
 * The public key as a JWK JSON object. Members "kid" (the key's kid, if any), "alg" and "use" are
 * added when the arguments are not NULL. HMAC keys have no public form (M2MAUTH_EKEYTYPE).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_public_jwk(m2mauth_buf *out, const m2mauth_key *key,
                                                     const char *alg, const char *use);
/** The private key as a JWK JSON object (a secret: handle with care). */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_private_jwk(m2mauth_buf *out, const m2mauth_key *key);
/** A JWKS {"keys":[...]} of the public JWKs of n keys. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_jwks(m2mauth_buf *out, const m2mauth_key *const *keys, size_t n);
/** RFC 7638 JWK thumbprint: SHA-256 over the canonical JWK members, base64url without padding. */
M2MAUTH_EXTERN m2mauth_status m2mauth_key_thumbprint(m2mauth_buf *out, const m2mauth_key *key);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_KEY_H */
