/*
 * java.i: how the C API crosses JNI (included by m2mauth.i when SWIG runs with -java).
 *
 * - m2mauth_status is THE gate: a negative status throws io.m2mauth.M2mauthException (the subclass for
 *   its code), built by M2mauthException.fromNative from this thread's m2mauth_error_last() record in
 *   the same native call, so the record can never belong to another call. Functions that only report a
 *   status are void in Java.
 * - Text crosses as real UTF-8 byte arrays (never JNI's "modified UTF-8"), decoded/encoded by
 *   io.m2mauth.internal.Utf8, which also refuses strings with NUL characters (C would cut them short).
 * - `m2mauth_buf *out` becomes the return value (byte[] or String); the buffer is disposed (and wiped)
 *   in the same call. `T **out` becomes a new owning handle object; `int64_t/uint32_t *out` a long.
 * - `const char *passphrase` is a byte[] the caller wipes; the native copy is wiped too.
 */
%include "enumtypeunsafe.swg"
%javaconst(1);
%javaconst(0) M2MAUTH_HEADER_X5T;
%javaconst(0) M2MAUTH_HEADER_X5T_S256;
%javaconst(0) M2MAUTH_HEADER_X5C;

%pragma(java) jniclasscode=%{
  static {
    NativeLoader.load();
    NativeLoader.checkVersion(m2mauth_version_number(), M2mauthNativeConstants.M2MAUTH_VERSION_NUMBER);
  }
%}
%pragma(java) jniclassclassmodifiers="final class"
%pragma(java) moduleclassmodifiers="public final class"

/* Handles are released by their owners (io.m2mauth classes: close() and a Cleaner), never by finalize(). */
%typemap(javafinalize) SWIGTYPE ""

%{
#include <jni.h>

static jclass m2mauth_jni_exception_class;
static jmethodID m2mauth_jni_exception_factory;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  JNIEnv *env;
  jclass local;
  (void)reserved;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
  local = (*env)->FindClass(env, "io/m2mauth/M2mauthException");
  if (!local) return JNI_ERR;
  m2mauth_jni_exception_class = (jclass)(*env)->NewGlobalRef(env, local);
  (*env)->DeleteLocalRef(env, local);
  if (!m2mauth_jni_exception_class) return JNI_ERR;
  m2mauth_jni_exception_factory = (*env)->GetStaticMethodID(env, m2mauth_jni_exception_class, "fromNative",
      "(I[B[BZI[B[B[BJJ)Lio/m2mauth/M2mauthException;");
  if (!m2mauth_jni_exception_factory) return JNI_ERR;
  return JNI_VERSION_1_8;
}

static jbyteArray m2mauth_jni_bytes(JNIEnv *env, const void *p, size_t n) {
  jbyteArray a;
  if (n > 0x7fffffffu) {
    jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (oom) (*env)->ThrowNew(env, oom, "m2mauth: output larger than a Java array");
    return NULL;
  }
  a = (*env)->NewByteArray(env, (jsize)n);
  if (a && n) (*env)->SetByteArrayRegion(env, a, 0, (jsize)n, (const jbyte *)p);
  return a;
}

static jbyteArray m2mauth_jni_text(JNIEnv *env, const char *s) {
  return s ? m2mauth_jni_bytes(env, s, strlen(s)) : NULL;
}

/* The status gate's C half: reads the thread-local record now, in the call that failed. */
static void m2mauth_jni_throw(JNIEnv *env, int status) {
  const m2mauth_error *e = m2mauth_error_last();
  int same = e->code == status;
  jobject ex;
  if ((*env)->ExceptionCheck(env)) return;
  ex = (*env)->CallStaticObjectMethod(env, m2mauth_jni_exception_class, m2mauth_jni_exception_factory,
      (jint)status,
      m2mauth_jni_text(env, m2mauth_error_name(status)),
      m2mauth_jni_text(env, same ? e->message : ""),
      (jboolean)(same ? e->transient != 0 : m2mauth_error_code_is_transient(status) != 0),
      (jint)(same ? e->http_status : 0),
      m2mauth_jni_text(env, same ? e->oauth_error : ""),
      m2mauth_jni_text(env, same ? e->oauth_error_description : ""),
      m2mauth_jni_text(env, same ? e->oauth_error_uri : ""),
      (jlong)(same ? e->vendor_code : 0),
      (jlong)(same ? e->retry_after_ms : 0));
  if (ex && !(*env)->ExceptionCheck(env)) (*env)->Throw(env, (jthrowable)ex);
}

