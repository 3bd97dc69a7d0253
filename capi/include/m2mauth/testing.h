/*
 * testing.h: a token-endpoint test double for your own tests (issue 15).
 *
 * A loopback OAuth 2.0 authorization server on 127.0.0.1 and a free port, on its own threads: plain
 * HTTP, or HTTPS with a self-signed certificate it generates (m2mauth_test_server_ca_pem) and optional
 * mTLS. Endpoints under m2mauth_test_server_url():
 *   GET  /.well-known/openid-configuration, /.well-known/oauth-authorization-server  discovery
 *   POST /token        client_credentials and token exchange (RFC 8693, of a token it issued)
 *   POST /introspect   RFC 7662, for any registered client
 *   GET  /jwks         the key of its JWT access tokens
 *   /_admin/...        with an admin_token (version 2): fail_next, stall, lifetime, clock_offset,
 *                      token_format, revoke_all, counters
 *                      over HTTP, for tests that cannot call this API
 * Client authentication is real: client_secret_basic, client_secret_post, client_secret_jwt and
 * private_key_jwt (the assertion verified with the registered key: iss = sub = client id, aud = the
 * token endpoint or the issuer, exp, a jti never seen before), tls_client_auth (subject or SHA-256
 * thumbprint of the client certificate, which is not otherwise validated).
 * Hostile input: a body over max_body_bytes is answered 413, more than max_headers header fields or
 * 16 KiB of header 431, a request not complete within read_timeout_ms 408, chunked bodies 501; at most
 * 64 connections at once.
 *
 * A server handle may be used from many threads at once. It is test code: never expose it beyond
 * loopback, and never use its tokens for anything real.
 */
#ifndef M2MAUTH_TESTING_H
#define M2MAUTH_TESTING_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_test_server m2mauth_test_server;

typedef enum m2mauth_test_client_auth {
  M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC = 1,
  M2MAUTH_TEST_AUTH_CLIENT_SECRET_POST = 2,
  M2MAUTH_TEST_AUTH_CLIENT_SECRET_JWT = 3,
  M2MAUTH_TEST_AUTH_PRIVATE_KEY_JWT = 4,
  M2MAUTH_TEST_AUTH_TLS_CLIENT_AUTH = 5
} m2mauth_test_client_auth;

typedef enum m2mauth_test_token_format {
  M2MAUTH_TEST_TOKEN_OPAQUE = 1, /* random base64url strings */
  M2MAUTH_TEST_TOKEN_JWT = 2     /* ES256 JWTs (typ at+jwt), verifiable with the /jwks key */
} m2mauth_test_token_format;

#define M2MAUTH_TEST_SERVER_OPTIONS_VERSION 2

/** How the server is made. Initialise with M2MAUTH_TEST_SERVER_OPTIONS_INIT or
 *  m2mauth_test_server_options_init(); values out of range fail with M2MAUTH_EINVAL naming the field.
 *  Older callers keep working: version 1 (the layout ending at clock_offset_s) has no DPoP nonce and no
 *  admin interface. */
typedef struct m2mauth_test_server_options {
  unsigned int version;         /* M2MAUTH_TEST_SERVER_OPTIONS_VERSION */
  int tls;                      /* 1: HTTPS with a generated self-signed certificate for 127.0.0.1 */
  int request_client_cert;      /* 1: mTLS, the server asks for a client certificate (needs tls) */
  int64_t token_lifetime_s;     /* expires_in of its tokens; default 3600 */
  int token_format;             /* an m2mauth_test_token_format; default M2MAUTH_TEST_TOKEN_OPAQUE */
  const char *extra_claims_json; /* a JSON object merged into JWT access tokens; NULL = none */
  const char *audience;         /* "aud" of JWT access tokens; NULL = the server's URL */
  size_t max_body_bytes;        /* default 65536 */
  size_t max_headers;           /* default 64 */
  int64_t read_timeout_ms;      /* a request must arrive complete within it; default 5000 */
  int64_t clock_offset_s;       /* the server's clock runs this far ahead (negative: behind); default 0 */
  /* Version 2: */
  const char *dpop_nonce;       /* DPoP (RFC 9449 section 8): every proof must carry this nonce (at most 1024
                                   visible ASCII bytes but '"' and '\\'); one without it is answered 400
                                   use_dpop_nonce with a DPoP-Nonce header. NULL or "" = no nonce */
  const char *admin_token;      /* the admin interface under <url>/_admin/ (README: "The test double's admin
                                   interface"), for requests with "Authorization: Bearer <admin_token>":
                                   16 to 256 characters of A-Z a-z 0-9 - . _ ~ + / =. NULL or "" = none, and
                                   /_admin/ answers 404 like any unknown path */
} m2mauth_test_server_options;

#define M2MAUTH_TEST_SERVER_OPTIONS_INIT \
  {M2MAUTH_TEST_SERVER_OPTIONS_VERSION, 0, 0, 3600, M2MAUTH_TEST_TOKEN_OPAQUE, NULL, NULL, 65536, 64, 5000, 0, NULL, NULL}

