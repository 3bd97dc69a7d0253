/*
 * request.i: request.h, HTTP requests and responses. The public layers keep requests and responses as
 * their own values and cross them into a native request only for the call that needs one (send, sign,
 * authorize). Responses are made by the library only: the application-transport half of request.h
 * (m2mauth_response_new, _add_header, _set_body) is for m2mauth_http_new_custom, not crossed yet.
 */
M2MAUTH_NEW(m2mauth_request_new, m2mauth_request)
M2MAUTH_STATUS(m2mauth_request_set_url)
M2MAUTH_STATUS(m2mauth_request_set_header)
M2MAUTH_STATUS(m2mauth_request_add_header)
M2MAUTH_STATUS(m2mauth_request_remove_header)
M2MAUTH_STATUS(m2mauth_request_set_body)
M2MAUTH_VALUE(m2mauth_request_method)
M2MAUTH_VALUE(m2mauth_request_url)
M2MAUTH_VALUE(m2mauth_request_header)
M2MAUTH_VALUE(m2mauth_request_header_count)
M2MAUTH_VALUE(m2mauth_request_header_name)
M2MAUTH_VALUE(m2mauth_request_header_value)

/* Response constructors: for application transports (glue.i, m2mauth_glue_http_new_custom). */
M2MAUTH_NEW(m2mauth_response_new, m2mauth_response)
M2MAUTH_STATUS(m2mauth_response_add_header)
M2MAUTH_STATUS(m2mauth_response_set_body)
M2MAUTH_VALUE(m2mauth_response_status)
M2MAUTH_VALUE(m2mauth_response_header)
M2MAUTH_VALUE(m2mauth_response_header_count)
M2MAUTH_VALUE(m2mauth_response_header_name)
M2MAUTH_VALUE(m2mauth_response_header_value)

#if defined(SWIGJAVA)
/* Bodies: one byte[] per call (java.i, BODY). Go copies them through glue.i instead. */
M2MAUTH_VALUE(m2mauth_request_body)
M2MAUTH_VALUE(m2mauth_response_body)
%apply const uint8_t *BODY { const uint8_t *m2mauth_request_body, const uint8_t *m2mauth_response_body };
%apply size_t *BODY_LEN { size_t *len };
#endif

M2MAUTH_BYTES_IN(body, len)
/* Header values may be credentials ("Bearer ...", "OAuth ...", "Basic ..."): native copies are wiped. */
M2MAUTH_SECRET_TEXT(value)
%include "m2mauth/request.h"
M2MAUTH_SECRET_TEXT_END(value)
#if defined(SWIGJAVA)
%clear size_t *len;
#endif
