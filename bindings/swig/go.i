/*
 * go.i: how the C API crosses cgo (included by m2mauth.i when SWIG runs with -go -cgo).
 *
 * The generated package (bindings/go/internal/raw) stays close to C: every call that can fail returns
 * the m2mauth_status as an int. The status gate is in the hand-written package (bindings/go/m2mauth,
 * call.go): it pins the goroutine to its OS thread around the call and m2mauth_error_last(), because
 * the error record is thread-local and Go may otherwise move the goroutine between the two cgo calls.
 *
 * - `m2mauth_buf *out`      -> `out *[]byte`: filled with a Go copy; the library's buffer is handed to
 *                              the Go wrapper, copied, and disposed (wiped) by m2mauth_glue_buf_release.
 * - `T **out`               -> `out *uintptr`: the new handle (wrap with raw.SwigcptrT(p)), owned by
 *                              the caller, released with raw.DeleteT.
 * - `int64_t/uint32_t *out` -> `*int64` / `*uint32`.
 * - (const uint8_t *, size_t) pairs -> `[]byte`, passed without copying (cgo pointer rules hold: the
 *                              bytes hold no Go pointers and C keeps nothing after the call).
 * - `const char *passphrase` -> `[]byte`; the NUL-terminated C copy is wiped.
 * - `const char *kid, *alg, *use, *token, ...` (optional, NULL allowed) -> `[]byte`, nil for NULL; the
 *                              C copy is wiped (a token to invalidate is one of them).
 * - secrets (M2MAUTH_SECRET_BYTES: client, consumer and token secrets) -> `[]byte` like a passphrase.
 * - `const char *` results   -> read in place and copied once into a Go string (no C copy left behind).
 * - callbacks (token events, clocks): exported Go functions (internal/raw/callbacks.go) behind C
 *   trampolines, a runtime/cgo.Handle as payload (see the end of this file).
 * Go strings may hold NUL bytes, which C would cut short: the hand-written package refuses them.
 */
%define M2MAUTH_LANG_STATUS(fn)
%enddef
%define M2MAUTH_LANG_TEXT(fn)
%enddef
%define M2MAUTH_LANG_BYTES(fn)
%enddef
%define M2MAUTH_LANG_NUMBER(fn)
%enddef
%define M2MAUTH_LANG_NEW(fn, T)
%enddef

%insert(go_header) %{
// swigTakeBuffer replaces a library buffer handed over by the C wrapper (array/len/cap = the
// m2mauth_buf's ptr/size/reserved) with a Go copy, then disposes of (wipes and frees) the library's.
func swigTakeBuffer(b *[]byte) {
	if b == nil || *b == nil {
		return
	}
	c := *b
	out := make([]byte, len(c))
	copy(out, c)
	*b = out
	M2mauth_glue_buf_release(uintptr(unsafe.Pointer(unsafe.SliceData(c))), int64(len(c)), int64(cap(c)))
}
%}

/* ---- out-parameters --------------------------------------------------------------------------------- */
%typemap(gotype) m2mauth_buf *out "*[]byte"
%typemap(in) m2mauth_buf *out (m2mauth_buf temp) %{
  memset(&temp, 0, sizeof temp);
  $1 = &temp;
%}
%typemap(argout) m2mauth_buf *out %{
  /* The buffer itself is handed over (no copy here); Go copies it and releases it (swigTakeBuffer). */
  if (result == M2MAUTH_OK && $input && $1->ptr) {
    $input->array = $1->ptr;
    $input->len = (intgo)$1->size;
    $input->cap = (intgo)$1->reserved;
    memset($1, 0, sizeof *$1);
  }
%}
%typemap(freearg) m2mauth_buf *out %{
  m2mauth_buf_dispose($1);
%}
%typemap(goargout) m2mauth_buf *out %{
	swigTakeBuffer($input)
%}

%typemap(gotype) SWIGTYPE **out "*uintptr"
%typemap(in) SWIGTYPE **out %{
  $1 = ($1_ltype)$input;
%}

