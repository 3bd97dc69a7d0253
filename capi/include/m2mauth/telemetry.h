/*
 * telemetry.h: OpenTelemetry's data without OpenTelemetry (issue 15; since 0.7).
 *
 * The library decides every span name, attribute, metric name and unit once (docs/observability.md
 * lists them); a language's adapter only hands them to its OpenTelemetry SDK: Python m2mauth.otel,
 * Java io.m2mauth.otel, Go m2mauthotel. A C or C++ program may install its own.
 *
 * - Spans: m2mauth_set_tracer installs, for the whole process, callbacks the library calls around
 *   every token request and every managed request (m2mauth_token_manager_request and its async form):
 *   start just before the request is sent, on the sending thread, which may answer with a W3C
 *   traceparent the request then carries; end once for every start, on the same thread, when the send
 *   returned or failed. Resends (a DPoP nonce, a new token after a 401) are spans of their own.
 *   A token manager may make a caller's token request on its own thread (background refresh on); the
 *   optional capture callback then takes the caller's context on the caller's thread, and start gets it
 *   as m2mauth_span_start.parent, so the span still belongs to the caller's trace.
 * - Metrics: m2mauth_telemetry_metrics_json reads every live token manager's stats as instruments and
 *   points, for an adapter's observable instruments; the duration histograms are recorded at each end.
 *
 * With no tracer installed a send costs one atomic load, and nothing runs on the token read path.
 * Never a secret: no token, no client secret, no query string, no request or response body.
 */
#ifndef M2MAUTH_TELEMETRY_H
#define M2MAUTH_TELEMETRY_H

#include "common.h"
#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum m2mauth_span_kind {
  M2MAUTH_SPAN_TOKEN_REQUEST = 1, /* a request to the token endpoint (grant, refresh, exchange) */
  M2MAUTH_SPAN_REQUEST = 2        /* a managed request to an API */
} m2mauth_span_kind;

/** One attribute: text, or a number when is_number is 1. Keys are OpenTelemetry attribute names. */
typedef struct m2mauth_attribute {
  const char *key;
  const char *text;    /* "" when is_number */
  int64_t number;      /* 0 unless is_number */
  int is_number;
} m2mauth_attribute;

/**
 * A span that starts. Made by the library (pointers valid during the callback only); the caller never
 * allocates one, so later versions only append fields.
 */
typedef struct m2mauth_span_start {
  int kind;                             /* m2mauth_span_kind */
  void *parent;                         /* what capture returned on the caller's thread when another thread
                                           sends on that caller's behalf; NULL: use the sending thread's context */
  const char *name;                     /* the span name: the HTTP method, as the HTTP semantic conventions say */
  const m2mauth_attribute *attributes;  /* http.request.method, url.full (no query), server.address, server.port,
                                           m2mauth.operation, m2mauth.client_id, m2mauth.scope,
                                           m2mauth.token.source, http.request.resend_count (each when known) */
  size_t attribute_count;
  const char *json;                     /* the same as JSON: {"kind":"token_request","name":"POST","attributes":{...}} */
} m2mauth_span_start;

/** A span that ends (made by the library, as m2mauth_span_start). */
typedef struct m2mauth_span_end {
  int error;                            /* 1: set the span's status to Error */
  const char *error_type;               /* error.type: "503" for an HTTP status >= 400, else the error
                                           category ("timeout", "network", "tls", ...); "" on success */
  double duration_s;                    /* monotonic clock */
  const m2mauth_attribute *attributes;  /* to add to the span: http.response.status_code, error.type */
  size_t attribute_count;
  const char *histogram;                /* the histogram to record duration_s into: "m2mauth.token.request.duration"
                                           or "m2mauth.request.duration" */
  const m2mauth_attribute *metric_attributes; /* its attributes (low cardinality: no URL path) */
  size_t metric_attribute_count;
  const char *json;                     /* the same as JSON: {"error":false,"error_type":"","duration_s":0.012,
                                           "attributes":{...},"histogram":"...","metric_attributes":{...}} */
} m2mauth_span_end;

/** Room for a traceparent and its NUL: "00-" 32 hex "-" 16 hex "-" 2 hex. */
#define M2MAUTH_TRACEPARENT_SIZE 56

/**
 * Called just before a send. May write a W3C traceparent (NUL-terminated, at most
 * M2MAUTH_TRACEPARENT_SIZE bytes with the NUL) into traceparent, which the request then carries as its
 * "traceparent" header; it is sent only when it is a valid version-00 value (lower-case hex, trace and
 * parent id not all zeros), so a tracer can never inject a header. Returns the span (any pointer, NULL
 * allowed), handed back to end.
 */
typedef void *(*m2mauth_span_start_cb)(const m2mauth_span_start *span, char *traceparent, void *payload);
/** Called exactly once for every start, on the same thread. */
typedef void (*m2mauth_span_end_cb)(void *span, const m2mauth_span_end *end, void *payload);
/**
 * Called on a caller's thread when a token request for that caller may be made by another thread: the
 * caller's current trace context (NULL: none). Never called with a lock of the library held.
 */
typedef void *(*m2mauth_span_capture_cb)(void *payload);
/** Releases what capture returned, exactly once, on any thread, after the start that used it (if any). */
typedef void (*m2mauth_span_release_cb)(void *context, void *payload);

#define M2MAUTH_TRACER_VERSION 1

/** A tracer. The caller allocates it and sets version (M2MAUTH_TRACER_INIT or m2mauth_tracer_init()). */
typedef struct m2mauth_tracer {
  unsigned int version;              /* M2MAUTH_TRACER_VERSION */
  m2mauth_span_start_cb start;       /* required */
  m2mauth_span_end_cb end;           /* required */
  m2mauth_span_capture_cb capture;   /* NULL: a token request made by a manager's thread has no parent */
  m2mauth_span_release_cb release;   /* required with capture, else ignored */
  void *payload;
  m2mauth_free_cb free_payload;      /* may be NULL */
} m2mauth_tracer;

#define M2MAUTH_TRACER_INIT {M2MAUTH_TRACER_VERSION, NULL, NULL, NULL, NULL, NULL, NULL}

/** Zeroes *tracer and sets its version (1); M2MAUTH_EINVAL for another version. */
M2MAUTH_EXTERN m2mauth_status m2mauth_tracer_init(m2mauth_tracer *tracer, unsigned int version);

/**
 * Installs the process's tracer (copied), replacing any other; NULL removes it. free_payload releases
 * payload exactly once: when the tracer is replaced and no send that started with it (and no captured
 * context) remains, or at once if this call fails. M2MAUTH_EINVAL for an unknown version, a missing
 * start or end, or capture without release.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_set_tracer(const m2mauth_tracer *tracer);

/**
 * Every instrument, with the points of every live token manager's keys, as compact JSON:
 * {"scope":"io.m2mauth","instruments":[{"name":"m2mauth.token.requests","kind":"counter",
 * "value_type":"int","unit":"{request}","description":"...","points":[{"attributes":{...},"value":3}]}]}.
 * "kind" is "counter" (monotonic), "gauge" or "histogram" (no points: recorded at each span's end; with
 * "bucket_boundaries", in seconds, the explicit buckets to advise: those the OpenTelemetry HTTP semantic
 * conventions advise for request durations); the list of instruments is the same in every call, so an
 * adapter may create them from the first.
 */
M2MAUTH_EXTERN m2mauth_status m2mauth_telemetry_metrics_json(m2mauth_buf *out);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_TELEMETRY_H */
