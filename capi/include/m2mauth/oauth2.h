/*
 * oauth2.h: OAuth 2.0 token requests (RFC 6749, RFC 7523, RFC 8705, RFC 8707) and the token manager.
 *
 * An m2mauth_token_client knows how to ask a token endpoint for a token: the grant, the client
 * authentication method and its secret or key, the scope. An m2mauth_token_manager caches the token
 * for any number of threads, refreshes it ahead of expiry with one request in flight, backs off on
 * failures and attaches it to requests.
 */
#ifndef M2MAUTH_OAUTH2_H
#define M2MAUTH_OAUTH2_H

#include "call.h"
#include "common.h"
#include "errors.h"
#include "http.h"
#include "cert.h"
#include "key.h"
#include "request.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_token_client m2mauth_token_client;
typedef struct m2mauth_token_manager m2mauth_token_manager;
typedef struct m2mauth_token m2mauth_token;

/** Client authentication at the token endpoint. */
typedef enum m2mauth_client_auth {
  M2MAUTH_AUTH_CLIENT_SECRET_BASIC = 1, /* RFC 6749 2.3.1: HTTP Basic, id and secret form-urlencoded first */
  M2MAUTH_AUTH_CLIENT_SECRET_POST = 2,  /* client_id and client_secret in the body */
  M2MAUTH_AUTH_CLIENT_SECRET_JWT = 3,   /* HS256 client assertion keyed with the secret */
  M2MAUTH_AUTH_PRIVATE_KEY_JWT = 4,     /* client assertion signed with the private key (RFC 7523 2.2) */
  M2MAUTH_AUTH_TLS_CLIENT_AUTH = 5,     /* RFC 8705 2.1: PKI client certificate (set it on the m2mauth_http) */
  M2MAUTH_AUTH_SELF_SIGNED_TLS_CLIENT_AUTH = 6, /* RFC 8705 2.2: self-signed client certificate */
  M2MAUTH_AUTH_NONE = 7                 /* public client: client_id only */
} m2mauth_client_auth;

/** "client_secret_basic" etc.; "" for an unknown value. */
M2MAUTH_EXTERN const char *m2mauth_client_auth_name(int auth);
/** Writes the method with that name to out; M2MAUTH_EINVAL if unknown. */
M2MAUTH_EXTERN m2mauth_status m2mauth_client_auth_from_name(int *out, const char *name);

typedef enum m2mauth_grant {
  M2MAUTH_GRANT_CLIENT_CREDENTIALS = 1,
  M2MAUTH_GRANT_JWT_BEARER = 2 /* RFC 7523 2.1: a JWT signed with the private key as the grant */
} m2mauth_grant;

/* ---- token client ------------------------------------------------------------------------------ */

