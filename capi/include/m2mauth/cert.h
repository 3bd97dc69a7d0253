/*
 * cert.h: X.509 certificates: loading, fingerprints, the public key, self-signed certificates.
 *
 * A certificate handle is immutable after creation and may be used from many threads at once.
 */
#ifndef M2MAUTH_CERT_H
#define M2MAUTH_CERT_H

#include "common.h"
#include "key.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_cert m2mauth_cert;

typedef enum m2mauth_hash {
  M2MAUTH_HASH_SHA1 = 1,
  M2MAUTH_HASH_SHA256 = 2
} m2mauth_hash;

typedef enum m2mauth_fingerprint_format {
  M2MAUTH_FP_HEX_COLONS = 1, /* "AB:CD:..." upper case, as `openssl x509 -fingerprint` prints */
  M2MAUTH_FP_HEX = 2,        /* "abcd..." lower case, no separators */
  M2MAUTH_FP_BASE64URL = 3   /* base64url without padding, as the JWS "x5t" / "x5t#S256" headers */
} m2mauth_fingerprint_format;

/**
 * The first certificate ("BEGIN CERTIFICATE") in PEM text; text without a PEM certificate gives
 * M2MAUTH_EKEY. At most 1 MiB.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_cert_from_pem(m2mauth_cert **out, const uint8_t *pem, size_t len);
/** A DER-encoded certificate; bytes after the certificate give M2MAUTH_EKEY. At most 1 MiB. */
M2MAUTH_EXTERN m2mauth_status m2mauth_cert_from_der(m2mauth_cert **out, const uint8_t *der, size_t len);
/** A certificate from a regular file (or a symlink to one) holding PEM or DER, at most 1 MiB
 *  (M2MAUTH_ETOOLARGE); a FIFO, directory, device or socket is refused at once (M2MAUTH_EIO). */
M2MAUTH_EXTERN m2mauth_status m2mauth_cert_from_file(m2mauth_cert **out, const char *path);
/** Releases a certificate handle. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_cert_free(m2mauth_cert *cert);
/** The certificate's fingerprint (hash of its DER encoding) in the chosen format. */
M2MAUTH_EXTERN m2mauth_status m2mauth_cert_fingerprint(m2mauth_buf *out, const m2mauth_cert *cert,
                                                       int hash, int format);
/** The certificate's public key as a new key handle. */
M2MAUTH_EXTERN m2mauth_status m2mauth_cert_public_key(m2mauth_key **out, const m2mauth_cert *cert);
/** The certificate's DER encoding. */
M2MAUTH_EXTERN m2mauth_status m2mauth_cert_der(m2mauth_buf *out, const m2mauth_cert *cert);
/** The certificate in PEM. */
M2MAUTH_EXTERN m2mauth_status m2mauth_cert_pem(m2mauth_buf *out, const m2mauth_cert *cert);
/** The subject as an RFC 2253 string, e.g. "CN=client,O=Example". */
M2MAUTH_EXTERN m2mauth_status m2mauth_cert_subject(m2mauth_buf *out, const m2mauth_cert *cert);
/** notAfter as Unix seconds. */
M2MAUTH_EXTERN int64_t m2mauth_cert_not_after(const m2mauth_cert *cert);
/**
 * A self-signed certificate for key (for RFC 8705 self_signed_tls_client_auth and tests):
 * subject CN=common_name, valid from now - 60 s for `days` days, SHA-256 signature.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_cert_self_signed(m2mauth_cert **out, const m2mauth_key *key,
                                                       const char *common_name, unsigned int days);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_CERT_H */
