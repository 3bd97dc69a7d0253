/*
 * glue.i: the few lines of C the bindings need around the C API. Not API: no header declares them, and
 * they hold no protocol logic.
 */
%{
/* A clock pinned to one instant: the payload is a heap copy of it, released by the library (free). */
static int64_t m2mauth_glue_fixed_clock(void *payload) { return *(const int64_t *)payload; }
%}

M2MAUTH_STATUS(m2mauth_glue_verifier_set_fixed_time)
%inline %{
/* Pins a verifier's clock to unix_ms (known-answer tests; re-checking a logged token at its time). */
m2mauth_status m2mauth_glue_verifier_set_fixed_time(m2mauth_verifier *verifier, int64_t unix_ms) {
  int64_t *at = (int64_t *)malloc(sizeof *at);
  if (!at) return M2MAUTH_ENOMEM;
  *at = unix_ms;
  return m2mauth_verifier_set_clock(verifier, m2mauth_glue_fixed_clock, at, free);
}
%}

#if defined(SWIGGO)
M2MAUTH_VALUE(m2mauth_glue_buf_release)
%inline %{
/* Disposes of a library buffer whose fields the Go wrapper carried as a slice (go.i, swigTakeBuffer). */
void m2mauth_glue_buf_release(void *ptr, size_t size, size_t reserved) {
  m2mauth_buf buf;
  buf.ptr = (uint8_t *)ptr;
  buf.size = size;
  buf.reserved = reserved;
  m2mauth_buf_dispose(&buf);
}
%}
#endif

/*
 * Callbacks into the language (token events, clocks). m2mauth_glue_event_trampoline,
 * m2mauth_glue_clock_trampoline and m2mauth_glue_payload_release are defined per language (java.i: JNI;
 * go.i: cgo exports); payload is what the language uses to find its object again (a JNI global
 * reference, a runtime/cgo.Handle), 0 for none. Each call hands the payload to the library, which
 * releases it (m2mauth_glue_payload_release) exactly once: when the callback is replaced, when its
 * handle is freed, or at once if the call fails. The language keeps nothing alive for it.
 */
M2MAUTH_STATUS(m2mauth_glue_token_manager_set_events)
M2MAUTH_STATUS(m2mauth_glue_token_client_set_clock)
M2MAUTH_STATUS(m2mauth_glue_oauth1_set_clock)
M2MAUTH_STATUS(m2mauth_glue_set_tracer)
%{
#ifndef M2MAUTH_GLUE_SPAN_CAPTURE
/* A language that crosses the caller's trace context defines M2MAUTH_GLUE_SPAN_CAPTURE and the two
 * trampolines (java.i, go.i); without them a token request a manager's thread makes has no parent. */
#define m2mauth_glue_span_capture_trampoline NULL
#define m2mauth_glue_span_release_trampoline NULL
#endif
%}
%inline %{
m2mauth_status m2mauth_glue_token_manager_set_events(m2mauth_token_manager *manager, int64_t payload) {
  return m2mauth_token_manager_set_event_cb(manager, payload ? m2mauth_glue_event_trampoline : NULL,
                                            (void *)(intptr_t)payload, payload ? m2mauth_glue_payload_release : NULL);
}
m2mauth_status m2mauth_glue_token_client_set_clock(m2mauth_token_client *client, int64_t payload) {
  return m2mauth_token_client_set_clock(client, payload ? m2mauth_glue_clock_trampoline : NULL,
                                        (void *)(intptr_t)payload, payload ? m2mauth_glue_payload_release : NULL);
}
/* The process's tracer (telemetry.h): the span records cross as their JSON; 0 removes it. */
m2mauth_status m2mauth_glue_set_tracer(int64_t payload) {
  m2mauth_tracer t = M2MAUTH_TRACER_INIT;
  if (!payload) return m2mauth_set_tracer(NULL);
  t.start = m2mauth_glue_span_start_trampoline;
  t.end = m2mauth_glue_span_end_trampoline;
  t.capture = m2mauth_glue_span_capture_trampoline; /* NULL until the language crosses it */
  t.release = m2mauth_glue_span_release_trampoline;
  t.payload = (void *)(intptr_t)payload;
  t.free_payload = m2mauth_glue_payload_release;
  return m2mauth_set_tracer(&t);
}
m2mauth_status m2mauth_glue_oauth1_set_clock(m2mauth_oauth1 *signer, int64_t payload) {
  return m2mauth_oauth1_set_clock(signer, payload ? m2mauth_glue_clock_trampoline : NULL, (void *)(intptr_t)payload,
                                  payload ? m2mauth_glue_payload_release : NULL);
}
%}

