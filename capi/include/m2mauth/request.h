/*
 * request.h: HTTP request and response values.
 *
 * Signers (OAuth 1.0, bearer tokens) change a request; a transport (m2mauth_http, or the
 * application's own) sends it and produces a response. Getters return pointers owned by the handle,
 * valid until the handle is changed or freed.
 */
#ifndef M2MAUTH_REQUEST_H
#define M2MAUTH_REQUEST_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct m2mauth_request m2mauth_request;
typedef struct m2mauth_response m2mauth_response;

/** A request; method is "GET", "POST", ... (upper-cased), url an absolute http(s) URL. */
M2MAUTH_EXTERN m2mauth_status m2mauth_request_new(m2mauth_request **out, const char *method, const char *url);
M2MAUTH_EXTERN void m2mauth_request_free(m2mauth_request *req);
M2MAUTH_EXTERN m2mauth_status m2mauth_request_set_url(m2mauth_request *req, const char *url);
/** Replaces every header of that name (case-insensitive) with one header. */
M2MAUTH_EXTERN m2mauth_status m2mauth_request_set_header(m2mauth_request *req, const char *name, const char *value);
/** Adds a header, keeping others of the same name. */
M2MAUTH_EXTERN m2mauth_status m2mauth_request_add_header(m2mauth_request *req, const char *name, const char *value);
/** Removes every header of that name; M2MAUTH_ENOTFOUND if there was none. */
M2MAUTH_EXTERN m2mauth_status m2mauth_request_remove_header(m2mauth_request *req, const char *name);
/** Sets the body (copied). Set Content-Type with m2mauth_request_set_header. */
M2MAUTH_EXTERN m2mauth_status m2mauth_request_set_body(m2mauth_request *req, const uint8_t *body, size_t len);

M2MAUTH_EXTERN const char *m2mauth_request_method(const m2mauth_request *req);
M2MAUTH_EXTERN const char *m2mauth_request_url(const m2mauth_request *req);
/** The first value of a header, or NULL. */
M2MAUTH_EXTERN const char *m2mauth_request_header(const m2mauth_request *req, const char *name);
M2MAUTH_EXTERN size_t m2mauth_request_header_count(const m2mauth_request *req);
M2MAUTH_EXTERN const char *m2mauth_request_header_name(const m2mauth_request *req, size_t index);
M2MAUTH_EXTERN const char *m2mauth_request_header_value(const m2mauth_request *req, size_t index);
/** The body and its length (*len may be NULL). Never NULL: an empty body is "". */
M2MAUTH_EXTERN const uint8_t *m2mauth_request_body(const m2mauth_request *req, size_t *len);

/** A response, for transports written by the application. */
M2MAUTH_EXTERN m2mauth_status m2mauth_response_new(m2mauth_response **out, int status);
M2MAUTH_EXTERN void m2mauth_response_free(m2mauth_response *resp);
M2MAUTH_EXTERN m2mauth_status m2mauth_response_add_header(m2mauth_response *resp, const char *name, const char *value);
M2MAUTH_EXTERN m2mauth_status m2mauth_response_set_body(m2mauth_response *resp, const uint8_t *body, size_t len);

M2MAUTH_EXTERN int m2mauth_response_status(const m2mauth_response *resp);
M2MAUTH_EXTERN const char *m2mauth_response_header(const m2mauth_response *resp, const char *name);
M2MAUTH_EXTERN size_t m2mauth_response_header_count(const m2mauth_response *resp);
M2MAUTH_EXTERN const char *m2mauth_response_header_name(const m2mauth_response *resp, size_t index);
M2MAUTH_EXTERN const char *m2mauth_response_header_value(const m2mauth_response *resp, size_t index);
M2MAUTH_EXTERN const uint8_t *m2mauth_response_body(const m2mauth_response *resp, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* M2MAUTH_REQUEST_H */
