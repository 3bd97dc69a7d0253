/*
 * glue.i: the few lines of C the bindings need around the C API. Not API: no header declares them, and
 * they hold no protocol logic.
 */
%{
/* A clock pinned to one instant, carried in the payload pointer itself (no lifetime to manage). */
static int64_t m2mauth_glue_fixed_clock(void *payload) {
#if INTPTR_MAX >= INT64_MAX
  return (int64_t)(intptr_t)payload;
#else
  return (int64_t)(intptr_t)payload * 1000; /* 32-bit: the payload carries seconds */
#endif
}
%}

M2MAUTH_STATUS(m2mauth_glue_verifier_set_fixed_time)
%inline %{
/* Pins a verifier's clock to unix_ms (known-answer tests; re-checking a logged token at its time). */
m2mauth_status m2mauth_glue_verifier_set_fixed_time(m2mauth_verifier *verifier, int64_t unix_ms) {
#if INTPTR_MAX >= INT64_MAX
  void *payload = (void *)(intptr_t)unix_ms;
#else
  void *payload = (void *)(intptr_t)(unix_ms / 1000);
#endif
  return m2mauth_verifier_set_clock(verifier, m2mauth_glue_fixed_clock, payload);
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