/** Writes the defaults of `version` (2; 1 writes only the members version 1 has); M2MAUTH_EINVAL otherwise. */
M2MAUTH_EXTERN m2mauth_status m2mauth_test_server_options_init(m2mauth_test_server_options *opts,
                                                               unsigned int version);

#define M2MAUTH_TEST_CLIENT_VERSION 1

/** A client the server knows. Initialise with M2MAUTH_TEST_CLIENT_INIT or m2mauth_test_client_init(). */
typedef struct m2mauth_test_client {
  unsigned int version;       /* M2MAUTH_TEST_CLIENT_VERSION */
  const char *client_id;      /* required */
  int auth_method;            /* an m2mauth_test_client_auth; default client_secret_basic */
  const char *secret;         /* client_secret_basic/post; client_secret_jwt: the HMAC key (>= 32 bytes) */
  const char *public_key;     /* private_key_jwt: the public key as PEM or JWK */
  const char *tls_subject;    /* tls_client_auth: the certificate's RFC 2253 subject, e.g. "CN=svc" */
  const char *tls_thumbprint; /* tls_client_auth: or its SHA-256 thumbprint, base64url (x5t#S256) */
  const char *scopes;         /* space-separated scopes it may ask for; NULL = any; granted when none asked */
} m2mauth_test_client;

#define M2MAUTH_TEST_CLIENT_INIT \
  {M2MAUTH_TEST_CLIENT_VERSION, NULL, M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, NULL, NULL, NULL, NULL, NULL}

/** Writes the defaults of `version` (1); M2MAUTH_EINVAL otherwise. */
M2MAUTH_EXTERN m2mauth_status m2mauth_test_client_init(m2mauth_test_client *client, unsigned int version);

/** A server, not yet listening; opts may be NULL for the defaults. Generates its signing key (and with
 *  tls its certificate). */
M2MAUTH_EXTERN m2mauth_status m2mauth_test_server_new(m2mauth_test_server **out,
                                                      const m2mauth_test_server_options *opts);
/** Listens on 127.0.0.1 and a free port and serves on its own threads; M2MAUTH_ESTATE when started
 *  twice, M2MAUTH_EIO when the socket cannot be made. */
M2MAUTH_EXTERN m2mauth_status m2mauth_test_server_start(m2mauth_test_server *server);
/** Stops serving and joins its threads (also done by _free); idempotent. Stalled requests end at once. */
M2MAUTH_EXTERN void m2mauth_test_server_stop(m2mauth_test_server *server);
/** Stops the server and releases it. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_test_server_free(m2mauth_test_server *server);
/** "http://127.0.0.1:<port>" or "https://..." (the issuer; the token endpoint is <url>/token);
 *  M2MAUTH_ESTATE before start. */
M2MAUTH_EXTERN m2mauth_status m2mauth_test_server_url(m2mauth_buf *out, const m2mauth_test_server *server);
/** The server certificate's PEM, which clients trust (e.g. written to a file for ca_file); empty for
 *  plain HTTP. */
M2MAUTH_EXTERN m2mauth_status m2mauth_test_server_ca_pem(m2mauth_buf *out, const m2mauth_test_server *server);
/** Registers a client (the same id again replaces it); M2MAUTH_EINVAL naming a field missing or bad,
 *  M2MAUTH_EKEY / M2MAUTH_EKEYTYPE for a public key that cannot be used. */
M2MAUTH_EXTERN m2mauth_status m2mauth_test_server_add_client(m2mauth_test_server *server,
                                                             const m2mauth_test_client *client);
/**
 * The next `count` token requests fail (replacing what was pending): HTTP http_status (400..599); with
 * oauth_error (NULL = none) a JSON body {"error": oauth_error, ...}; with retry_after_s >= 0 a
 * Retry-After header. Injected failures are counted as "failed".
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_test_server_fail_next(m2mauth_test_server *server, unsigned int count,
                                                            int http_status, const char *oauth_error,
                                                            int64_t retry_after_s);
/** The next `count` token requests wait ms (0..600000) milliseconds before they are answered. */
M2MAUTH_EXTERN m2mauth_status m2mauth_test_server_stall(m2mauth_test_server *server, unsigned int count,
                                                        int64_t ms);
/**
 * Requests received so far, by counter: NULL or "" every request; "token", "introspection", "jwks",
 * "discovery", "other" by endpoint; "grant:client_credentials",
 * "grant:urn:ietf:params:oauth:grant-type:token-exchange", "grant:other" authenticated token requests by
 * grant type; "traced" token requests carrying a valid W3C traceparent (telemetry.h);
 * "failed" injected failures; "rejected" requests refused unread (malformed, too large, too slow).
 * 0 for a counter never incremented or a NULL server.
 */
M2MAUTH_EXTERN uint64_t m2mauth_test_server_requests(const m2mauth_test_server *server, const char *counter);
/** Every token issued so far becomes inactive: introspection answers {"active": false}. */
M2MAUTH_EXTERN void m2mauth_test_server_revoke_all(m2mauth_test_server *server);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_TESTING_H */
