/*
 * token_exchange.i: token_exchange.h, RFC 8693 token exchange. The request is a handle of its own
 * (TokenExchangeHandle); the subject and actor tokens cross as secret text (the native copy is wiped
 * after the call). The client and manager calls are bounded and cancelled through the glue below, with
 * the call options as scalars like the other m2mauth_glue_*_with.
 */
M2MAUTH_HANDLE(m2mauth_token_exchange, TokenExchangeHandle, m2mauth_token_exchange_free)

M2MAUTH_NEW(m2mauth_token_exchange_new, m2mauth_token_exchange)
M2MAUTH_STATUS(m2mauth_token_exchange_set_actor)
M2MAUTH_STATUS(m2mauth_token_exchange_set_requested_type)
M2MAUTH_STATUS(m2mauth_token_exchange_add_audience)
M2MAUTH_STATUS(m2mauth_token_exchange_add_resource)
M2MAUTH_STATUS(m2mauth_token_exchange_set_scope)
M2MAUTH_VALUE(m2mauth_token_issued_token_type)

M2MAUTH_SECRET_TEXT(subject_token)
M2MAUTH_SECRET_TEXT(actor_token)
M2MAUTH_OPTIONAL_TEXT(token_type)
M2MAUTH_OPTIONAL_TEXT(scope)
%include "m2mauth/token_exchange.h"
M2MAUTH_OPTIONAL_TEXT_END(token_type)
M2MAUTH_OPTIONAL_TEXT_END(scope)
M2MAUTH_SECRET_TEXT_END(actor_token)
M2MAUTH_SECRET_TEXT_END(subject_token)

M2MAUTH_NEW(m2mauth_glue_token_client_exchange_with, m2mauth_token)
M2MAUTH_NEW(m2mauth_glue_token_manager_exchange_with, m2mauth_token)
%inline %{
m2mauth_status m2mauth_glue_token_client_exchange_with(m2mauth_token **out, m2mauth_token_client *client,
                                                       const m2mauth_token_exchange *exchange, int64_t timeout_ms,
                                                       int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_call_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_token_client_exchange(out, client, exchange, &o);
}
m2mauth_status m2mauth_glue_token_manager_exchange_with(m2mauth_token **out, m2mauth_token_manager *manager,
                                                        const m2mauth_token_exchange *exchange, int64_t timeout_ms,
                                                        int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_call_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_token_manager_exchange(out, manager, exchange, &o);
}
%}