/**
 * A client of the token endpoint token_url for client_id, sending through http (shared, kept alive by
 * the client). Defaults: client_credentials, client_secret_basic.
 *
 * Threads (README "Threads"): configure with the setters below; the first fetch or the first manager
 * made from the client freezes it. A setter after that fails with M2MAUTH_ESTATE and a message naming
 * the handle and the setter ("token client: set_scope after first use"); the client keeps working.
 * A frozen client is safe from any number of threads.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_new(m2mauth_token_client **out, const char *token_url,
                                                       const char *client_id, m2mauth_http *http);
/**
 * The same with the token endpoint found by RFC 8414 / OpenID Connect discovery from issuer (the
 * metadata's "issuer" must equal it).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_discover(m2mauth_token_client **out, const char *issuer,
                                                            const char *client_id, m2mauth_http *http);
M2MAUTH_EXTERN void m2mauth_token_client_free(m2mauth_token_client *client);

M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_auth_method(m2mauth_token_client *client, int auth);
/** The client secret (copied and wiped on free). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_secret(m2mauth_token_client *client, const char *secret);
/** The private key for private_key_jwt and the jwt-bearer grant (shared, not copied). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_private_key(m2mauth_token_client *client, const m2mauth_key *key);
/**
 * A rotating private key (shared, not copied): each new client assertion (and jwt-bearer grant) is
 * signed by the source's current key, so a token manager picks up a rotated key at its next fetch
 * without a restart. Replaces a private key set before (and m2mauth_token_client_set_private_key
 * replaces the source).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_key_source(m2mauth_token_client *client,
                                                                  m2mauth_key_source *source);
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_grant(m2mauth_token_client *client, int grant);
/** jwt-bearer grant: the assertion's "sub" (default: client_id). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_subject(m2mauth_token_client *client, const char *subject);
/** Space-separated scopes requested on every fetch. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_scope(m2mauth_token_client *client, const char *scope);
/** The "audience" request parameter. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_audience(m2mauth_token_client *client, const char *audience);
/** Adds an RFC 8707 "resource" parameter. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_add_resource(m2mauth_token_client *client, const char *resource);
/** Adds a parameter sent on every token request (refetches included). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_add_param(m2mauth_token_client *client, const char *name,
                                                             const char *value);

#define M2MAUTH_ASSERTION_OPTIONS_VERSION 2

/**
 * How client assertions (private_key_jwt, client_secret_jwt) and jwt-bearer grants are signed.
 * Initialise with M2MAUTH_ASSERTION_OPTIONS_INIT or m2mauth_assertion_options_init(), which write the
 * defaults below; every value is then a real value (no 0-means-default).
 */
typedef struct m2mauth_assertion_options {
  unsigned int version;        /* M2MAUTH_ASSERTION_OPTIONS_VERSION */
  const char *audience;        /* the single "aud" string; NULL (default): the token endpoint URL, as
                                  RFC 7523 and the seed API use (set the issuer for servers that want it) */
  int alg;                     /* an m2mauth_alg; 0 (default): the key's default */
  int64_t lifetime_s;          /* 10 to 3600 s (default 120) */
  const char *kid;             /* NULL (default): the key's kid */
  int kid_thumbprint;          /* 1: the key's RFC 7638 thumbprint as kid (default 0) */
  const m2mauth_cert *cert;    /* x5t / x5t#S256 / x5c source (copied); NULL (default): none */
  unsigned int cert_members;   /* M2MAUTH_HEADER_* bits of cert to add (default 0) */
  /* Version 2 (version 1 callers get the default): */
  int64_t clock_skew_s;        /* "iat" and "nbf" this many seconds before now, so a server whose clock is
                                  a little behind accepts the assertion; "exp" is now + lifetime_s.
                                  0 to 300 (default 5; 0: none) */
} m2mauth_assertion_options;

#define M2MAUTH_ASSERTION_OPTIONS_INIT {M2MAUTH_ASSERTION_OPTIONS_VERSION, NULL, 0, 120, NULL, 0, NULL, 0u, 5}

/** Writes the defaults of version (2; 1 writes the members version 1 has) into opts. */
M2MAUTH_EXTERN m2mauth_status m2mauth_assertion_options_init(m2mauth_assertion_options *opts, unsigned int version);

/**
 * Client assertion settings (copied): replaces all of them. M2MAUTH_EINVAL for an unknown version, a
 * lifetime outside 10 to 3600 s, a clock skew outside 0 to 300 s or unknown cert_members bits; M2MAUTH_EALGORITHM for an unknown alg.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_assertion(m2mauth_token_client *client,
                                                                 const m2mauth_assertion_options *opts);
/** expires_in assumed when the server omits it (default 3600 s). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_default_expires_in(m2mauth_token_client *client, int64_t seconds);
/**
 * Replaces the clock used for assertion times and expiry (NULL: the system clock). free_payload (may
 * be NULL) releases payload exactly once: see m2mauth_free_cb.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_set_clock(m2mauth_token_client *client, m2mauth_clock_cb clock,
                                                             void *payload, m2mauth_free_cb free_payload);

/** One token request (no cache): for scripts and diagnostics. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_fetch(m2mauth_token **out, m2mauth_token_client *client);
/** The same bounded and cancellable by opts (NULL = none; deadline_ms on the client's clock). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_client_fetch_with(m2mauth_token **out, m2mauth_token_client *client,
                                                              const m2mauth_call_options *opts);

/* ---- tokens ------------------------------------------------------------------------------------ */

