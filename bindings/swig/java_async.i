/*
 * java_async.i: the completion-callback form of the token manager's read for Java
 * (m2mauth_token_manager_get_async, oauth2.h), behind TokenManager.tokenAsync(). Included at the end of
 * glue.i (whose m2mauth_glue_call_options it uses), for Java only: Go has goroutines and uses the
 * blocking _with forms. (Included there rather than from m2mauth.i, SWIG's input file, whose content
 * names the symbols of the generated Go code: the Go output stays byte for byte the same.)
 *
 * payload is a JNI global reference to the Java object that completes the future (a
 * NativeCallbacks.TokenDoneSink), handed to the library, which calls m2mauth_glue_token_done_trampoline
 * (java.i) exactly once and then releases the reference (m2mauth_glue_payload_release), or releases it
 * at once if the call fails (then the status gate throws and no callback comes).
 */
M2MAUTH_STATUS(m2mauth_glue_token_manager_get_async)
%inline %{
m2mauth_status m2mauth_glue_token_manager_get_async(m2mauth_token_manager *manager, int64_t timeout_ms,
                                                    int64_t deadline_ms, m2mauth_cancel *cancel, int64_t payload) {
  m2mauth_call_options o = m2mauth_glue_call_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_token_manager_get_async(manager, &o, m2mauth_glue_token_done_trampoline, (void *)(intptr_t)payload,
                                         m2mauth_glue_payload_release);
}
%}

/* The same for another key (m2mauth_token_manager_get_for_async): scope, audience, resource; null = none. */
M2MAUTH_OPTIONAL_TEXT(scope)
M2MAUTH_OPTIONAL_TEXT(audience)
M2MAUTH_OPTIONAL_TEXT(resource)
M2MAUTH_STATUS(m2mauth_glue_token_manager_get_for_async)
%inline %{
m2mauth_status m2mauth_glue_token_manager_get_for_async(m2mauth_token_manager *manager, const char *scope,
                                                        const char *audience, const char *resource,
                                                        int64_t timeout_ms, int64_t deadline_ms,
                                                        m2mauth_cancel *cancel, int64_t payload) {
  m2mauth_call_options o = m2mauth_glue_call_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_token_manager_get_for_async(manager, scope, audience, resource, &o,
                                             m2mauth_glue_token_done_trampoline, (void *)(intptr_t)payload,
                                             m2mauth_glue_payload_release);
}
%}
M2MAUTH_OPTIONAL_TEXT_END(scope)
M2MAUTH_OPTIONAL_TEXT_END(audience)
M2MAUTH_OPTIONAL_TEXT_END(resource)
