/*
 * oauth1.h: OAuth 1.0 request signing (RFC 5849), as the senhasegura A2A API and other OAuth 1.0
 * services require.
 *
 * A signer is configured once with the setters below, then signs any number of requests:
 *
 *     m2mauth_oauth1 *s = NULL;
 *     m2mauth_oauth1_new(&s, "consumer-key");
 *     m2mauth_oauth1_set_consumer_secret(s, "consumer-secret");
 *     m2mauth_oauth1_set_token(s, "token", "token-secret");
 *     ...
 *     m2mauth_oauth1_sign(s, req);   // adds "Authorization: OAuth ..." to req
 *     m2mauth_oauth1_free(s);
 *
 * Threads (README "Threads"): configure with the setters; the first signature (m2mauth_oauth1_sign or
 * a diagnostic function) freezes the signer. A setter after that fails with M2MAUTH_ESTATE and a
 * message naming the handle and the setter ("OAuth 1.0 signer: set_realm after first use"); the signer
 * keeps working. A frozen signer may sign on any number of threads at once. Secrets (consumer secret, token secret) are wiped when replaced or freed and never appear in
 * error messages. Defaults: HMAC-SHA1, parameters in the Authorization header, oauth_version="1.0",
 * no realm, a random nonce and the system clock.
 */
#ifndef M2MAUTH_OAUTH1_H
#define M2MAUTH_OAUTH1_H

#include "common.h"
#include "key.h"
#include "request.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_oauth1 m2mauth_oauth1;

/** oauth_signature_method values. HMAC-SHA256 and RSA-SHA256 are common extensions of RFC 5849. */
typedef enum m2mauth_oauth1_method {
  M2MAUTH_OAUTH1_HMAC_SHA1 = 1,   /* "HMAC-SHA1", RFC 5849 section 3.4.2 (the default) */
  M2MAUTH_OAUTH1_HMAC_SHA256 = 2, /* "HMAC-SHA256" */
  M2MAUTH_OAUTH1_RSA_SHA1 = 3,    /* "RSA-SHA1", section 3.4.3: RSASSA-PKCS1-v1_5 */
  M2MAUTH_OAUTH1_RSA_SHA256 = 4,  /* "RSA-SHA256" */
  M2MAUTH_OAUTH1_PLAINTEXT = 5    /* "PLAINTEXT", section 3.4.4: only over TLS */
} m2mauth_oauth1_method;

/** Where the protocol parameters go (RFC 5849 section 3.5). */
typedef enum m2mauth_oauth1_placement {
  M2MAUTH_OAUTH1_IN_HEADER = 1, /* "Authorization: OAuth ..." (the default) */
  M2MAUTH_OAUTH1_IN_QUERY = 2,  /* appended to the URL's query */
  M2MAUTH_OAUTH1_IN_BODY = 3    /* appended to an application/x-www-form-urlencoded body */
} m2mauth_oauth1_placement;

/** "HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "RSA-SHA256", "PLAINTEXT"; "" if unknown. Static string. */
M2MAUTH_EXTERN const char *m2mauth_oauth1_method_name(int method);
/** Writes the method with exactly this name to out; M2MAUTH_EALGORITHM if unknown. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_method_from_name(int *out, const char *name);
/** "header", "query", "body"; "" if unknown. Static string. */
M2MAUTH_EXTERN const char *m2mauth_oauth1_placement_name(int placement);

/** A new signer for consumer_key (not empty), with the defaults above and empty secrets. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_new(m2mauth_oauth1 **out, const char *consumer_key);
/** Releases a signer and wipes its secrets. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_oauth1_free(m2mauth_oauth1 *s);

/* ---- configuration (before the first signature; each setter leaves the signer unchanged when it fails) */