/*
 * Calls bounded and cancelled (call.h): the options as scalars (timeout_ms and deadline_ms, 0 = none) and a
 * cancel handle (NULL = none), so the languages need no struct for them.
 */
M2MAUTH_NEW(m2mauth_glue_http_send_with, m2mauth_response)
M2MAUTH_NEW(m2mauth_glue_token_client_fetch_with, m2mauth_token)
M2MAUTH_NEW(m2mauth_glue_token_manager_request_with, m2mauth_response)
M2MAUTH_NEW(m2mauth_glue_token_manager_token_with, m2mauth_token)
%inline %{
static m2mauth_call_options m2mauth_glue_call_options(int64_t timeout_ms, int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = M2MAUTH_CALL_OPTIONS_INIT;
  o.timeout_ms = timeout_ms;
  o.deadline_ms = deadline_ms;
  o.cancel = cancel;
  return o;
}
m2mauth_status m2mauth_glue_http_send_with(m2mauth_response **out, m2mauth_http *http, const m2mauth_request *req,
                                           int64_t timeout_ms, int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_call_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_http_send_with(out, http, req, &o);
}
m2mauth_status m2mauth_glue_token_client_fetch_with(m2mauth_token **out, m2mauth_token_client *client,
                                                    int64_t timeout_ms, int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_call_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_token_client_fetch_with(out, client, &o);
}
m2mauth_status m2mauth_glue_token_manager_request_with(m2mauth_response **out, m2mauth_token_manager *manager,
                                                       const m2mauth_request *req, int64_t timeout_ms,
                                                       int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_call_options(timeout_ms, deadline_ms, cancel);
  return m2mauth_token_manager_request_with(out, manager, req, &o);
}
/*
 * An owned copy of the current token (with the granted scope, which the view does not carry), the wait
 * bounded and cancelled like m2mauth_token_manager_get_with.
 */
m2mauth_status m2mauth_glue_token_manager_token_with(m2mauth_token **out, m2mauth_token_manager *manager,
                                                     int64_t timeout_ms, int64_t deadline_ms, m2mauth_cancel *cancel) {
  m2mauth_call_options o = m2mauth_glue_call_options(timeout_ms, deadline_ms, cancel);
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  m2mauth_status rc;
  if (!out) return M2MAUTH_EINVAL;
  *out = NULL;
  rc = m2mauth_token_manager_get_with(&v, manager, &o);
  if (rc != M2MAUTH_OK) return rc;
  return m2mauth_token_manager_token(out, manager); /* the view's token, still cached for this thread */
}
%}

/*
 * The cached token view (m2mauth_token_manager_get_with, or _get_for_with when for_key): read and copied
 * into the language's memory within one call of the glue, so a view never outlives the call that made
 * it. sizes (M2MAUTH_GLUE_VIEW_SIZES longs) receives {strlen(scheme), access_token_len, expires_at_ms,
 * fresh_until_ms, the address of the key's generation counter, generation_seen, strlen(scope), the address
 * of the key's reuse-hit counters, their count, their stride} (fresh_until_ms, the addresses,
 * generation_seen, count and stride: the view's version 2 and 3 members, for a copy the language keeps
 * and serves without a call while fresh, counting each such read in one of the reuse-hit counters; 0
 * when it must not be reused); dst receives the scheme, the access token and the granted scope, one after
 * the other, when it has room for all three (else nothing: the caller asks again with more room). One
 * read gives the whole token, so a token stale on arrival (a lifetime under the fetch floor) is fetched
 * once, not once more for a second read.
 */