/** The access token (a secret; valid as long as the handle). */
M2MAUTH_EXTERN const char *m2mauth_token_access_token(const m2mauth_token *token);
/** The token type as the server wrote it ("Bearer", "bearer", ...). */
M2MAUTH_EXTERN const char *m2mauth_token_type(const m2mauth_token *token);
/** The granted scope (or the requested one when the server omits it). */
M2MAUTH_EXTERN const char *m2mauth_token_scope(const m2mauth_token *token);
/** Unix time in ms. */
M2MAUTH_EXTERN int64_t m2mauth_token_expires_at(const m2mauth_token *token);
M2MAUTH_EXTERN int64_t m2mauth_token_issued_at(const m2mauth_token *token);
/** NULL-safe; wipes the token. */
M2MAUTH_EXTERN void m2mauth_token_free(m2mauth_token *token);

/* ---- token manager ----------------------------------------------------------------------------- */

#define M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION 4

/**
 * Token manager settings. Initialise with M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT or
 * m2mauth_token_manager_options_init(), which write the defaults below; every value then means what it
 * says, 0 included (durations in milliseconds, 0 to 86400000). Values out of range fail with
 * M2MAUTH_EINVAL naming the field.
 *
 * Older callers keep working: version 3 (the layout without max_keys, which then is the default);
 * version 2 (the layout without min_fetch_interval_ms, which then is the default) reads wait_timeout_ms 0 as "never wait" (1 ms); version 1 (the same layout) reads 0 as
 * "the default" and a negative jitter_fraction as none.
 */
typedef struct m2mauth_token_manager_options {
  unsigned int version;            /* M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION */
  double refresh_fraction;         /* refresh after this part of the lifetime, (0, 1] (default 0.75)... */
  int64_t refresh_margin_ms;       /* ...or this long before expiry if earlier (default 300000; 0: by fraction only) */
  int64_t expiry_skew_ms;          /* stop using a token this long before expiry, at most lifetime/10
                                      (default 30000; 0: use it until it expires) */
  double jitter_fraction;          /* random early refresh, part of the lead time, 0 to 0.5 (default 0.1; 0: none) */
  int64_t wait_timeout_ms;         /* how long a caller waits when no valid token exists, including retries of
                                      transient failures (default 30000; 0: no limit but the call's own) */
  int64_t backoff_base_ms;         /* first retry delay after a transient failure, at least 1 (default 1000) */
  int64_t backoff_max_ms;          /* at least backoff_base_ms (default 60000) */
  int64_t permanent_backoff_ms;    /* after a permanent error, before asking again (default 30000; 0: at once) */
  int caller_refresh;              /* 1: the first caller to see a due token refreshes it (no thread); default 0 */
  int report_cache_hits;           /* 1: M2MAUTH_TOKEN_EVENT_CACHE_HIT on every read; default 0 */
  /* Version 3: */
  int64_t min_fetch_interval_ms;   /* token requests for one key start at least this far apart, whatever
                                      lifetime the server gives (default 1000; 0: no floor) */
  /* Version 4: */
  int64_t max_keys;                /* distinct scope / audience / resource keys one manager holds, 1 to 1000000
                                      (default 64); a read for one more fails with M2MAUTH_ETOOLARGE */
} m2mauth_token_manager_options;

#define M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT \
  {M2MAUTH_TOKEN_MANAGER_OPTIONS_VERSION, 0.75, 300000, 30000, 0.1, 30000, 1000, 60000, 30000, 0, 0, 1000, 64}