%typemap(gotype) int64_t *out "*int64"
%typemap(in) int64_t *out %{
  $1 = ($1_ltype)$input;
%}
%typemap(gotype) uint32_t *out "*uint32"
%typemap(in) uint32_t *out %{
  $1 = ($1_ltype)$input;
%}
%typemap(gotype) int *out "*int32"
%typemap(in) int *out %{
  $1 = ($1_ltype)$input;
%}

/* ---- bytes and passphrases in ----------------------------------------------------------------------- */
%typemap(gotype) (const uint8_t *BYTES, size_t BYTES_LEN) "[]byte"
%typemap(in) (const uint8_t *BYTES, size_t BYTES_LEN) %{
  $1 = $input.len ? ($1_ltype)$input.array : ($1_ltype)"";
  $2 = ($2_ltype)$input.len;
%}

%typemap(gotype) const char *passphrase "[]byte"
%typemap(in) const char *passphrase %{
  $1 = NULL;
  if ($input.array) {
    char *copy = (char *)malloc((size_t)$input.len + 1);
    if (!copy) return M2MAUTH_ENOMEM;
    memcpy(copy, $input.array, (size_t)$input.len);
    copy[$input.len] = 0;
    $1 = copy;
  }
%}
%typemap(freearg) const char *passphrase %{
  if ($1) {
    m2mauth_glue_wipe((char *)$1, strlen($1));
    free((char *)$1);
  }
%}

/* Optional text: a Go string cannot be NULL, so these arrive as []byte, nil meaning NULL. */
%typemap(gotype) const char *OPTIONAL_TEXT "[]byte"
%typemap(in) const char *OPTIONAL_TEXT %{
  $1 = NULL;
  if ($input.array) {
    char *copy = (char *)malloc((size_t)$input.len + 1);
    if (!copy) return M2MAUTH_ENOMEM;
    memcpy(copy, $input.array, (size_t)$input.len);
    copy[$input.len] = 0;
    $1 = copy;
  }
%}
%typemap(freearg) const char *OPTIONAL_TEXT %{
  m2mauth_glue_free_secret((char *)$1); /* optional texts include tokens to invalidate */
%}
%define M2MAUTH_LANG_OPTIONAL_TEXT(name)
%apply const char *OPTIONAL_TEXT { const char *name };
%enddef
%define M2MAUTH_LANG_OPTIONAL_TEXT_END(name)
%clear const char *name;
%enddef

/* Text that may carry a secret (header values): a Go string, whose NUL-terminated C copy is wiped. */
%typemap(freearg) const char *WIPED_TEXT %{
  m2mauth_glue_free_secret((char *)$1);
%}
%define M2MAUTH_LANG_SECRET_TEXT(name)
%apply const char *WIPED_TEXT { const char *name };
%enddef

/*
 * Text results (static strings, or owned by a handle and valid until it changes) are read in place and
 * copied once, into Go memory, by the Go half of the same wrapper call. SWIG's default would first copy
 * them into a malloc'd C string freed unwiped, and header values and access tokens are secrets.
 */
%go_import("strings")
%typemap(out) char *, const char * %{
  $result.p = (char *)$1;
  $result.n = $1 ? (intgo)strlen((const char *)$1) : 0;
%}
%typemap(goout) char *, const char * %{
	$result = strings.Clone($1)
%}

/* A caller's buffer that C fills: []byte, passed without copying (the glue copy functions, glue.i). */
%typemap(gotype) (uint8_t *DST, size_t DST_LEN) "[]byte"
%typemap(in) (uint8_t *DST, size_t DST_LEN) %{
  $1 = ($1_ltype)$input.array;
  $2 = ($2_ltype)$input.len;
%}

/* int64 results a glue function writes into a caller's []int64 (passed without copying). */
%typemap(gotype) int64_t *SIZES "[]int64"
%typemap(in) int64_t *SIZES %{
  $1 = ($1_ltype)$input.array;
%}

