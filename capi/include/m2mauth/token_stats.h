/*
 * token_stats.h: what a token manager observed, per cache key (issue 15).
 *
 * A snapshot copied out on request: counters (cache hits, token requests by outcome, waits), a
 * histogram of token request latency, the current token's expiry and source, the last failure's code.
 * Never a secret: no token, no client secret, no error message. Reading it takes the manager's locks
 * briefly; the token reads it counts take none (each thread counts its hits in its own slot).
 */
#ifndef M2MAUTH_TOKEN_STATS_H
#define M2MAUTH_TOKEN_STATS_H

#include "common.h"
#include "errors.h"
#include "oauth2.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a key's current token came from. */
typedef enum m2mauth_token_source {
  M2MAUTH_TOKEN_SOURCE_NONE = 0,      /* no token cached (never fetched, or invalidated) */
  M2MAUTH_TOKEN_SOURCE_FETCHED = 1,   /* the key's first token request */
  M2MAUTH_TOKEN_SOURCE_REFRESHED = 2, /* a later one */
  M2MAUTH_TOKEN_SOURCE_SHARED = 3     /* reserved: a cache shared between processes */
} m2mauth_token_source;

/** "none", "fetched", "refreshed", "shared"; "" otherwise. */
M2MAUTH_EXTERN const char *m2mauth_token_source_name(int source);

/*
 * Token request latency (success or failure, measured on a monotonic clock) is counted in
 * M2MAUTH_TOKEN_STATS_LATENCY_BUCKETS buckets: bucket i counts requests that took at most the i-th
 * bound and more than the one before, the bounds being 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000
 * and 10000 ms; the last bucket counts the slower ones.
 */
#define M2MAUTH_TOKEN_STATS_LATENCY_BUCKETS 12
/** The upper bound of latency bucket i in ms; -1 for the last (no bound) and for i out of range. */
M2MAUTH_EXTERN int64_t m2mauth_token_stats_latency_bound_ms(size_t bucket);

#define M2MAUTH_TOKEN_STATS_VERSION 1

/**
 * One key's stats. The caller allocates it and sets version (M2MAUTH_TOKEN_STATS_INIT or
 * m2mauth_token_stats_init()); the library fills the members of that version. Times are the client
 * clock's Unix milliseconds.
 */
typedef struct m2mauth_token_stats {
  unsigned int version;            /* M2MAUTH_TOKEN_STATS_VERSION, set by the caller */
  uint64_t cache_hits;             /* reads served from the cache without waiting */
  uint64_t requests_ok;            /* token requests that gave a token */
  uint64_t requests_transient;     /* ... that failed and may succeed if retried (network, 5xx, 429) */
  uint64_t requests_permanent;     /* ... that failed for good (invalid_client & co.) */
  uint64_t waits;                  /* reads that waited for a token request (get and get_async) */
  int64_t wait_ms_total;           /* the time those reads spent waiting, in total: a get's wait, and a
                                      get_async's from the call to its callback (token, error, timeout,
                                      cancel); counted when the wait ends */
  uint64_t refresh_latency[M2MAUTH_TOKEN_STATS_LATENCY_BUCKETS]; /* see m2mauth_token_stats_latency_bound_ms */
  int has_token;                   /* 1: a token is cached */
  int source;                      /* m2mauth_token_source of the cached token */
  int64_t expires_at_ms;           /* its expiry; 0: none */
  int64_t expires_in_ms;           /* expires_at_ms minus now (negative once expired); 0: none */
  int64_t refresh_at_ms;           /* when a read starts its refresh; 0: none */
  /* The last failed token request, kept after later successes (0 / "": none): */
  int last_error_code;             /* m2mauth_error_code */
  int last_error_category;         /* m2mauth_category */
  int last_http_status;
  int64_t last_vendor_code;
  char last_oauth_error[65];       /* RFC 6749 "error" (printable ASCII, at most 64 bytes), NUL-terminated */
  /*
   * The token server's clock minus this client's, in ms, as the last token response showed it (its JWT
   * access token's "iat", else its Date header; 0 within the noise of a 1 s stamp and the round trip;
   * never trusted beyond +-1 hour: clamped). The same for every key of a manager. has_clock_offset 0:
   * no answer showed it yet. See m2mauth_token_manager_stats_json's "clock_offset_ms".
   */
  int has_clock_offset;
  int64_t clock_offset_ms;
} m2mauth_token_stats;

#define M2MAUTH_TOKEN_STATS_INIT \
  {M2MAUTH_TOKEN_STATS_VERSION, 0, 0, 0, 0, 0, 0, {0}, 0, 0, 0, 0, 0, 0, 0, 0, 0, {0}, 0, 0}

/** Zeroes *stats and sets its version (1); M2MAUTH_EINVAL for another version. */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_stats_init(m2mauth_token_stats *stats, unsigned int version);
/** The configured key's stats into *out (whose version the caller set). */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_stats(m2mauth_token_stats *out, m2mauth_token_manager *manager);
/**
 * Another key's (scope, audience, resource: each NULL = none, as m2mauth_token_manager_get_for looks
 * it up). M2MAUTH_ENOTFOUND for a key the manager never read (the call does not add it).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_stats_for(m2mauth_token_stats *out,
                                                              m2mauth_token_manager *manager, const char *scope,
                                                              const char *audience, const char *resource);
/**
 * Every key's stats as compact JSON: {"client_id":"...","keys":[{"scope":"...","audience":"...",
 * "resources":[...],"exchange":false,"configured":true,"cache_hits":0,...}]}, the members named as in
 * m2mauth_token_stats, "source" and "last_error_category" by name, "refresh_latency_bounds_ms" the
 * bucket bounds; the configured key first, then the others in the order they were first read. An
 * RFC 8693 exchange's key shows its scope and "exchange":true, nothing of its tokens.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_stats_json(m2mauth_buf *out, m2mauth_token_manager *manager);
/**
 * The key m2mauth_token_manager_stats_for looks up (the same arguments, the same M2MAUTH_ENOTFOUND), in
 * the form of m2mauth_token_manager_stats_json with that one key in "keys": for languages that read the
 * JSON form (Java, Go), so that the key lookup stays the library's.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_stats_for_json(m2mauth_buf *out, m2mauth_token_manager *manager,
                                                                   const char *scope, const char *audience,
                                                                   const char *resource);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_TOKEN_STATS_H */
