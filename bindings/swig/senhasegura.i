/*
 * senhasegura.i: senhasegura.h, the A2A client. Results are JSON text that may hold passwords, so the
 * calls cross as BYTES (Java byte[], Go []byte) that the public layers parse and wipe; the library's
 * buffer is disposed (wiped) within the call. The secrets of the setters cross like passphrases
 * (M2MAUTH_SECRET_BYTES: caller's array, native copy wiped). The clock setter is not crossed (the
 * system clock is used).
 */
M2MAUTH_VALUE(m2mauth_a2a_auth_name)
M2MAUTH_NUMBER(m2mauth_a2a_auth_from_name)

M2MAUTH_NEW(m2mauth_a2a_new, m2mauth_a2a)
M2MAUTH_STATUS(m2mauth_a2a_set_auth_method)
M2MAUTH_STATUS(m2mauth_a2a_set_oauth2_client)
M2MAUTH_STATUS(m2mauth_a2a_set_client_auth)
M2MAUTH_STATUS(m2mauth_a2a_set_tenant)
M2MAUTH_STATUS(m2mauth_a2a_set_token_url)
M2MAUTH_STATUS(m2mauth_a2a_set_manager_options)
M2MAUTH_STATUS(m2mauth_a2a_set_decryption_key)

M2MAUTH_BYTES(m2mauth_a2a_credential)
M2MAUTH_BYTES(m2mauth_a2a_info)
M2MAUTH_BYTES(m2mauth_a2a_ssh_key)
M2MAUTH_BYTES(m2mauth_a2a_dsm_application)
M2MAUTH_BYTES(m2mauth_a2a_call)
M2MAUTH_BYTES(m2mauth_a2a_decrypt)
M2MAUTH_TEXT(m2mauth_a2a_cert_fingerprints)

M2MAUTH_SECRET_BYTES(client_secret)
M2MAUTH_SECRET_BYTES(consumer_secret)
M2MAUTH_SECRET_BYTES(token)
M2MAUTH_SECRET_BYTES(token_secret)
/* NULL allowed: no tenant, no parameters. */
M2MAUTH_OPTIONAL_TEXT(tenant)
M2MAUTH_OPTIONAL_TEXT(params_json)
%include "m2mauth/senhasegura.h"

/* m2mauth_a2a_set_oauth1_credentials with the struct's members as arguments, so that the secrets cross
   as wiped bytes like every other secret (the struct itself is not wrapped). */
M2MAUTH_STATUS(m2mauth_glue_a2a_set_oauth1_credentials)
M2MAUTH_BYTES(m2mauth_glue_a2a_credential_with)
M2MAUTH_BYTES(m2mauth_glue_a2a_info_with)
M2MAUTH_BYTES(m2mauth_glue_a2a_ssh_key_with)
M2MAUTH_BYTES(m2mauth_glue_a2a_dsm_application_with)
M2MAUTH_BYTES(m2mauth_glue_a2a_call_with)
%inline %{
m2mauth_status m2mauth_glue_a2a_set_oauth1_credentials(m2mauth_a2a *a2a, const char *consumer_key,
                                                       const char *consumer_secret, const char *token,
                                                       const char *token_secret) {
  m2mauth_a2a_oauth1_credentials c = M2MAUTH_A2A_OAUTH1_CREDENTIALS_INIT;
  c.consumer_key = consumer_key;
  c.consumer_secret = consumer_secret;
  c.token = token;
  c.token_secret = token_secret;
  return m2mauth_a2a_set_oauth1_credentials(a2a, &c);
}

/* The calls bounded and cancelled (the _with forms): the options as scalars, as in glue.i. */
static m2mauth_call_options m2mauth_glue_a2a_options(int64_t timeout_ms, int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = M2MAUTH_CALL_OPTIONS_INIT;
  o.timeout_ms = timeout_ms;
  o.deadline_ms = deadline_ms;
  o.cancel = cancel;
  return o;
}
m2mauth_status m2mauth_glue_a2a_credential_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id, int64_t timeout_ms,
                                                int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_a2a_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_a2a_credential_with(out, a2a, id, &o);
}
m2mauth_status m2mauth_glue_a2a_info_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id, int64_t timeout_ms,
                                          int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_a2a_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_a2a_info_with(out, a2a, id, &o);
}
m2mauth_status m2mauth_glue_a2a_ssh_key_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *id, int64_t timeout_ms,
                                             int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_a2a_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_a2a_ssh_key_with(out, a2a, id, &o);
}
m2mauth_status m2mauth_glue_a2a_dsm_application_with(m2mauth_buf *out, m2mauth_a2a *a2a, int64_t timeout_ms,
                                                     int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_a2a_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_a2a_dsm_application_with(out, a2a, &o);
}
m2mauth_status m2mauth_glue_a2a_call_with(m2mauth_buf *out, m2mauth_a2a *a2a, const char *method, const char *path,
                                          const char *params_json, unsigned int flags, int64_t timeout_ms,
                                          int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_a2a_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_a2a_call_with(out, a2a, method, path, params_json, flags, &o);
}
%}
M2MAUTH_OPTIONAL_TEXT_END(tenant)
M2MAUTH_OPTIONAL_TEXT_END(params_json)
M2MAUTH_SECRET_BYTES_END(client_secret)
M2MAUTH_SECRET_BYTES_END(consumer_secret)
M2MAUTH_SECRET_BYTES_END(token)
M2MAUTH_SECRET_BYTES_END(token_secret)