/** The consumer (client) secret; NULL or "" for none. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_consumer_secret(m2mauth_oauth1 *s, const char *secret);
/**
 * The token (oauth_token) and its secret. token NULL or "" removes the token (two-legged requests);
 * token_secret NULL means "". The token secret is used even without a token, as RFC 5849 section
 * 3.4.2 defines the key.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_token(m2mauth_oauth1 *s, const char *token, const char *token_secret);
/**
 * The RSA private key (at least 2048 bits) for RSA-SHA1 and RSA-SHA256; the signer keeps its own
 * reference, so key may be freed afterwards. NULL removes it. Other key types give M2MAUTH_EKEYTYPE,
 * a public key M2MAUTH_ENOPRIVATE.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_rsa_key(m2mauth_oauth1 *s, const m2mauth_key *key);
/** An m2mauth_oauth1_method; an RSA method needs a key by the time a request is signed. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_method(m2mauth_oauth1 *s, int method);
/** An m2mauth_oauth1_placement. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_placement(m2mauth_oauth1 *s, int placement);
/** The realm of the Authorization header (never signed, never in query or body); NULL for none. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_realm(m2mauth_oauth1 *s, const char *realm);
/** 1 (default) sends oauth_version="1.0"; 0 omits it, as RFC 5849 section 1.2 does. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_include_version(m2mauth_oauth1 *s, int include);
/** oauth_callback (temporary credential requests); NULL for none. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_callback(m2mauth_oauth1 *s, const char *callback);
/** oauth_verifier (token requests); NULL for none. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_verifier(m2mauth_oauth1 *s, const char *verifier);
/**
 * Adds one more protocol parameter, sent and signed with the others. name starts with "oauth_" and
 * is none of those the signer writes itself (M2MAUTH_EINVAL).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_add_param(m2mauth_oauth1 *s, const char *name, const char *value);
/** Removes every parameter added with m2mauth_oauth1_add_param. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_clear_params(m2mauth_oauth1 *s);
/**
 * The clock for oauth_timestamp (Unix milliseconds, truncated to seconds). It must be safe to call
 * from every thread that signs. NULL restores the system clock.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_clock(m2mauth_oauth1 *s, m2mauth_clock_cb clock, void *payload,
                                                       m2mauth_free_cb free_payload);
/** Tests: use this nonce for every request instead of a random one; NULL restores random nonces. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_fixed_nonce(m2mauth_oauth1 *s, const char *nonce);
/** Tests: use this oauth_timestamp (Unix seconds) for every request; a negative value restores the clock. */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_fixed_timestamp(m2mauth_oauth1 *s, int64_t unix_seconds);

/**
 * 1 signs oauth_body_hash (the OAuth Request Body Hash extension, as oauthlib sends it): a request with
 * a non-empty body whose Content-Type is present and not application/x-www-form-urlencoded gets
 * oauth_body_hash = base64(SHA-1 of the body) among its protocol parameters. 0 (default): never.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_set_body_hash(m2mauth_oauth1 *s, int on);

/* ---- signing ----------------------------------------------------------------------------------- */

/**
 * Signs req in place: sets its Authorization header (replacing any), or appends the protocol
 * parameters and oauth_signature to its URL's query or to its form body. For the body placement the
 * request must not be GET or HEAD and its body must be application/x-www-form-urlencoded (an empty
 * body without Content-Type gets that type); otherwise M2MAUTH_EINVAL. A request that already has
 * oauth_ parameters in its query or body gives M2MAUTH_ESTATE; an RSA method without a key gives
 * M2MAUTH_ECONFIG. On failure req is unchanged.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_sign(const m2mauth_oauth1 *s, m2mauth_request *req);

/* ---- diagnostics ------------------------------------------------------------------------------- */

/**
 * The RFC 5849 section 3.4.1.1 signature base string that m2mauth_oauth1_sign() would sign for req
 * with this nonce (not empty) and timestamp (Unix seconds, >= 0). Compare it with the server's.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_base_string(m2mauth_buf *out, const m2mauth_oauth1 *s,
                                                         const m2mauth_request *req, const char *nonce,
                                                         int64_t timestamp);
/**
 * The oauth_signature value (before percent-encoding) for the same inputs: base64 for HMAC and RSA;
 * for PLAINTEXT it is the signing key, i.e. the secrets (the buffer is wiped when disposed).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_oauth1_signature(m2mauth_buf *out, const m2mauth_oauth1 *s,
                                                       const m2mauth_request *req, const char *nonce,
                                                       int64_t timestamp);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_OAUTH1_H */