/* A NUL-terminated private copy of a byte[] holding UTF-8 (NULL for null). 0 on failure (thrown). */
static int m2mauth_jni_cstr(JNIEnv *env, jbyteArray in, char **out) {
  jsize n;
  *out = NULL;
  if (!in) return 1;
  n = (*env)->GetArrayLength(env, in);
  *out = (char *)malloc((size_t)n + 1);
  if (!*out) {
    jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (oom) (*env)->ThrowNew(env, oom, "m2mauth: no memory for an argument");
    return 0;
  }
  (*env)->GetByteArrayRegion(env, in, 0, n, (jbyte *)*out);
  (*out)[n] = 0;
  return 1;
}

/* A private copy of a byte[] (wiped when released: the bytes may be a secret). */
static int m2mauth_jni_bytes_in(JNIEnv *env, jbyteArray in, const uint8_t **p, size_t *n) {
  jsize len;
  uint8_t *copy;
  *p = NULL;
  *n = 0;
  if (!in) return 1;
  len = (*env)->GetArrayLength(env, in);
  copy = (uint8_t *)malloc(len ? (size_t)len : 1u);
  if (!copy) {
    jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (oom) (*env)->ThrowNew(env, oom, "m2mauth: no memory for an argument");
    return 0;
  }
  (*env)->GetByteArrayRegion(env, in, 0, len, (jbyte *)copy);
  *p = copy;
  *n = (size_t)len;
  return 1;
}

/* An array of handle pointers from a long[] of KeyHandle.getCPtr values. */
static int m2mauth_jni_handles_in(JNIEnv *env, jlongArray in, const m2mauth_key ***p, size_t *n) {
  jsize len, i;
  jlong *vals;
  *p = NULL;
  *n = 0;
  if (!in) return 1;
  len = (*env)->GetArrayLength(env, in);
  *p = (const m2mauth_key **)calloc(len ? (size_t)len : 1u, sizeof **p);
  vals = (jlong *)calloc(len ? (size_t)len : 1u, sizeof *vals);
  if (!*p || !vals) {
    jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    free((void *)*p);
    free(vals);
    *p = NULL;
    if (oom) (*env)->ThrowNew(env, oom, "m2mauth: no memory for an argument");
    return 0;
  }
  (*env)->GetLongArrayRegion(env, in, 0, len, vals);
  for (i = 0; i < len; i++) (*p)[i] = (const m2mauth_key *)(intptr_t)vals[i];
  free(vals);
  *n = (size_t)len;
  return 1;
}

static void m2mauth_jni_bytes_free(const uint8_t *p, size_t n) {
  if (p) {
    m2mauth_glue_wipe((void *)p, n);
    free((void *)p);
  }
}
%}

/* ---- the status gate ------------------------------------------------------------------------------ */
%typemap(jni) m2mauth_status "jint"
%typemap(jtype) m2mauth_status "int"
%typemap(jstype) m2mauth_status "void"
%typemap(javaout) m2mauth_status { $jnicall; }
%typemap(out) m2mauth_status %{
  if ($1 < 0) m2mauth_jni_throw(jenv, $1);
  $result = (jint)$1;
%}

/* Return kinds: the same gate, then the value the out-parameter received. Matched by function name. */
%define M2MAUTH_JAVA_RETURNS(fn, JNI, JTYPE, JSTYPE, BODY)
%typemap(jni) m2mauth_status fn #JNI
%typemap(jtype) m2mauth_status fn #JTYPE
%typemap(jstype) m2mauth_status fn #JSTYPE
%typemap(javaout) m2mauth_status fn BODY
%typemap(out) m2mauth_status fn %{
  if ($1 < 0) m2mauth_jni_throw(jenv, $1);
%}
%enddef

/* A null String is already NULL in C. */
%define M2MAUTH_LANG_OPTIONAL_TEXT(name)
%enddef
%define M2MAUTH_LANG_OPTIONAL_TEXT_END(name)
%enddef

%define M2MAUTH_LANG_STATUS(fn)
%enddef
%define M2MAUTH_LANG_TEXT(fn)
M2MAUTH_JAVA_RETURNS(fn, jbyteArray, byte[], String, { return Utf8.decode($jnicall); })
%enddef
%define M2MAUTH_LANG_BYTES(fn)
M2MAUTH_JAVA_RETURNS(fn, jbyteArray, byte[], byte[], { return $jnicall; })
%enddef
%define M2MAUTH_LANG_NUMBER(fn)
M2MAUTH_JAVA_RETURNS(fn, jlong, long, long, { return $jnicall; })
%enddef
%define M2MAUTH_LANG_NEW(fn, T)
M2MAUTH_JAVA_RETURNS(fn, jlong, long, $typemap(jstype, T *), {
    long cPtr = $jnicall;
    return cPtr == 0 ? null : new $typemap(jstype, T *)(cPtr, $owner);
  })
