/*
 * http.h: the HTTP transport (libcurl) and application-provided transports.
 *
 * One m2mauth_http serves token endpoints and API calls alike, keeps connections alive across requests
 * and threads, verifies TLS by default, refuses plain http:// except to loopback, never follows
 * redirects, and bounds response sizes.
 *
 * Threads (README "Threads"): add overrides before the first request; the first send (by
 * m2mauth_http_send or by any client using the transport) freezes it, and m2mauth_http_add_override
 * after that fails with M2MAUTH_ESTATE ("HTTP transport: add_override after first use"). Sending is
 * safe from any number of threads.
 */
#ifndef M2MAUTH_HTTP_H
#define M2MAUTH_HTTP_H

#include "call.h"
#include "common.h"
#include "request.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_http m2mauth_http;

#define M2MAUTH_HTTP_OPTIONS_VERSION 2

/**
 * Transport settings. Initialise with M2MAUTH_HTTP_OPTIONS_INIT or m2mauth_http_options_init(), which
 * write the defaults below; every number then means what it says, 0 included (timeouts 0 to 86400000
 * ms, max_response_bytes at most 1 GiB); NULL strings mean the default named. Values out of range fail
 * with M2MAUTH_EINVAL naming the field.
 *
 * Version 1 (the layout is the same) is still read as before: there a 0 number means "the default".
 */
typedef struct m2mauth_http_options {
  unsigned int version;              /* M2MAUTH_HTTP_OPTIONS_VERSION */
  int insecure_skip_verify;          /* 1 disables TLS certificate and host name checks (tests only!) */
  const char *ca_file;               /* CA bundle (PEM); NULL = system default */
  const char *ca_dir;                /* hashed CA directory; NULL = system default */
  const char *client_cert;           /* mTLS: file path or PEM text */
  const char *client_key;            /* mTLS: file path or PEM text; NULL = inside client_cert */
  const char *client_key_passphrase; /* for an encrypted key or a PKCS#12 file */
  const char *client_cert_type;      /* "PEM" (default) or "P12" */
  const char *proxy;                 /* proxy URL; NULL = none (environment variables are ignored) */
  int64_t connect_timeout_ms;        /* default 10000; 0 = libcurl's own (300 s) */
  int64_t timeout_ms;                /* whole transfer; default 30000; 0 = no limit */
  size_t max_response_bytes;         /* default 4194304 (4 MiB); 0 = no limit */
  int allow_plain_http;              /* 1 allows http:// to hosts that are not loopback (discouraged) */
  const char *user_agent;            /* NULL = "m2mauth/<version>" */
} m2mauth_http_options;

#define M2MAUTH_HTTP_OPTIONS_INIT \
  {M2MAUTH_HTTP_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 10000, 30000, 4194304, 0, NULL}

/** Writes the defaults of `version` (2; 1 writes the old all-zero "defaults" form); M2MAUTH_EINVAL otherwise. */
M2MAUTH_EXTERN m2mauth_status m2mauth_http_options_init(m2mauth_http_options *opts, unsigned int version);
/**
 * The configuration a transport made with opts (NULL: the defaults) would use, as compact JSON with the
 * members of the struct: booleans for the int flags, null for strings not set, "<redacted>" for the key
 * passphrase when set, for PEM text and for proxy credentials (never their value); client_cert_type as
 * the transport reads it ("PEM" or "P12"). M2MAUTH_EINVAL for an unknown version or a value out of range.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_http_options_describe(m2mauth_buf *out, const m2mauth_http_options *opts);

/** A libcurl transport; opts may be NULL for the defaults. */
M2MAUTH_EXTERN m2mauth_status m2mauth_http_new(m2mauth_http **out, const m2mauth_http_options *opts);
/**
 * Uses opts instead of the transport's settings for URLs that start with url_prefix (longest prefix
 * wins; the same prefix again replaces it). Before the first send only (M2MAUTH_ESTATE after it, and
 * for a custom transport).
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_http_add_override(m2mauth_http *http, const char *url_prefix,
                                                        const m2mauth_http_options *opts);

/**
 * An application's own transport: called for every request m2mauth sends through this handle,
 * possibly from several threads at once. Return M2MAUTH_OK and a response made with
 * m2mauth_response_new() in *out (m2mauth takes ownership), or a negative m2mauth_error_code
 * (M2MAUTH_ENETWORK, M2MAUTH_ETIMEOUT, ...).
 */
typedef m2mauth_status (*m2mauth_transport_cb)(m2mauth_response **out, const m2mauth_request *req, void *payload);
/** free_payload (may be NULL) releases payload once the handle and everything using it are freed. */
M2MAUTH_EXTERN m2mauth_status m2mauth_http_new_custom(m2mauth_http **out, m2mauth_transport_cb send, void *payload,
                                                      m2mauth_free_cb free_payload);

/** Sends req and returns the response, whatever its status. */
M2MAUTH_EXTERN m2mauth_status m2mauth_http_send(m2mauth_response **out, m2mauth_http *http, const m2mauth_request *req);
/**
 * The same, bounded and cancellable by opts (NULL = none): deadline_ms is on the system clock; a
 * cancel stops the transfer in progress at once (M2MAUTH_ECANCELLED). An application transport is
 * not interrupted: it is not called when the cancel was requested before the call.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_http_send_with(m2mauth_response **out, m2mauth_http *http,
                                                     const m2mauth_request *req, const m2mauth_call_options *opts);
/** Releases the transport and its connections. NULL-safe. Objects that use it keep it alive. */
M2MAUTH_EXTERN void m2mauth_http_free(m2mauth_http *http);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_HTTP_H */
