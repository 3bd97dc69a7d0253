/*
 * jws.h: JWS algorithms and compact JWS (RFC 7515, RFC 7518, RFC 8037).
 */
#ifndef M2MAUTH_JWS_H
#define M2MAUTH_JWS_H

#include "common.h"
#include "cert.h"
#include "key.h"

#ifdef __cplusplus
extern "C" {
#endif

/** JWS algorithms. "none" is not an algorithm here and is always refused. */
typedef enum m2mauth_alg {
  M2MAUTH_ALG_HS256 = 1,
  M2MAUTH_ALG_HS384 = 2,
  M2MAUTH_ALG_HS512 = 3,
  M2MAUTH_ALG_RS256 = 4,
  M2MAUTH_ALG_RS384 = 5,
  M2MAUTH_ALG_RS512 = 6,
  M2MAUTH_ALG_PS256 = 7,
  M2MAUTH_ALG_PS384 = 8,
  M2MAUTH_ALG_PS512 = 9,
  M2MAUTH_ALG_ES256 = 10,
  M2MAUTH_ALG_ES384 = 11,
  M2MAUTH_ALG_ES512 = 12,
  M2MAUTH_ALG_EDDSA = 13
} m2mauth_alg;

/**
 * Allow-lists are bit sets: bit (1 << alg) allows alg. M2MAUTH_ALG_BIT(M2MAUTH_ALG_RS256) |
 * M2MAUTH_ALG_BIT(M2MAUTH_ALG_ES256), or m2mauth_alg_set_parse(&set, "RS256,ES256").
 */
#define M2MAUTH_ALG_BIT(alg) (1u << (unsigned int)(alg))

/** Writes the algorithm named name ("RS256", ...) to out; M2MAUTH_EALGORITHM if unknown or "none". */
M2MAUTH_EXTERN m2mauth_status m2mauth_alg_from_name(int *out, const char *name);
/** The JOSE name of alg, or "" if unknown. Static string. */
M2MAUTH_EXTERN const char *m2mauth_alg_name(int alg);
/** M2MAUTH_ALG_BIT as a function, for bindings. 0 for an unknown alg. */
M2MAUTH_EXTERN uint32_t m2mauth_alg_bit(int alg);
/** An allow-list from names separated by commas or spaces ("RS256, ES256"). */
M2MAUTH_EXTERN m2mauth_status m2mauth_alg_set_parse(uint32_t *out, const char *names);
/** The usual algorithm for key: RS256, ES256/ES384/ES512 by curve, EdDSA, HS256. 0 for NULL. */
M2MAUTH_EXTERN int m2mauth_alg_default_for(const m2mauth_key *key);

/** Which certificate-derived members to put in a header (bits of m2mauth_jws_header.cert_members). */
#define M2MAUTH_HEADER_X5T 1u      /* "x5t": SHA-1 thumbprint of the certificate */
#define M2MAUTH_HEADER_X5T_S256 2u /* "x5t#S256": SHA-256 thumbprint */
#define M2MAUTH_HEADER_X5C 4u      /* "x5c": [base64 DER of the certificate] */

#define M2MAUTH_JWS_HEADER_VERSION 1

/**
 * Protected header options for signing. Initialise with M2MAUTH_JWS_HEADER_INIT or
 * m2mauth_jws_header_init(). NULL pointers mean "default"; an empty string omits the member.
 */
typedef struct m2mauth_jws_header {
  unsigned int version;   /* M2MAUTH_JWS_HEADER_VERSION */
  int alg;                /* m2mauth_alg; 0 = m2mauth_alg_default_for(key) */
  const char *typ;        /* NULL: none for JWS, "JWT" for JWT */
  const char *kid;        /* NULL: the key's kid if it has one */
  const char *cty;        /* NULL: none */
  const m2mauth_cert *cert;  /* certificate for x5t / x5t#S256 / x5c, or NULL */
  unsigned int cert_members; /* M2MAUTH_HEADER_* bits, used with cert */
  const char *extra_json; /* a JSON object whose members are added (may not override "alg") */
} m2mauth_jws_header;

#define M2MAUTH_JWS_HEADER_INIT {M2MAUTH_JWS_HEADER_VERSION, 0, NULL, NULL, NULL, NULL, 0u, NULL}

/** Sets *opts to the defaults. */
M2MAUTH_EXTERN m2mauth_status m2mauth_jws_header_init(m2mauth_jws_header *opts, unsigned int version);

/** Signs payload as a compact JWS "header.payload.signature". header may be NULL. */
M2MAUTH_EXTERN m2mauth_status m2mauth_jws_sign(m2mauth_buf *out, const m2mauth_key *key,
                                               const uint8_t *payload, size_t len,
                                               const m2mauth_jws_header *header);
/**
 * Signs with exactly the given protected-header bytes (a JSON object with "alg"), without
 * re-serialising them: for reproducing known-answer vectors such as RFC 7515 appendix A.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_jws_sign_protected(m2mauth_buf *out, const m2mauth_key *key,
                                                         const uint8_t *protected_header, size_t header_len,
                                                         const uint8_t *payload, size_t len);
/**
 * Verifies a compact JWS with key, accepting only the algorithms in allowed (an allow-list bit set,
 * never empty), and writes the payload to out. The key type must match the algorithm. "none",
 * "crit" members and tokens over 1 MiB are refused.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_jws_verify(m2mauth_buf *out, const m2mauth_key *key, const char *token,
                                                 uint32_t allowed);
/**
 * DANGEROUS: splits a compact JWS WITHOUT verifying anything and returns its header JSON and payload.
 * For routing (reading "kid") and diagnostics only; never trust what it returns.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_jws_decode_unverified(m2mauth_buf *out_header, m2mauth_buf *out_payload,
                                                            const char *token);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_JWS_H */
