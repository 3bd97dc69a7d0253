/*
 * jwt.h: JWT claims, signing and verification (RFC 7519).
 */
#ifndef M2MAUTH_JWT_H
#define M2MAUTH_JWT_H

#include "common.h"
#include "jws.h"
#include "key.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A JSON object of claims. Not thread-safe for writes; reads from many threads are fine. */
typedef struct m2mauth_claims m2mauth_claims;
/**
 * A JWT verifier. Threads (README "Threads"): configure with the setters; the first
 * m2mauth_verifier_verify() freezes it, and a setter after that fails with M2MAUTH_ESTATE ("verifier:
 * set_issuer after first use"); verify may then be called from any number of threads.
 */
typedef struct m2mauth_verifier m2mauth_verifier;

/* ---- claims ------------------------------------------------------------------------------------ */

M2MAUTH_EXTERN m2mauth_status m2mauth_claims_new(m2mauth_claims **out);
/** Claims from a JSON object text. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_from_json(m2mauth_claims **out, const char *json);
/** A deep copy. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_clone(m2mauth_claims **out, const m2mauth_claims *claims);
M2MAUTH_EXTERN void m2mauth_claims_free(m2mauth_claims *claims);

/** Sets a string claim ("iss", "sub", "jti", a single "aud", ...), replacing any previous value. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_set_string(m2mauth_claims *claims, const char *name, const char *value);
/** Sets an integer claim ("exp", "nbf", "iat" in Unix seconds, ...). */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_set_int(m2mauth_claims *claims, const char *name, int64_t value);
/** Sets a boolean claim. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_set_bool(m2mauth_claims *claims, const char *name, int value);
/** Sets a claim to any JSON value given as text (object, array, number, string, true, false, null). */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_set_json(m2mauth_claims *claims, const char *name, const char *json);
/** Adds an audience: "aud" becomes a string for one audience and an array for more. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_add_audience(m2mauth_claims *claims, const char *audience);
/** Sets "jti" to a fresh random UUID v4. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_set_random_jti(m2mauth_claims *claims);
/** Removes a claim; M2MAUTH_ENOTFOUND if absent. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_remove(m2mauth_claims *claims, const char *name);

/** 1 if the claim is present, else 0. */
M2MAUTH_EXTERN int m2mauth_claims_has(const m2mauth_claims *claims, const char *name);
/** A string claim; M2MAUTH_ENOTFOUND if absent, M2MAUTH_ECLAIM if not a string. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_get_string(m2mauth_buf *out, const m2mauth_claims *claims, const char *name);
/** An integral number claim; M2MAUTH_ECLAIM if not a number or not integral. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_get_int(int64_t *out, const m2mauth_claims *claims, const char *name);
/** Any claim as JSON text. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_get_json(m2mauth_buf *out, const m2mauth_claims *claims, const char *name);
/** All claims as compact JSON text. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_to_json(m2mauth_buf *out, const m2mauth_claims *claims);
/** For claims returned by m2mauth_verifier_verify: the verified token's protected header as JSON. */
M2MAUTH_EXTERN m2mauth_status m2mauth_claims_header_json(m2mauth_buf *out, const m2mauth_claims *claims);

/* ---- signing ----------------------------------------------------------------------------------- */

/** Signs claims as a compact JWT; header may be NULL (alg = the key's default, typ = "JWT"). */
M2MAUTH_EXTERN m2mauth_status m2mauth_jwt_sign(m2mauth_buf *out, const m2mauth_key *key,
                                               const m2mauth_claims *claims, const m2mauth_jws_header *header);
/** The same with the claims given as a JSON object text. */
M2MAUTH_EXTERN m2mauth_status m2mauth_jwt_sign_json(m2mauth_buf *out, const m2mauth_key *key,
                                                    const char *claims_json, const m2mauth_jws_header *header);

/* ---- verification ------------------------------------------------------------------------------ */

/**
 * A verifier for tokens signed by key with one of the allowed algorithms (allow-list bit set, not
 * empty). The key type must suit every allowed algorithm family it is used with. Defaults: leeway 0,
 * system clock, maximum token size 64 KiB; exp, nbf and iat are checked when present; no claim is
 * required; iss, sub and aud are not checked until set.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_new(m2mauth_verifier **out, const m2mauth_key *key, uint32_t allowed);
/**
 * A verifier that picks the key from a JWKS by the token's "kid" (a one-key set also serves tokens
 * without kid). The set is one of public keys (or of oct secrets): a key carrying a private member
 * ("d", "p", "q", "dp", "dq", "qi", "oth") is refused with M2MAUTH_EKEY, so private material a
 * publisher leaked is never kept.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_from_jwks(m2mauth_verifier **out, const char *jwks_json, uint32_t allowed);
M2MAUTH_EXTERN void m2mauth_verifier_free(m2mauth_verifier *verifier);

/** Requires "iss" to equal issuer. */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_set_issuer(m2mauth_verifier *verifier, const char *issuer);
/** Requires "sub" to equal subject. */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_set_subject(m2mauth_verifier *verifier, const char *subject);
/** Accepts tokens whose "aud" (string or array) contains audience; call again to accept several. */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_add_audience(m2mauth_verifier *verifier, const char *audience);
/** Requires the claim to be present ("exp", "jti", ...). */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_require_claim(m2mauth_verifier *verifier, const char *name);
/** Requires the header "typ" to equal typ (compared case-insensitively, "application/" prefix ignored). */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_set_typ(m2mauth_verifier *verifier, const char *typ);
/** Leeway for exp, nbf and iat, in seconds (0 to 86400). */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_set_leeway(m2mauth_verifier *verifier, int64_t seconds);
/** Maximum accepted token length in bytes (default 65536; at most 16 MiB). */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_set_max_size(m2mauth_verifier *verifier, size_t bytes);
/** Replaces the clock (NULL restores the system clock); free_payload (may be NULL): see m2mauth_free_cb. */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_set_clock(m2mauth_verifier *verifier, m2mauth_clock_cb clock, void *payload,
                                                         m2mauth_free_cb free_payload);
/** Verifies token and returns its claims (and header, see m2mauth_claims_header_json). Thread-safe. */
M2MAUTH_EXTERN m2mauth_status m2mauth_verifier_verify(m2mauth_claims **out, const m2mauth_verifier *verifier,
                                                      const char *token);

/**
 * DANGEROUS: decodes a JWT WITHOUT verifying its signature or claims. For diagnostics only.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_jwt_decode_unverified(m2mauth_claims **out, const char *token);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_JWT_H */
