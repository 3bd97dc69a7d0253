/*
 * oauth2.i: oauth2.h, token clients, tokens and token managers. The options struct is
 * TokenManagerOptionsStruct (handles.i); the clock and event callbacks are installed through glue.i
 * (m2mauth_glue_token_client_set_clock, m2mauth_glue_token_manager_set_events). The cached-token view
 * (m2mauth_token_manager_get_with/_get_for_with, valid until the thread's next call on the manager) is
 * read and copied into the language within one glue call (m2mauth_glue_token_manager_read, glue.i), so
 * no view outlives it; m2mauth_token_manager_token gives the owned copy with the granted scope.
 */
M2MAUTH_VALUE(m2mauth_client_auth_name)
M2MAUTH_NUMBER(m2mauth_client_auth_from_name)

M2MAUTH_NEW(m2mauth_token_client_new, m2mauth_token_client)
M2MAUTH_NEW(m2mauth_token_client_discover, m2mauth_token_client)
M2MAUTH_STATUS(m2mauth_token_client_set_auth_method)
M2MAUTH_STATUS(m2mauth_token_client_set_secret)
M2MAUTH_STATUS(m2mauth_token_client_set_key_source)
M2MAUTH_STATUS(m2mauth_token_client_set_private_key)
M2MAUTH_STATUS(m2mauth_token_client_set_grant)
M2MAUTH_STATUS(m2mauth_token_client_set_subject)
M2MAUTH_STATUS(m2mauth_token_client_set_scope)
M2MAUTH_STATUS(m2mauth_token_client_set_audience)
M2MAUTH_STATUS(m2mauth_token_client_add_resource)
M2MAUTH_STATUS(m2mauth_token_client_add_param)
M2MAUTH_STATUS(m2mauth_token_client_set_assertion)
M2MAUTH_STATUS(m2mauth_token_client_set_default_expires_in)
M2MAUTH_NEW(m2mauth_token_client_fetch, m2mauth_token)

M2MAUTH_VALUE(m2mauth_token_access_token)
M2MAUTH_VALUE(m2mauth_token_type)
M2MAUTH_VALUE(m2mauth_token_scope)
M2MAUTH_VALUE(m2mauth_token_expires_at)
M2MAUTH_VALUE(m2mauth_token_issued_at)

M2MAUTH_NEW(m2mauth_token_manager_new, m2mauth_token_manager)
M2MAUTH_TEXT(m2mauth_token_manager_options_describe)
M2MAUTH_STATUS(m2mauth_token_manager_set_idempotency_header)
M2MAUTH_NEW(m2mauth_token_manager_token, m2mauth_token)
M2MAUTH_STATUS(m2mauth_token_manager_invalidate)
M2MAUTH_STATUS(m2mauth_token_manager_authorize)
M2MAUTH_NEW(m2mauth_token_manager_request, m2mauth_response)
M2MAUTH_VALUE(m2mauth_token_event_name)

M2MAUTH_SECRET_BYTES(secret)
/* NULL allowed: the assertion audience and kid (AssertionOptionsStruct), the token to invalidate, the
   idempotency header name. */
M2MAUTH_OPTIONAL_TEXT(audience)
M2MAUTH_OPTIONAL_TEXT(kid)
M2MAUTH_OPTIONAL_TEXT(token)
M2MAUTH_OPTIONAL_TEXT(name)
%include "m2mauth/oauth2.h"
M2MAUTH_OPTIONAL_TEXT_END(audience)
M2MAUTH_OPTIONAL_TEXT_END(kid)
M2MAUTH_OPTIONAL_TEXT_END(token)
M2MAUTH_OPTIONAL_TEXT_END(name)
M2MAUTH_SECRET_BYTES_END(secret)
