/*
 * http.h: the libcurl transport. Its options struct is HttpOptionsStruct (handles.i); application
 * transports (m2mauth_http_new_custom, a callback per request) are not crossed yet.
 */
M2MAUTH_NEW(m2mauth_http_new, m2mauth_http)
M2MAUTH_STATUS(m2mauth_http_add_override)
M2MAUTH_NEW(m2mauth_http_send, m2mauth_response)
M2MAUTH_TEXT(m2mauth_http_options_describe)

%include "m2mauth/http.h"