/* An array of key handles: []uintptr (pointer-sized, no Go pointers), passed without copying. */
%typemap(gotype) (const m2mauth_key *const *KEYS, size_t KEYS_LEN) "[]uintptr"
%typemap(in) (const m2mauth_key *const *KEYS, size_t KEYS_LEN) %{
  $1 = ($1_ltype)$input.array;
  $2 = ($2_ltype)$input.len;
%}

/*
 * ---- callbacks: C calling Go ----
 * The library calls these from any thread, its own included (the token manager's background refresh);
 * cgo runs Go code on such threads. The payload is a runtime/cgo.Handle value, made and deleted by the
 * Go owner (internal/raw/callbacks.go), deleted only after the native object that calls back is freed.
 * The exported functions are defined in internal/raw/callbacks.go.
 */
%{
extern void m2mauthGoTokenEvent(m2mauth_token_event *event, uintptr_t payload);
extern int64_t m2mauthGoClock(uintptr_t payload);
extern void m2mauthGoRelease(uintptr_t payload);

static void m2mauth_glue_payload_release(void *payload) { m2mauthGoRelease((uintptr_t)payload); }

extern int m2mauthGoTransport(m2mauth_response **out, m2mauth_request *req, uintptr_t payload);

static m2mauth_status m2mauth_glue_transport_trampoline(m2mauth_response **out, const m2mauth_request *req,
                                                        void *payload) {
  return m2mauthGoTransport(out, (m2mauth_request *)req, (uintptr_t)payload);
}

extern int m2mauthGoSign(m2mauth_signature *out, char *alg, uint8_t *input, size_t len, uintptr_t payload);

static m2mauth_status m2mauth_glue_sign_trampoline(m2mauth_signature *out, const char *alg, const uint8_t *input,
                                                   size_t len, void *payload) {
  return m2mauthGoSign(out, (char *)alg, (uint8_t *)input, len, (uintptr_t)payload);
}

static void m2mauth_glue_event_trampoline(const m2mauth_token_event *ev, void *payload) {
  m2mauthGoTokenEvent((m2mauth_token_event *)ev, (uintptr_t)payload);
}

static int64_t m2mauth_glue_clock_trampoline(void *payload) {
  return m2mauthGoClock((uintptr_t)payload);
}

/* The tracer's callbacks (telemetry.h, glue.i's m2mauth_glue_set_tracer): the Go half reads the span
 * records' fields and answers with a span handle (a runtime/cgo.Handle value, 0 for none) that end
 * takes back and deletes. A start may write a traceparent into the library's buffer. */
extern uintptr_t m2mauthGoSpanStart(m2mauth_span_start *span, char *traceparent, uintptr_t payload);
extern void m2mauthGoSpanEnd(uintptr_t span, m2mauth_span_end *end, uintptr_t payload);

static void *m2mauth_glue_span_start_trampoline(const m2mauth_span_start *span, char *traceparent, void *payload) {
  return (void *)m2mauthGoSpanStart((m2mauth_span_start *)span, traceparent, (uintptr_t)payload);
}
static void m2mauth_glue_span_end_trampoline(void *span, const m2mauth_span_end *end, void *payload) {
  m2mauthGoSpanEnd((uintptr_t)span, (m2mauth_span_end *)end, (uintptr_t)payload);
}

/* The caller's ctx for a token request a manager's thread makes on its behalf: a cgo.Handle (0: none)
 * that the library hands to start as the record's parent and then releases. */
extern uintptr_t m2mauthGoSpanCapture(uintptr_t payload);
extern void m2mauthGoSpanRelease(uintptr_t context);
#define M2MAUTH_GLUE_SPAN_CAPTURE 1
static void *m2mauth_glue_span_capture_trampoline(void *payload) {
  return (void *)m2mauthGoSpanCapture((uintptr_t)payload);
}
static void m2mauth_glue_span_release_trampoline(void *context, void *payload) {
  (void)payload;
  m2mauthGoSpanRelease((uintptr_t)context);
}
%}
