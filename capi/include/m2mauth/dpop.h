/*
 * dpop.h: DPoP (RFC 9449), tokens bound to a key the client proves it holds.
 *
 * An m2mauth_dpop is a proof key (EC P-256 by default; P-384, P-521, Ed25519 or RSA allowed) with its
 * public JWK, its RFC 7638 thumbprint and the newest server nonce of each origin it talked to. Given to
 * a token client (m2mauth_token_client_set_dpop), every token request carries a proof; a token whose
 * token_type is DPoP is then sent by the token manager as "Authorization: DPoP <token>" with a fresh
 * proof (ath, nonce) on every managed request; a use_dpop_nonce challenge is retried once with the
 * nonce the server sent. m2mauth_dpop_proof makes a proof for any other request.
 */
#ifndef M2MAUTH_DPOP_H
#define M2MAUTH_DPOP_H

#include "common.h"
#include "errors.h"
#include "key.h"
#include "oauth2.h"
#include "request.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_dpop m2mauth_dpop;

#define M2MAUTH_DPOP_OPTIONS_VERSION 1

/**
 * How proofs are made. Initialise with M2MAUTH_DPOP_OPTIONS_INIT or m2mauth_dpop_options_init().
 */
typedef struct m2mauth_dpop_options {
  unsigned int version; /* M2MAUTH_DPOP_OPTIONS_VERSION */
  int alg;              /* an m2mauth_alg of the key's family (ES256/384/512, EdDSA, RS256/384/512,
                           PS256/384/512); 0 (default): the key's default (ES256 for P-256, EdDSA,
                           RS256 for RSA) */
} m2mauth_dpop_options;

#define M2MAUTH_DPOP_OPTIONS_INIT {M2MAUTH_DPOP_OPTIONS_VERSION, 0}

/** Writes the defaults of version (M2MAUTH_DPOP_OPTIONS_VERSION) into opts; M2MAUTH_EINVAL otherwise. */
M2MAUTH_EXTERN m2mauth_status m2mauth_dpop_options_init(m2mauth_dpop_options *opts, unsigned int version);

/**
 * A DPoP proof key. key: a private key (shared, not copied); NULL: a fresh EC P-256 key made here.
 * opts: NULL for the defaults. M2MAUTH_EKEYTYPE for an HMAC key or an alg that does not fit the key,
 * M2MAUTH_ENOPRIVATE for a public key, M2MAUTH_EALGORITHM for an unknown alg, M2MAUTH_EINVAL for an
 * unknown options version.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_dpop_new(m2mauth_dpop **out, const m2mauth_key *key,
                                               const m2mauth_dpop_options *opts);
/** NULL-safe. Token clients given the key keep it alive. */
M2MAUTH_EXTERN void m2mauth_dpop_free(m2mauth_dpop *dpop);

/** The RFC 7638 SHA-256 thumbprint of the public key, base64url: the "jkt" of bound tokens (for logs). */
M2MAUTH_EXTERN m2mauth_status m2mauth_dpop_thumbprint(m2mauth_buf *out, const m2mauth_dpop *dpop);
/** The public JWK the proofs carry (no private member). */
M2MAUTH_EXTERN m2mauth_status m2mauth_dpop_public_jwk(m2mauth_buf *out, const m2mauth_dpop *dpop);

/**
 * A proof (RFC 9449 section 4.2) for one request: typ dpop+jwt, the public JWK, a fresh 128-bit jti,
 * htm = method, htu = url without query and fragment (scheme and host lower-cased, default port
 * removed), iat = now (system clock), ath when access_token is not NULL (base64url SHA-256 of it), and
 * nonce: the given one, or when NULL the newest remembered for url's origin (none if there is none).
 * M2MAUTH_EINVAL for a URL that is not absolute http(s) or a method that is not an HTTP token.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_dpop_proof(m2mauth_buf *out, m2mauth_dpop *dpop, const char *method,
                                                 const char *url, const char *access_token, const char *nonce);

/**
 * For requests the application sends itself: remembers response's DPoP-Nonce header (if any) as the
 * newest nonce of url's origin and writes 1 to out when response asks for a nonce (a 400 with error
 * "use_dpop_nonce" from a token endpoint, or a 401 with WWW-Authenticate: DPoP error="use_dpop_nonce"):
 * then one new proof (m2mauth_dpop_proof with nonce NULL) answers it. out may be NULL.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_dpop_observe(int *out, m2mauth_dpop *dpop, const char *url,
                                                   const m2mauth_response *response);

/**
 * Makes every token request of client carry a proof of dpop's key (shared: the nonces it learns serve
 * the client's managers too), and managers of client cache its tokens under the key's thumbprint and
 * send DPoP-bound tokens with proofs. A Bearer answer to a DPoP token request is used as a Bearer token
 * (README, DPoP). NULL turns DPoP off. M2MAUTH_ESTATE once the client is in use.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_dpop(m2mauth_token_client *client, const m2mauth_dpop *dpop);

/**
 * The DPoP key of manager's token client (m2mauth_token_client_set_dpop, or a configuration's
 * oauth2.dpop_key): a new handle sharing the key and the nonces it remembers, so that a transport
 * of the application (Go's Transport, the Python adapters, Java's send) proves with the manager's key
 * (m2mauth_dpop_proof) and teaches it the server's nonces (m2mauth_dpop_observe). *out is NULL, with
 * M2MAUTH_OK, when the manager has no DPoP key.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_dpop(m2mauth_dpop **out, const m2mauth_token_manager *manager);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_DPOP_H */