/**
 * Writes the defaults of `version` (4; 3 and 2 write only the members that version has; 1 the old
 * all-zero "defaults" form); M2MAUTH_EINVAL otherwise.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_options_init(m2mauth_token_manager_options *opts,
                                                                  unsigned int version);
/**
 * The configuration a manager made with opts (NULL: the defaults) would use, as compact JSON with the
 * members of the struct: {"refresh_fraction":0.75,"refresh_margin_ms":300000,"expiry_skew_ms":30000,
 * "jitter_fraction":0.1,"wait_timeout_ms":30000,"backoff_base_ms":1000,"backoff_max_ms":60000,
 * "permanent_backoff_ms":30000,"min_fetch_interval_ms":1000,"max_keys":64,"caller_refresh":false,
 * "report_cache_hits":false}.
 * M2MAUTH_EINVAL for an unknown version or a value out of range.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_options_describe(m2mauth_buf *out,
                                                                      const m2mauth_token_manager_options *opts);

/** A manager over client (which it keeps alive); opts may be NULL. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_new(m2mauth_token_manager **out, m2mauth_token_client *client,
                                                        const m2mauth_token_manager_options *opts);
/**
 * Makes m2mauth_token_manager_request() add header `name` with a fresh UUID v4 to every request that
 * lacks it (the BMP API's "IdempotencyKey"); the 401 retry keeps the value. NULL or "" turns it off.
 * Call before the manager is shared between threads.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_set_idempotency_header(m2mauth_token_manager *manager,
                                                                           const char *name);
/** Stops the background refresh (cancelling a request in flight) and releases. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_token_manager_free(m2mauth_token_manager *manager);

#define M2MAUTH_TOKEN_VIEW_VERSION 3

/**
 * A cached token, valid until the same thread's next call on this manager or the manager's free
 * (whichever comes first), however many other managers the thread reads meanwhile. No copy, no lock.
 * The caller allocates it: initialise with M2MAUTH_TOKEN_VIEW_INIT (version first) before passing it
 * as out; the library fills the fields that version has (1: up to expires_at_ms; 2: up to scope).
 */
typedef struct m2mauth_token_view {
  unsigned int version;     /* M2MAUTH_TOKEN_VIEW_VERSION, set by the caller */
  const char *access_token; /* a secret */
  size_t access_token_len;
  const char *scheme;       /* "Bearer" or "DPoP" */
  int64_t expires_at_ms;
  /*
   * Version 2: reuse without calling again. A binding or an application may keep its own copy of
   * this token and serve it without any call while the system clock (Unix ms) is before
   * fresh_until_ms and *generation (read with an atomic acquire load: __atomic_load_n(p,
   * __ATOMIC_ACQUIRE), Go's atomic.LoadUint64, Java's VarHandle getAcquire) still equals
   * generation_seen. The counter lives as long as the manager and changes whenever this key's token
   * is replaced or invalidated, from any thread. fresh_until_ms 0 (generation NULL): do not reuse
   * (a manager on another clock, or cache-hit events on).
   */
  int64_t fresh_until_ms;
  const uint64_t *generation;
  uint64_t generation_seen;
  const char *scope;        /* version 2: the granted scope (or the requested one when the server omits it) */
  /*
   * Version 3: count what you reuse. Each time a caller serves this token from its own copy (as
   * version 2 allows) instead of calling the library, it adds 1 to one of reuse_hits_count 64-bit
   * counters (a power of two, so a mask picks one), reuse_hits_stride bytes apart from reuse_hits,
   * with a relaxed atomic add
   * (__atomic_fetch_add(p, 1, __ATOMIC_RELAXED), Go's atomic.AddUint64, Java's VarHandle getAndAdd).
   * Pick one per thread (e.g. a hash of its id): each is a cache line of its own, so threads bumping
   * different ones share nothing. The manager adds their sum to this key's cache hits
   * (m2mauth_token_manager_stats, m2mauth.token.cache.hits) and never writes them. They live as long
   * as the manager, like *generation; NULL (count 0) whenever generation is.
   */
  uint64_t *reuse_hits;
  size_t reuse_hits_count;
  size_t reuse_hits_stride;
} m2mauth_token_view;

