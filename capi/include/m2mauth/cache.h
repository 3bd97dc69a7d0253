/*
 * m2mauth: the token cache shared by processes (issue 14). A token manager given a shared cache
 * consults it only when its own token is missing or due, so a fleet of processes costs the token
 * endpoint one request per token lifetime per key; its cached read stays as fast as without.
 *
 * Entries are sealed with AES-256-GCM under a 256-bit key (the cache key as associated data) before a
 * store sees them; an entry that does not open or parse is ignored and replaced, never trusted. A store
 * failure, or no entry within the lease, makes the manager fetch the token itself: a shared cache is
 * never worse than none. Built-in stores: "file" (processes on one host: a private directory) and
 * "redis"; an application plugs any other through m2mauth_shared_store.
 */
#ifndef M2MAUTH_CACHE_H
#define M2MAUTH_CACHE_H

#include "common.h"
#include "oauth2.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a store's get or wait callback puts the entry it found (library-owned). */
typedef struct m2mauth_store_value m2mauth_store_value;
/** Sets the entry found (copied; at most 128 KiB). Leaving out unset means "no entry". */
M2MAUTH_EXTERN m2mauth_status m2mauth_store_value_set(m2mauth_store_value *out, const uint8_t *value, size_t len);

/*
 * An application's store. Keys are printable ASCII (the configured prefix and 64 hex digits); values
 * are opaque sealed bytes. Each callback returns M2MAUTH_OK or a negative m2mauth_error_code (the
 * manager then fetches its token itself) and should return within timeout_ms (at least 1). Callbacks
 * run on the manager's threads, possibly several at once.
 */
/** The entry under key, set with m2mauth_store_value_set; leave out unset when there is none. */
typedef m2mauth_status (*m2mauth_store_get_cb)(m2mauth_store_value *out, const char *key, int64_t timeout_ms,
                                               void *payload);
/** Stores value under key for ttl_ms (> 0) and wakes the waiters of key. */
typedef m2mauth_status (*m2mauth_store_put_cb)(const char *key, const uint8_t *value, size_t len, int64_t ttl_ms,
                                               int64_t timeout_ms, void *payload);
/** Takes key's refresh lease for lease_ms when nobody holds it: *out = 1 then, else 0. */
typedef m2mauth_status (*m2mauth_store_acquire_cb)(int *out, const char *key, const char *owner, int64_t lease_ms,
                                                   int64_t timeout_ms, void *payload);
/** Gives the lease back, only if owner still holds it. */
typedef m2mauth_status (*m2mauth_store_release_cb)(const char *key, const char *owner, int64_t timeout_ms,
                                                   void *payload);
/** Deletes the entry only while it still is value. */
typedef m2mauth_status (*m2mauth_store_remove_if_cb)(const char *key, const uint8_t *value, size_t len,
                                                     int64_t timeout_ms, void *payload);
/**
 * Waits up to timeout_ms for key's entry to be put again; sets out then. Nothing put within timeout_ms:
 * M2MAUTH_OK with out unset, or M2MAUTH_ETIMEOUT (the library looks again; another status makes it
 * fetch its own token).
 */
typedef m2mauth_status (*m2mauth_store_wait_cb)(m2mauth_store_value *out, const char *key, int64_t timeout_ms,
                                                void *payload);

#define M2MAUTH_SHARED_STORE_VERSION 1

typedef struct m2mauth_shared_store {
  unsigned int version;              /* M2MAUTH_SHARED_STORE_VERSION */
  m2mauth_store_get_cb get;          /* required */
  m2mauth_store_put_cb put;          /* required */
  m2mauth_store_acquire_cb acquire;  /* required */
  m2mauth_store_release_cb release;  /* required */
  m2mauth_store_remove_if_cb remove_if;  /* required */
  m2mauth_store_wait_cb wait;        /* NULL: the library polls get with jitter */
  void *payload;                     /* passed to every callback */
  m2mauth_free_cb free_payload;      /* may be NULL; called exactly once (see set_shared_cache) */
} m2mauth_shared_store;

#define M2MAUTH_SHARED_STORE_INIT {M2MAUTH_SHARED_STORE_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

#define M2MAUTH_SHARED_CACHE_OPTIONS_VERSION 1

typedef struct m2mauth_shared_cache_options {
  unsigned int version;       /* M2MAUTH_SHARED_CACHE_OPTIONS_VERSION */
  const char *kind;           /* "memory" (none), "file", "redis", "custom" (store below); NULL: "memory" */
  const char *path;           /* file: the private directory (created 0700; refused unless owned by this
                                 user and not writable by group or others) */
  const char *url;            /* redis: redis://[user:password@]host:port[/db] */
  const char *prefix;         /* before each hashed key; NULL: "m2mauth:" */
  const uint8_t *key;         /* the sealing key: 32 raw bytes, 64 hex digits or 43 base64url characters */
  size_t key_len;
  int64_t lease_ms;           /* how long one refresh may hold a key's lease (default 5000) */
  int64_t fallback_ms;        /* bound of each store call before the manager fetches itself (default 50) */
  const m2mauth_shared_store *store;  /* kind "custom": the application's store (copied) */
} m2mauth_shared_cache_options;

#define M2MAUTH_SHARED_CACHE_OPTIONS_INIT \
  {M2MAUTH_SHARED_CACHE_OPTIONS_VERSION, "memory", NULL, NULL, NULL, NULL, 0, 5000, 50, NULL}

/** Writes the defaults above for that version (M2MAUTH_SHARED_CACHE_OPTIONS_VERSION). */
M2MAUTH_EXTERN m2mauth_status m2mauth_shared_cache_options_init(m2mauth_shared_cache_options *opts,
                                                                unsigned int version);

/**
 * Gives manager a shared cache (kind "memory": none). Call it before the manager is used by several
 * threads. M2MAUTH_ECONFIG for a bad option, a key that is not 256 bits or a refused directory (the
 * message names the field), M2MAUTH_EUNSUPPORTED for "redis" in a build without Redis support,
 * M2MAUTH_EINVAL for a store without a required callback. A custom store's free_payload is called
 * exactly once: when the manager is freed or its cache replaced, or before this call returns if it fails.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_token_manager_set_shared_cache(m2mauth_token_manager *manager,
                                                                     const m2mauth_shared_cache_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_CACHE_H */
