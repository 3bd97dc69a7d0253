/*
 * token_exchange.h: OAuth 2.0 Token Exchange (RFC 8693).
 *
 * An m2mauth_token_exchange describes one exchange: the subject token and its type (required), an
 * actor token and its type, the requested token type, audiences, resources and scope. A token client
 * sends it with its own client authentication (any method it is configured for); a token manager
 * caches the answer under a key holding the SHA-256 of the subject and actor tokens (never the tokens)
 * and serves it no longer than the subject token's "exp" when the subject token is a JWT.
 *
 * The tokens are secrets: copied into the handle, wiped on free, never in an error message. An
 * exchange handle is read, not changed, by the calls that use it: configure it on one thread, then
 * use it from any number of threads.
 */
#ifndef M2MAUTH_TOKEN_EXCHANGE_H
#define M2MAUTH_TOKEN_EXCHANGE_H

#include "call.h"
#include "common.h"
#include "errors.h"
#include "oauth2.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 8693 section 3 token type identifiers (any absolute URI is accepted as a type). */
#define M2MAUTH_TOKEN_TYPE_ACCESS_TOKEN "urn:ietf:params:oauth:token-type:access_token"
#define M2MAUTH_TOKEN_TYPE_REFRESH_TOKEN "urn:ietf:params:oauth:token-type:refresh_token"
#define M2MAUTH_TOKEN_TYPE_ID_TOKEN "urn:ietf:params:oauth:token-type:id_token"
#define M2MAUTH_TOKEN_TYPE_SAML1 "urn:ietf:params:oauth:token-type:saml1"
#define M2MAUTH_TOKEN_TYPE_SAML2 "urn:ietf:params:oauth:token-type:saml2"
#define M2MAUTH_TOKEN_TYPE_JWT "urn:ietf:params:oauth:token-type:jwt"

typedef struct m2mauth_token_exchange m2mauth_token_exchange;

/**
 * A token exchange of subject_token (a secret, copied), of type subject_token_type (an absolute URI,
 * e.g. M2MAUTH_TOKEN_TYPE_ACCESS_TOKEN). M2MAUTH_EINVAL, naming the argument, for a NULL or empty
 * token, a token with a byte outside printable ASCII, or a type that is not an absolute URI.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_exchange_new(m2mauth_token_exchange **out, const char *subject_token,
                                                         const char *subject_token_type);
/** Wipes the tokens and releases. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_token_exchange_free(m2mauth_token_exchange *exchange);
/**
 * The actor token (a secret, copied) and its type, both required (RFC 8693 2.1); NULL for both removes
 * it. M2MAUTH_EINVAL for one without the other or an invalid token or type.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_exchange_set_actor(m2mauth_token_exchange *exchange,
                                                               const char *actor_token, const char *actor_token_type);
/**
 * requested_token_type (NULL or "": none, the server decides). When set, an answer whose
 * issued_token_type differs fails with M2MAUTH_EPROTOCOL.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_exchange_set_requested_type(m2mauth_token_exchange *exchange,
                                                                        const char *token_type);
/** Adds an "audience" parameter (not empty). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_exchange_add_audience(m2mauth_token_exchange *exchange,
                                                                  const char *audience);
/** Adds a "resource" parameter: an absolute URI without fragment. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_exchange_add_resource(m2mauth_token_exchange *exchange,
                                                                  const char *resource);
/** Space-separated scopes (NULL or "": none). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_exchange_set_scope(m2mauth_token_exchange *exchange, const char *scope);

/**
 * One exchange, not cached: grant_type urn:ietf:params:oauth:grant-type:token-exchange with the
 * client's authentication. opts: NULL = none. Errors: those of m2mauth_token_client_fetch_with
 * (M2MAUTH_EOAUTH for invalid_request, invalid_target ...), M2MAUTH_EPROTOCOL for an answer without
 * a valid issued_token_type or with another than the requested one, M2MAUTH_EEXPIRED (no request
 * made) when the subject token is a JWT whose exp has passed. The token's type is "N_A" when the
 * server says the token is not an access token; m2mauth_token_issued_token_type() gives its type.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_exchange(m2mauth_token **out, m2mauth_token_client *client,
                                                            const m2mauth_token_exchange *exchange,
                                                            const m2mauth_call_options *opts);
/**
 * The same through the manager's cache: one key per distinct exchange (counted in max_keys), refreshed
 * and backed off like any key, expiring no later than the subject token's exp (JWT subjects). The
 * manager keeps a copy of the exchange to refresh it, wiped when the manager is freed. out is an owned
 * copy (m2mauth_token_free).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_exchange(m2mauth_token **out, m2mauth_token_manager *manager,
                                                             const m2mauth_token_exchange *exchange,
                                                             const m2mauth_call_options *opts);
/** The issued_token_type of an exchanged token; "" for tokens of other grants. */
M2MAUTH_EXTERN const char *m2mauth_token_issued_token_type(const m2mauth_token *token);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_TOKEN_EXCHANGE_H */