%{
/* The numbers of a view as sizes lists them (above); the Java completion callback (java.i) uses it too. */
#define M2MAUTH_GLUE_VIEW_SIZES 10
static void m2mauth_glue_view_sizes(const m2mauth_token_view *v, int64_t *sizes) {
  sizes[0] = (int64_t)strlen(v->scheme);
  sizes[1] = (int64_t)v->access_token_len;
  sizes[2] = v->expires_at_ms;
  sizes[3] = v->generation ? v->fresh_until_ms : 0;
  sizes[4] = v->fresh_until_ms ? (int64_t)(intptr_t)v->generation : 0;
  sizes[5] = (int64_t)v->generation_seen;
  sizes[6] = v->scope ? (int64_t)strlen(v->scope) : 0;
  /* The reuse-hit counters only with a reusable view and numbers a binding may index with, a mask of
   * count - 1 included (the library gives 4..32 counters 64 bytes apart): the bindings check nothing
   * more. */
  sizes[7] = v->fresh_until_ms && v->generation && v->reuse_hits && v->reuse_hits_count >= 1 &&
                     v->reuse_hits_count <= 1024 && (v->reuse_hits_count & (v->reuse_hits_count - 1)) == 0 &&
                     v->reuse_hits_stride >= 8 && v->reuse_hits_stride <= 4096 && v->reuse_hits_stride % 8 == 0
                 ? (int64_t)(intptr_t)v->reuse_hits
                 : 0;
  sizes[8] = sizes[7] ? (int64_t)v->reuse_hits_count : 0;
  sizes[9] = sizes[7] ? (int64_t)v->reuse_hits_stride : 0;
}

static m2mauth_status m2mauth_glue_view_read(m2mauth_token_view *v, m2mauth_token_manager *manager, int for_key,
                                             const char *scope, const char *audience, const char *resource,
                                             int64_t timeout_ms, int64_t deadline_ms, m2mauth_cancel *cancel,
                                             int64_t *sizes) {
  m2mauth_call_options o = m2mauth_glue_call_options(timeout_ms, deadline_ms, cancel);
  m2mauth_status rc = for_key ? m2mauth_token_manager_get_for_with(v, manager, scope, audience, resource, &o)
                              : m2mauth_token_manager_get_with(v, manager, &o);
  if (rc != M2MAUTH_OK) return rc;
  m2mauth_glue_view_sizes(v, sizes);
  return M2MAUTH_OK;
}
%}
M2MAUTH_OPTIONAL_TEXT(scope)
M2MAUTH_OPTIONAL_TEXT(audience)
M2MAUTH_OPTIONAL_TEXT(resource)
#if defined(SWIGJAVA)
M2MAUTH_STATUS(m2mauth_glue_token_manager_read)
%inline %{
m2mauth_status m2mauth_glue_token_manager_read(JNIEnv *env, m2mauth_token_manager *manager, int for_key,
                                               const char *scope, const char *audience, const char *resource,
                                               int64_t timeout_ms, int64_t deadline_ms, m2mauth_cancel *cancel,
                                               jbyteArray dst, jlongArray sizes) {
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  int64_t n[M2MAUTH_GLUE_VIEW_SIZES] = {0};
  m2mauth_status rc;
  if (!dst || !sizes || (*env)->GetArrayLength(env, sizes) < M2MAUTH_GLUE_VIEW_SIZES) return M2MAUTH_EINVAL;
  rc = m2mauth_glue_view_read(&v, manager, for_key, scope, audience, resource, timeout_ms, deadline_ms, cancel, n);
  if (rc != M2MAUTH_OK) return rc;
  if (n[0] + n[1] + n[6] <= (int64_t)(*env)->GetArrayLength(env, dst)) {
    (*env)->SetByteArrayRegion(env, dst, 0, (jsize)n[0], (const jbyte *)v.scheme);
    (*env)->SetByteArrayRegion(env, dst, (jsize)n[0], (jsize)n[1], (const jbyte *)v.access_token);
    (*env)->SetByteArrayRegion(env, dst, (jsize)(n[0] + n[1]), (jsize)n[6], (const jbyte *)v.scope);
  }
  (*env)->SetLongArrayRegion(env, sizes, 0, M2MAUTH_GLUE_VIEW_SIZES, (const jlong *)n);
  return M2MAUTH_OK;
}
%}

/*
 * length bytes of the library's memory at address as a direct ByteBuffer, which Java reads and bumps with
 * atomic VarHandle accesses without a native call; NULL for address 0 or a length below 1. Used for a
 * key's generation counter (sizes[4] of m2mauth_glue_token_manager_read, 8 bytes) and its reuse-hit
 * counters (sizes[7], sizes[8] * sizes[9] bytes). That memory lives as long as the manager: Java touches
 * it only while it holds the manager's handle.
 */