%enddef

/* ---- out-parameters --------------------------------------------------------------------------------- */
%typemap(in, numinputs=0) m2mauth_buf *out (m2mauth_buf temp) %{
  memset(&temp, 0, sizeof temp);
  $1 = &temp;
%}
%typemap(argout) m2mauth_buf *out %{
  if (result == M2MAUTH_OK) $result = m2mauth_jni_bytes(jenv, $1->ptr, $1->size);
%}
%typemap(freearg) m2mauth_buf *out %{
  m2mauth_buf_dispose($1);
%}

%typemap(in, numinputs=0) SWIGTYPE **out ($*1_ltype temp) %{
  temp = NULL;
  $1 = &temp;
%}
%typemap(argout) SWIGTYPE **out %{
  if (result == M2MAUTH_OK) $result = (jlong)(intptr_t)*$1;
%}

%typemap(in, numinputs=0) int64_t *out (int64_t temp), uint32_t *out (uint32_t temp) %{
  temp = 0;
  $1 = &temp;
%}
%typemap(argout) int64_t *out, uint32_t *out %{
  if (result == M2MAUTH_OK) $result = (jlong)*$1;
%}

/* ---- text ------------------------------------------------------------------------------------------- */
%typemap(jni) const char * "jbyteArray"
%typemap(jtype) const char * "byte[]"
%typemap(jstype) const char * "String"
%typemap(javain) const char * "Utf8.encode($javainput)"
%typemap(javaout) const char * {
    return Utf8.decode($jnicall);
  }
%typemap(in) const char * %{
  if (!m2mauth_jni_cstr(jenv, $input, (char **)&$1)) return $null;
%}
%typemap(freearg) const char * %{
  free((char *)$1);
%}
%typemap(out) const char * %{
  $result = m2mauth_jni_text(jenv, $1);
%}

/* Passphrases stay in arrays the caller wipes; the native copy is wiped here. */
%typemap(jstype) const char *passphrase "byte[]"
%typemap(javain) const char *passphrase "$javainput"
%typemap(freearg) const char *passphrase %{
  if ($1) {
    m2mauth_glue_wipe((char *)$1, strlen($1));
    free((char *)$1);
  }
%}

/* ---- bytes in --------------------------------------------------------------------------------------- */
%typemap(jni) (const uint8_t *BYTES, size_t BYTES_LEN) "jbyteArray"
%typemap(jtype) (const uint8_t *BYTES, size_t BYTES_LEN) "byte[]"
%typemap(jstype) (const uint8_t *BYTES, size_t BYTES_LEN) "byte[]"
%typemap(javain) (const uint8_t *BYTES, size_t BYTES_LEN) "$javainput"
%typemap(in) (const uint8_t *BYTES, size_t BYTES_LEN) %{
  if (!m2mauth_jni_bytes_in(jenv, $input, (const uint8_t **)&$1, &$2)) return $null;
%}
%typemap(freearg) (const uint8_t *BYTES, size_t BYTES_LEN) %{
  m2mauth_jni_bytes_free($1, $2);
%}

/* ---- arrays of key handles ---------------------------------------------------------------------------- */
%typemap(jni) (const m2mauth_key *const *KEYS, size_t KEYS_LEN) "jlongArray"
%typemap(jtype) (const m2mauth_key *const *KEYS, size_t KEYS_LEN) "long[]"
%typemap(jstype) (const m2mauth_key *const *KEYS, size_t KEYS_LEN) "KeyHandle[]"
%typemap(javain) (const m2mauth_key *const *KEYS, size_t KEYS_LEN) "KeyHandle.pointers($javainput)"
%typemap(in) (const m2mauth_key *const *KEYS, size_t KEYS_LEN) %{
  if (!m2mauth_jni_handles_in(jenv, $input, (const m2mauth_key ***)&$1, &$2)) return $null;
%}
%typemap(freearg) (const m2mauth_key *const *KEYS, size_t KEYS_LEN) %{
  free((void *)$1);
%}
%typemap(javacode) struct m2mauth_key %{
  static long[] pointers(KeyHandle[] handles) {
    if (handles == null) {
      return null;
    }
    long[] p = new long[handles.length];
    for (int i = 0; i < handles.length; i++) {
      p[i] = getCPtr(handles[i]);
    }
    return p;
  }
%}
