/*
 * m2mauth: machine-to-machine API authentication.
 *
 * common.h: export macro, version, status type and the library-owned output buffer.
 *
 * Conventions (see README.md, "The C API"):
 *   - every function is m2mauth_<module>_<verb>; every type m2mauth_<noun>; every macro M2MAUTH_*;
 *   - a call that can fail returns m2mauth_status: 0 (M2MAUTH_OK) or a negative m2mauth_error_code,
 *     and records the details in a thread-local record read with m2mauth_error_last();
 *   - out-parameters come first and are named out;
 *   - text goes in as NUL-terminated UTF-8, bytes as (const uint8_t *, size_t);
 *   - text and bytes come out in an m2mauth_buf released with m2mauth_buf_dispose().
 */
#ifndef M2MAUTH_COMMON_H
#define M2MAUTH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  if defined(M2MAUTH_BUILDING)
#    define M2MAUTH_EXTERN __declspec(dllexport)
#  else
#    define M2MAUTH_EXTERN __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define M2MAUTH_EXTERN __attribute__((visibility("default")))
#else
#  define M2MAUTH_EXTERN
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define M2MAUTH_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#  define M2MAUTH_DEPRECATED(msg)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Library version, as a number MAJOR * 10000 + MINOR * 100 + PATCH. */
#define M2MAUTH_VERSION_MAJOR 0
#define M2MAUTH_VERSION_MINOR 8
#define M2MAUTH_VERSION_PATCH 0
#define M2MAUTH_VERSION_STRING "0.8.0"
#define M2MAUTH_VERSION_NUMBER \
  (M2MAUTH_VERSION_MAJOR * 10000 + M2MAUTH_VERSION_MINOR * 100 + M2MAUTH_VERSION_PATCH)

/** The version of the library actually loaded (MAJOR * 10000 + MINOR * 100 + PATCH). */
M2MAUTH_EXTERN int m2mauth_version_number(void);
/**
 * 1 if a program built against version `compiled` (pass M2MAUTH_VERSION_NUMBER) may use this library,
 * else 0. While the major version is 0, major and minor must match (any patch); from 1.0 on, the major
 * must match and this library must not be older than `compiled`. The C++ wrapper, Python, Java and Go
 * call it when they load the library and refuse an incompatible one.
 */
M2MAUTH_EXTERN int m2mauth_version_compatible(int compiled);
/** The same as a static string, "MAJOR.MINOR.PATCH". */
M2MAUTH_EXTERN const char *m2mauth_version_string(void);
/** The OpenSSL and libcurl versions the library runs with (static string, for diagnostics). */
M2MAUTH_EXTERN const char *m2mauth_version_details(void);

/** 0 on success, otherwise a negative m2mauth_error_code (see errors.h). */
typedef int m2mauth_status;

/**
 * A buffer the library fills and owns. Initialise with M2MAUTH_BUF_INIT (or zero it), pass it as `out`,
 * read `ptr`/`size`, then release it with m2mauth_buf_dispose(). Text outputs are also NUL-terminated
 * (ptr[size] == 0). A buffer that is passed again as `out` is disposed first. Buffers that may hold
 * secrets are wiped when disposed.
 */
typedef struct m2mauth_buf {
  uint8_t *ptr;
  size_t size;
  size_t reserved; /* library use: capacity */
} m2mauth_buf;

#define M2MAUTH_BUF_INIT {NULL, 0, 0}

/** Wipes and releases the buffer's memory and resets it to M2MAUTH_BUF_INIT. NULL-safe. */
M2MAUTH_EXTERN void m2mauth_buf_dispose(m2mauth_buf *buf);

/**
 * Injectable clock: returns the current Unix time in milliseconds. Used for JWT time checks, token
 * expiry and OAuth 1.0 timestamps, so tests can move time without sleeping.
 */
typedef int64_t (*m2mauth_clock_cb)(void *payload);

/**
 * Releases a callback's payload. Every registration of a callback takes one (NULL: nothing to
 * release) and calls it exactly once: when the callback is replaced, when its handle is freed (after
 * the last call of the callback), or before the registration returns if it fails.
 */
typedef void (*m2mauth_free_cb)(void *payload);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_COMMON_H */