#define M2MAUTH_TOKEN_VIEW_INIT {M2MAUTH_TOKEN_VIEW_VERSION, NULL, 0, NULL, 0, 0, NULL, 0, NULL, NULL, 0, 0}

/** The current token, fetching or waiting for the one refresh in flight if none is valid. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_get(m2mauth_token_view *out, m2mauth_token_manager *manager);
/**
 * The same, the wait for the refresh in flight bounded by opts (timeout_ms, deadline_ms on the
 * client's clock, each besides the manager's wait timeout) and ended by its cancel
 * (M2MAUTH_ECANCELLED); the refresh itself is shared with other callers and goes on. NULL = none.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_get_with(m2mauth_token_view *out, m2mauth_token_manager *manager,
                                                             const m2mauth_call_options *opts);
/** The same for another key: scope, audience and resource (each NULL = none). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_get_for(m2mauth_token_view *out, m2mauth_token_manager *manager,
                                                            const char *scope, const char *audience,
                                                            const char *resource);
/**
 * m2mauth_token_manager_get_for bounded and cancellable by opts (NULL = none), as
 * m2mauth_token_manager_get_with bounds the configured key's read. scope, audience, resource: NULL = none.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_get_for_with(m2mauth_token_view *out,
                                                                 m2mauth_token_manager *manager, const char *scope,
                                                                 const char *audience, const char *resource,
                                                                 const m2mauth_call_options *opts);
/** An owned copy of the current token. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_token(m2mauth_token **out, m2mauth_token_manager *manager);
/** Drops the cached token if it still equals token (NULL: whatever is cached), e.g. after a 401. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_invalidate(m2mauth_token_manager *manager, const char *token);
/** Sets "Authorization: <scheme> <token>" on req. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_authorize(m2mauth_token_manager *manager, m2mauth_request *req);
/**
 * Authorizes and sends req through the client's transport; on 401 invalidates that token and retries
 * once with a new one. The response is returned whatever its status.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_request(m2mauth_response **out, m2mauth_token_manager *manager,
                                                            const m2mauth_request *req);
/**
 * The same bounded and cancellable by opts (NULL = none): timeout_ms and deadline_ms bound the whole
 * call (the wait for a token and the sends); a cancel ends the wait or stops the transfer in progress
 * at once (M2MAUTH_ECANCELLED).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_request_with(m2mauth_response **out, m2mauth_token_manager *manager,
                                                                 const m2mauth_request *req,
                                                                 const m2mauth_call_options *opts);

/*
 * Completion-callback forms, for event loops: no thread is parked per waiting caller. The callback
 * runs exactly once, with status M2MAUTH_OK and the result or a negative status, a NULL result and
 * error (the details, as m2mauth_error_last() would give; valid during the callback). It runs:
 *   - on the calling thread, before the _async call returns, when the outcome is known at once (a
 *     valid token is cached, the error is in its backoff period, opts' cancel is already requested);
 *   - otherwise on a thread of the manager: the one that completes the refresh's waiters (also when
 *     the wait times out or opts' cancel is requested), or for request_async one of a few sender
 *     threads of the manager;
 *   - from m2mauth_token_manager_free(), on the freeing thread, with M2MAUTH_ECANCELLED for every
 *     call still pending.
 * A callback must not free the manager. free_payload (may be NULL) runs once after the callback,
 * or before the _async call returns if that call fails (then the callback is never called).
 */
/** token: valid during the callback only. */
typedef void (*m2mauth_token_cb)(m2mauth_status status, const m2mauth_token_view *token, const m2mauth_error *error,
                                 void *payload);
/** response: owned by the callback (release it with m2mauth_response_free). */
typedef void (*m2mauth_response_cb)(m2mauth_status status, m2mauth_response *response, const m2mauth_error *error,
                                    void *payload);
