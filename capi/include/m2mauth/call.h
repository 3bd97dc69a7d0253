/*
 * call.h: per-call options (a timeout or deadline, a response size limit) and the cancel handle, taken
 * by the calls that may wait on the network: m2mauth_http_send_with, m2mauth_token_client_fetch_with,
 * m2mauth_token_manager_get_with, m2mauth_token_manager_request_with and the _async forms.
 */
#ifndef M2MAUTH_CALL_H
#define M2MAUTH_CALL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A cancel signal: made by the application, passed in m2mauth_call_options to any number of calls,
 * requested from any thread. A transfer in progress stops at once (libcurl's transfer is aborted and
 * its connection closed) and a wait for a token ends; the call returns M2MAUTH_ECANCELLED. Once
 * requested it stays requested: use a new handle for new calls.
 */
typedef struct m2mauth_cancel m2mauth_cancel;

M2MAUTH_EXTERN m2mauth_status m2mauth_cancel_new(m2mauth_cancel **out);
/**
 * Requests the cancel. Thread-safe and idempotent; it takes a lock and may run short library code of
 * the calls it stops, so call it from a thread, not from a signal handler. NULL-safe.
 */
M2MAUTH_EXTERN void m2mauth_cancel_request(m2mauth_cancel *cancel);
/** 1 once requested, 0 before (and for NULL). */
M2MAUTH_EXTERN int m2mauth_cancel_is_requested(const m2mauth_cancel *cancel);
/** NULL-safe. A call in progress (including an _async one) keeps what it needs alive. */
M2MAUTH_EXTERN void m2mauth_cancel_free(m2mauth_cancel *cancel);

#define M2MAUTH_CALL_OPTIONS_VERSION 1

/** Initialise with M2MAUTH_CALL_OPTIONS_INIT or m2mauth_call_options_init(). Every 0 / NULL means "none". */
typedef struct m2mauth_call_options {
  unsigned int version;      /* M2MAUTH_CALL_OPTIONS_VERSION */
  int64_t timeout_ms;        /* the whole call; 0 = the transport's (and the manager's wait timeout) */
  int64_t deadline_ms;       /* absolute Unix ms by the clock of the handle called; 0 = none */
  size_t max_response_bytes; /* may only tighten the transport's limit; 0 = the transport's */
  m2mauth_cancel *cancel;    /* NULL = none */
} m2mauth_call_options;

#define M2MAUTH_CALL_OPTIONS_INIT {M2MAUTH_CALL_OPTIONS_VERSION, 0, 0, 0, NULL}

M2MAUTH_EXTERN m2mauth_status m2mauth_call_options_init(m2mauth_call_options *opts, unsigned int version);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_CALL_H */