%{
typedef jobject m2mauth_glue_direct_buffer;
%}
typedef jobject m2mauth_glue_direct_buffer;
%typemap(jni) m2mauth_glue_direct_buffer "jobject"
%typemap(jtype) m2mauth_glue_direct_buffer "java.nio.ByteBuffer"
%typemap(jstype) m2mauth_glue_direct_buffer "java.nio.ByteBuffer"
%typemap(javaout) m2mauth_glue_direct_buffer {
    return $jnicall;
  }
%typemap(out) m2mauth_glue_direct_buffer %{
  $result = $1;
%}
M2MAUTH_VALUE(m2mauth_glue_memory_buffer)
%inline %{
m2mauth_glue_direct_buffer m2mauth_glue_memory_buffer(JNIEnv *env, int64_t address, int64_t length) {
  if (address == 0 || length < 1) return NULL;
  return (*env)->NewDirectByteBuffer(env, (void *)(intptr_t)address, (jlong)length);
}
%}
#elif defined(SWIGGO)
M2MAUTH_STATUS(m2mauth_glue_token_manager_read)
%apply (uint8_t *DST, size_t DST_LEN) { (uint8_t *dst, size_t dst_len) };
%inline %{
m2mauth_status m2mauth_glue_token_manager_read(m2mauth_token_manager *manager, int for_key, const char *scope,
                                               const char *audience, const char *resource, int64_t timeout_ms,
                                               int64_t deadline_ms, m2mauth_cancel *cancel, uint8_t *dst,
                                               size_t dst_len, int64_t *SIZES) {
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  m2mauth_status rc;
  if (!SIZES) return M2MAUTH_EINVAL;
  rc = m2mauth_glue_view_read(&v, manager, for_key, scope, audience, resource, timeout_ms, deadline_ms, cancel, SIZES);
  if (rc != M2MAUTH_OK) return rc;
  if (dst && (uint64_t)(SIZES[0] + SIZES[1] + SIZES[6]) <= (uint64_t)dst_len) {
    memcpy(dst, v.scheme, (size_t)SIZES[0]);
    memcpy(dst + SIZES[0], v.access_token, (size_t)SIZES[1]);
    memcpy(dst + SIZES[0] + SIZES[1], v.scope, (size_t)SIZES[6]);
  }
  return M2MAUTH_OK;
}
%}
%clear (uint8_t *dst, size_t dst_len);
#endif
M2MAUTH_OPTIONAL_TEXT_END(scope)
M2MAUTH_OPTIONAL_TEXT_END(audience)
M2MAUTH_OPTIONAL_TEXT_END(resource)

/*
 * An application's own transport (m2mauth_http_new_custom): the language's function behind payload (a
 * runtime/cgo.Handle, a JNI global reference; owned by the library from here on) answers every request
 * sent through the handle, through m2mauth_glue_transport_trampoline (go.i, java.i).
 */
M2MAUTH_NEW(m2mauth_glue_http_new_custom, m2mauth_http)
%inline %{
m2mauth_status m2mauth_glue_http_new_custom(m2mauth_http **out, int64_t payload) {
  return m2mauth_http_new_custom(out, m2mauth_glue_transport_trampoline, (void *)(intptr_t)payload,
                                 m2mauth_glue_payload_release);
}
%}

/*
 * A signer key (m2mauth_key_from_signer): the language's signer behind payload (a runtime/cgo.Handle, a
 * JNI global reference; owned by the library from here on) signs through m2mauth_glue_sign_trampoline
 * (go.i, java.i).
 */
M2MAUTH_NEW(m2mauth_glue_key_from_signer, m2mauth_key)
%inline %{
m2mauth_status m2mauth_glue_key_from_signer(m2mauth_key **out, int alg, const m2mauth_key *public_key,
                                            int64_t payload) {
  return m2mauth_key_from_signer(out, alg, public_key, m2mauth_glue_sign_trampoline, (void *)(intptr_t)payload,
                                 m2mauth_glue_payload_release);
}
%}