/** m2mauth_token_manager_get_with as a completion callback. opts may be NULL. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_get_async(m2mauth_token_manager *manager,
                                                              const m2mauth_call_options *opts, m2mauth_token_cb cb,
                                                              void *payload, m2mauth_free_cb free_payload);
/**
 * m2mauth_token_manager_get_for_with as a completion callback: the token for another key (scope,
 * audience, resource; each NULL = none, copied), with the same rules as m2mauth_token_manager_get_async.
 * The view's scope is the one the key asks for. opts may be NULL.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_get_for_async(m2mauth_token_manager *manager, const char *scope,
                                                                  const char *audience, const char *resource,
                                                                  const m2mauth_call_options *opts,
                                                                  m2mauth_token_cb cb, void *payload,
                                                                  m2mauth_free_cb free_payload);
/** m2mauth_token_manager_request_with as a completion callback (req is copied). opts may be NULL. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_request_async(m2mauth_token_manager *manager,
                                                                  const m2mauth_request *req,
                                                                  const m2mauth_call_options *opts,
                                                                  m2mauth_response_cb cb, void *payload,
                                                                  m2mauth_free_cb free_payload);

typedef enum m2mauth_token_event_kind {
  M2MAUTH_TOKEN_EVENT_FETCHED = 1,
  M2MAUTH_TOKEN_EVENT_REFRESHED = 2,
  M2MAUTH_TOKEN_EVENT_FAILED = 3,
  M2MAUTH_TOKEN_EVENT_CACHE_HIT = 4,
  M2MAUTH_TOKEN_EVENT_INVALIDATED = 5,
  M2MAUTH_TOKEN_EVENT_CLOCK_OFFSET = 6, /* after a fetch: the server's clock is more than 5 s from the client's */
  M2MAUTH_TOKEN_EVENT_SHARED_HIT = 7,   /* a refresh served from the shared cache (cache.h) */
  M2MAUTH_TOKEN_EVENT_LEASE_WAIT = 8,   /* a refresh waited for another process's */
  M2MAUTH_TOKEN_EVENT_SHARED_FALLBACK = 9 /* the shared cache failed or was slow: fetched locally */
} m2mauth_token_event_kind;

/**
 * What happened, never with a secret. Made by the library and passed to the callback (pointers valid
 * during the callback only); the caller never allocates one, so later versions only append fields.
 */
typedef struct m2mauth_token_event {
  int kind;                 /* m2mauth_token_event_kind */
  const char *client_id;
  const char *scope;
  int64_t expires_at_ms;    /* of the token fetched, refreshed, served or invalidated */
  int error_code;           /* for FAILED: the m2mauth_error_code */
  int http_status;
  int transient;
  int64_t retry_after_ms;   /* for FAILED: when the next attempt may happen */
  const char *oauth_error;  /* for FAILED: RFC 6749 "error", or "" */
  int64_t clock_offset_ms;  /* for CLOCK_OFFSET: the token server's clock minus this client's */
  /* Since 0.7: for FETCHED, REFRESHED and FAILED, how long getting the token took in ms (monotonic
   * clock: the token request with its DPoP nonce retry, or the shared cache's answer). */
  int64_t duration_ms;
} m2mauth_token_event;

/** Called from the thread that read, fetched or refreshed (possibly the manager's own thread). */
typedef void (*m2mauth_token_event_cb)(const m2mauth_token_event *event, void *payload);
/**
 * Replaces the event callback (NULL: none). free_payload (may be NULL) releases payload exactly once:
 * when the callback is replaced and no call of it is running any more, when the manager is freed, or
 * at once if this call fails.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_set_event_cb(m2mauth_token_manager *manager,
                                                                 m2mauth_token_event_cb cb, void *payload,
                                                                 m2mauth_free_cb free_payload);

/** "fetched", "refreshed", "failed", "cache_hit", "invalidated", "clock_offset", "shared_hit",
 * "lease_wait", "shared_fallback"; "" otherwise. */
M2MAUTH_EXTERN const char *m2mauth_token_event_name(int kind);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_OAUTH2_H */