/* The client-key passphrase of HttpOptionsStruct, as bytes the caller wipes (NULL removes it). */
M2MAUTH_STATUS(m2mauth_glue_http_options_set_passphrase)
%inline %{
m2mauth_status m2mauth_glue_http_options_set_passphrase(m2mauth_http_options *opts, const char *passphrase) {
  char *copy = NULL;
  if (!opts) return M2MAUTH_EINVAL;
  if (passphrase) {
    copy = m2mauth_glue_strdup(passphrase);
    if (!copy) return M2MAUTH_ENOMEM;
  }
  m2mauth_glue_free_secret((char *)opts->client_key_passphrase);
  opts->client_key_passphrase = copy;
  return M2MAUTH_OK;
}
%}

#if defined(SWIGJAVA)
/* JNI global references as callback payloads (java.i, "callbacks"). */
M2MAUTH_VALUE(m2mauth_glue_java_ref_new)
M2MAUTH_VALUE(m2mauth_glue_java_ref_delete)
%inline %{
int64_t m2mauth_glue_java_ref_new(jobject obj) { return m2mauth_glue_java_ref_new_impl(obj); }
void m2mauth_glue_java_ref_delete(int64_t ref) { m2mauth_glue_java_ref_delete_impl(ref); }
%}
#endif

#if defined(SWIGGO)
/*
 * Request and response bodies for Go: the length, and a copy into a Go []byte (Java gets both in one call
 * through the BODY typemaps of java.i).
 */
M2MAUTH_VALUE(m2mauth_glue_request_body_copy)
M2MAUTH_VALUE(m2mauth_glue_response_body_copy)
%apply (uint8_t *DST, size_t DST_LEN) { (uint8_t *dst, size_t dst_len) };
%inline %{
/* Copies at most dst_len bytes of the body into dst; returns the body's length. */
size_t m2mauth_glue_request_body_copy(const m2mauth_request *req, uint8_t *dst, size_t dst_len) {
  size_t n = 0;
  const uint8_t *p = m2mauth_request_body(req, &n);
  if (dst && dst_len) memcpy(dst, p, n < dst_len ? n : dst_len);
  return n;
}
size_t m2mauth_glue_response_body_copy(const m2mauth_response *resp, uint8_t *dst, size_t dst_len) {
  size_t n = 0;
  const uint8_t *p = m2mauth_response_body(resp, &n);
  if (dst && dst_len) memcpy(dst, p, n < dst_len ? n : dst_len);
  return n;
}
%}
%clear (uint8_t *dst, size_t dst_len);
#endif

#if defined(SWIGGO)
/*
 * One verification for Go's Verifier.VerifyInto in one cgo call: the token arrives as bytes ending in a
 * NUL (the caller's reused buffer, not copied again) and the verified claims leave as JSON copied into dst
 * (also the caller's), with no claims handle for the caller to free. sizes[0] receives the JSON's length;
 * when it is over dst_len nothing is copied and the caller asks again with more room.
 */
M2MAUTH_STATUS(m2mauth_glue_verifier_verify_json)
%apply (const uint8_t *BYTES, size_t BYTES_LEN) { (const uint8_t *token, size_t token_len) };
%apply (uint8_t *DST, size_t DST_LEN) { (uint8_t *dst, size_t dst_len) };
%inline %{
m2mauth_status m2mauth_glue_verifier_verify_json(const m2mauth_verifier *verifier, const uint8_t *token,
                                                 size_t token_len, uint8_t *dst, size_t dst_len, int64_t *SIZES) {
  m2mauth_claims *claims = NULL;
  m2mauth_buf json = M2MAUTH_BUF_INIT;
  m2mauth_status rc;
  if (!SIZES || token_len == 0 || token[token_len - 1] != 0) return M2MAUTH_EINVAL;
  rc = m2mauth_verifier_verify(&claims, verifier, (const char *)token);
  if (rc == M2MAUTH_OK) rc = m2mauth_claims_to_json(&json, claims);
  m2mauth_claims_free(claims);
  if (rc != M2MAUTH_OK) return rc;
  SIZES[0] = (int64_t)json.size;
  if (dst && json.size <= dst_len) memcpy(dst, json.ptr, json.size);
  m2mauth_buf_dispose(&json);
  return M2MAUTH_OK;
}
%}
%clear (const uint8_t *token, size_t token_len);
%clear (uint8_t *dst, size_t dst_len);
#endif

/* Java's completion-callback glue (TokenManager.tokenAsync), after the helpers above that it uses. */
#if defined(SWIGJAVA)
%include "java_async.i"
#endif
