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
 * - `const char *passphrase` is a byte[] the caller wipes; the native copy is wiped too (so are secrets
 *   declared with M2MAUTH_SECRET_BYTES, and the native copies of M2MAUTH_SECRET_TEXT / optional texts).
 * - Callbacks (token events, clocks) enter Java through io.m2mauth.internal.NativeCallbacks, on any
 *   thread, attaching native threads as daemons: see "callbacks" below.
 */
%include "enumtypeunsafe.swg"
%javaconst(1);
%javaconst(0) M2MAUTH_HEADER_X5T;
%javaconst(0) M2MAUTH_HEADER_X5T_S256;
%javaconst(0) M2MAUTH_HEADER_X5C;

%pragma(java) jniclasscode=%{
  static {
    NativeLoader.load();
    NativeLoader.checkVersion(m2mauth_version_compatible(M2mauthNativeConstants.M2MAUTH_VERSION_NUMBER) != 0,
        m2mauth_version_number(), M2mauthNativeConstants.M2MAUTH_VERSION_NUMBER);
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
/* Callbacks from C into Java (token events, clocks): see "callbacks" below. */
static JavaVM *m2mauth_jni_vm;
static jclass m2mauth_jni_callbacks_class;
static jmethodID m2mauth_jni_event_method;
static jmethodID m2mauth_jni_clock_method;
static jmethodID m2mauth_jni_transport_method;
static jmethodID m2mauth_jni_token_done_method;
static jmethodID m2mauth_jni_sign_method;
static jmethodID m2mauth_jni_span_start_method;
static jmethodID m2mauth_jni_span_end_method;
static jmethodID m2mauth_jni_span_capture_method;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  JNIEnv *env;
  jclass local;
  (void)reserved;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
  m2mauth_jni_vm = vm;
  local = (*env)->FindClass(env, "io/m2mauth/internal/NativeCallbacks");
  if (!local) return JNI_ERR;
  m2mauth_jni_callbacks_class = (jclass)(*env)->NewGlobalRef(env, local);
  (*env)->DeleteLocalRef(env, local);
  if (!m2mauth_jni_callbacks_class) return JNI_ERR;
  m2mauth_jni_event_method = (*env)->GetStaticMethodID(env, m2mauth_jni_callbacks_class, "tokenEvent",
      "(Ljava/lang/Object;I[B[BJIIZJ[BJ)V");
  m2mauth_jni_clock_method = (*env)->GetStaticMethodID(env, m2mauth_jni_callbacks_class, "clockMillis",
      "(Ljava/lang/Object;)J");
  m2mauth_jni_transport_method = (*env)->GetStaticMethodID(env, m2mauth_jni_callbacks_class, "transport",
      "(Ljava/lang/Object;J)J");
  m2mauth_jni_token_done_method = (*env)->GetStaticMethodID(env, m2mauth_jni_callbacks_class, "tokenDone",
      "(Ljava/lang/Object;I[B[JLjava/lang/Throwable;)V");
  m2mauth_jni_sign_method = (*env)->GetStaticMethodID(env, m2mauth_jni_callbacks_class, "sign",
      "(Ljava/lang/Object;[B[B)[B");
  m2mauth_jni_span_start_method = (*env)->GetStaticMethodID(env, m2mauth_jni_callbacks_class, "spanStart",
      "(Ljava/lang/Object;[BLjava/lang/Object;[B)Ljava/lang/Object;");
  m2mauth_jni_span_capture_method = (*env)->GetStaticMethodID(env, m2mauth_jni_callbacks_class, "spanCapture",
      "(Ljava/lang/Object;)Ljava/lang/Object;");
  m2mauth_jni_span_end_method = (*env)->GetStaticMethodID(env, m2mauth_jni_callbacks_class, "spanEnd",
      "(Ljava/lang/Object;Ljava/lang/Object;[B)V");
  if (!m2mauth_jni_event_method || !m2mauth_jni_clock_method || !m2mauth_jni_transport_method ||
      !m2mauth_jni_token_done_method || !m2mauth_jni_sign_method || !m2mauth_jni_span_start_method ||
      !m2mauth_jni_span_end_method || !m2mauth_jni_span_capture_method)
    return JNI_ERR;
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
      (jboolean)(same ? m2mauth_error_is_transient(e) != 0 : m2mauth_error_code_is_transient(status) != 0),
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
/*
 * ---- callbacks: C calling Java ----
 *
 * The library calls back from whatever thread runs the work: a Java thread inside a JNI call (a first
 * fetch), or a thread of its own that the JVM has never seen (the token manager's background refresh).
 * m2mauth_jni_env() returns the thread's JNIEnv, attaching such a native thread once, as a daemon (it
 * must not keep the JVM alive), and detaching it when the thread ends (a pthread key destructor), so an
 * attached thread never outlives its Java peer. The payload is a JNI global reference to the Java object
 * (NativeCallbacks casts it), made by m2mauth_glue_java_ref_new() and deleted by the Java owner only after
 * the native object that calls back has been freed. Local references are released per call
 * (PushLocalFrame/PopLocalFrame): an attached native thread never returns to Java to drop them.
 * NativeCallbacks catches everything the Java code throws; an exception still pending is cleared here,
 * never left to surface in an unrelated call.
 */
#include <pthread.h>
#include <time.h>

static pthread_key_t m2mauth_jni_detach_key;
static pthread_once_t m2mauth_jni_detach_once = PTHREAD_ONCE_INIT;
static int m2mauth_jni_detach_ready;

static void m2mauth_jni_detach(void *marker) {
  (void)marker;
  if (m2mauth_jni_vm) (*m2mauth_jni_vm)->DetachCurrentThread(m2mauth_jni_vm);
}

static void m2mauth_jni_detach_init(void) {
  m2mauth_jni_detach_ready = pthread_key_create(&m2mauth_jni_detach_key, m2mauth_jni_detach) == 0;
}

static JNIEnv *m2mauth_jni_env(void) {
  JNIEnv *env = NULL;
  JavaVMAttachArgs args;
  jint rc;
  if (!m2mauth_jni_vm) return NULL;
  rc = (*m2mauth_jni_vm)->GetEnv(m2mauth_jni_vm, (void **)&env, JNI_VERSION_1_8);
  if (rc == JNI_OK) return env;
  if (rc != JNI_EDETACHED) return NULL;
  pthread_once(&m2mauth_jni_detach_once, m2mauth_jni_detach_init);
  if (!m2mauth_jni_detach_ready) return NULL; /* could not arrange the detach: do not attach */
  args.version = JNI_VERSION_1_8;
  args.name = (char *)"m2mauth-native";
  args.group = NULL;
  if ((*m2mauth_jni_vm)->AttachCurrentThreadAsDaemon(m2mauth_jni_vm, (void **)&env, &args) != JNI_OK) return NULL;
  if (pthread_setspecific(m2mauth_jni_detach_key, (void *)1) != 0) {
    (*m2mauth_jni_vm)->DetachCurrentThread(m2mauth_jni_vm);
    return NULL;
  }
  return env;
}

/* Runs a callback's Java half with a fresh local frame; 0 if Java cannot be called on this thread now. */
static JNIEnv *m2mauth_jni_callback_begin(void) {
  JNIEnv *env = m2mauth_jni_env();
  if (!env) return NULL;
  /* Never call Java over an exception already pending on this thread (it belongs to someone else). */
  if ((*env)->ExceptionCheck(env)) return NULL;
  if ((*env)->PushLocalFrame(env, 16) != 0) {
    (*env)->ExceptionClear(env);
    return NULL;
  }
  return env;
}

static void m2mauth_jni_callback_end(JNIEnv *env) {
  if ((*env)->ExceptionCheck(env)) (*env)->ExceptionClear(env);
  (*env)->PopLocalFrame(env, NULL);
}

static void m2mauth_glue_event_trampoline(const m2mauth_token_event *ev, void *payload) {
  JNIEnv *env = m2mauth_jni_callback_begin();
  if (!env) return;
  (*env)->CallStaticVoidMethod(env, m2mauth_jni_callbacks_class, m2mauth_jni_event_method, (jobject)payload,
      (jint)ev->kind, m2mauth_jni_text(env, ev->client_id ? ev->client_id : ""),
      m2mauth_jni_text(env, ev->scope ? ev->scope : ""), (jlong)ev->expires_at_ms, (jint)ev->error_code,
      (jint)ev->http_status, (jboolean)(ev->transient != 0), (jlong)ev->retry_after_ms,
      m2mauth_jni_text(env, ev->oauth_error ? ev->oauth_error : ""), (jlong)ev->duration_ms);
  m2mauth_jni_callback_end(env);
}

/* Only when Java cannot be called at all (NativeCallbacks answers for a clock that throws): whole seconds. */
static int64_t m2mauth_jni_system_millis(void) {
  return (int64_t)time(NULL) * 1000;
}

/* A Java clock; if it cannot be called (or throws, see NativeCallbacks) the system clock answers. */
static int64_t m2mauth_glue_clock_trampoline(void *payload) {
  int64_t now;
  JNIEnv *env = m2mauth_jni_callback_begin();
  if (!env) return m2mauth_jni_system_millis();
  now = (int64_t)(*env)->CallStaticLongMethod(env, m2mauth_jni_callbacks_class, m2mauth_jni_clock_method,
      (jobject)payload);
  if ((*env)->ExceptionCheck(env)) now = m2mauth_jni_system_millis();
  m2mauth_jni_callback_end(env);
  return now;
}

/* Payloads: JNI global references, carried as int64 by the Java owner. */
static int64_t m2mauth_glue_java_ref_new_impl(jobject obj) {
  JNIEnv *env = m2mauth_jni_env();
  if (!env || !obj) return 0;
  return (int64_t)(intptr_t)(*env)->NewGlobalRef(env, obj);
}

static void m2mauth_glue_java_ref_delete_impl(int64_t ref) {
  JNIEnv *env;
  if (!ref) return;
  env = m2mauth_jni_env();
  if (env) (*env)->DeleteGlobalRef(env, (jobject)(intptr_t)ref);
}

/*
 * An application transport: NativeCallbacks.transport gets the request handle (borrowed for the call)
 * and returns a new native response (ownership passes here) as a positive pointer value, or a negative
 * m2mauth_error_code. Java that cannot be called, or throws, is a network failure.
 */
static m2mauth_status m2mauth_glue_transport_trampoline(m2mauth_response **out, const m2mauth_request *req,
                                                        void *payload) {
  jlong r;
  JNIEnv *env = m2mauth_jni_callback_begin();
  if (!env) return M2MAUTH_ENETWORK;
  r = (*env)->CallStaticLongMethod(env, m2mauth_jni_callbacks_class, m2mauth_jni_transport_method, (jobject)payload,
      (jlong)(intptr_t)req);
  if ((*env)->ExceptionCheck(env)) r = M2MAUTH_ENETWORK;
  m2mauth_jni_callback_end(env);
  if (r < 0) return (m2mauth_status)r;
  if (r == 0) return M2MAUTH_ERROR;
  *out = (m2mauth_response *)(intptr_t)r;
  return M2MAUTH_OK;
}

/*
 * The completion callback of m2mauth_token_manager_get_async (java_async.i): NativeCallbacks.tokenDone
 * gets the status and the view as m2mauth_glue_token_manager_read (glue.i) gives it: one byte array
 * holding the scheme, the access token and the granted scope, one after the other, and its numbers as
 * that read's long[10] sizes; or, on failure, the exception built from the error record passed in (the
 * same factory as the status gate). The view and the record are valid during this call only: everything
 * is copied before returning (tokenDone wipes the array once it has made its Strings). If Java cannot be
 * called on this thread at all (the JVM is shutting down), the completion is lost.
 */
#define M2MAUTH_GLUE_VIEW_SIZES 10 /* glue.i */
static void m2mauth_glue_view_sizes(const m2mauth_token_view *v, int64_t *sizes); /* glue.i */

static void m2mauth_glue_token_done_trampoline(m2mauth_status status, const m2mauth_token_view *v,
                                               const m2mauth_error *e, void *payload) {
  jobject ex = NULL;
  jlongArray sizes = NULL;
  jbyteArray view = NULL;
  JNIEnv *env = m2mauth_jni_callback_begin();
  if (!env) return;
  if (status == M2MAUTH_OK && v) {
    int64_t n[M2MAUTH_GLUE_VIEW_SIZES];
    m2mauth_glue_view_sizes(v, n);
    sizes = (*env)->NewLongArray(env, M2MAUTH_GLUE_VIEW_SIZES);
    if (sizes) (*env)->SetLongArrayRegion(env, sizes, 0, M2MAUTH_GLUE_VIEW_SIZES, (const jlong *)n);
    view = (*env)->NewByteArray(env, (jsize)(n[0] + n[1] + n[6]));
    if (view) {
      (*env)->SetByteArrayRegion(env, view, 0, (jsize)n[0], (const jbyte *)v->scheme);
      (*env)->SetByteArrayRegion(env, view, (jsize)n[0], (jsize)n[1], (const jbyte *)v->access_token);
      if (n[6]) (*env)->SetByteArrayRegion(env, view, (jsize)(n[0] + n[1]), (jsize)n[6], (const jbyte *)v->scope);
    }
    if ((*env)->ExceptionCheck(env)) { /* out of memory: report it as a failure */
      (*env)->ExceptionClear(env);
      status = M2MAUTH_ENOMEM;
      sizes = NULL;
      view = NULL;
    }
  } else if (status == M2MAUTH_OK) {
    status = M2MAUTH_ERROR;
  }
  if (status != M2MAUTH_OK) {
    int same = e && e->code == status;
    ex = (*env)->CallStaticObjectMethod(env, m2mauth_jni_exception_class, m2mauth_jni_exception_factory,
        (jint)status,
        m2mauth_jni_text(env, m2mauth_error_name(status)),
        m2mauth_jni_text(env, same ? e->message : ""),
        (jboolean)(same ? m2mauth_error_is_transient(e) != 0 : m2mauth_error_code_is_transient(status) != 0),
        (jint)(same ? e->http_status : 0),
        m2mauth_jni_text(env, same ? e->oauth_error : ""),
        m2mauth_jni_text(env, same ? e->oauth_error_description : ""),
        m2mauth_jni_text(env, same ? e->oauth_error_uri : ""),
        (jlong)(same ? e->vendor_code : 0),
        (jlong)(same ? e->retry_after_ms : 0));
    if ((*env)->ExceptionCheck(env)) {
      (*env)->ExceptionClear(env);
      ex = NULL; /* tokenDone makes a plain one from the status */
    }
  }
  (*env)->CallStaticVoidMethod(env, m2mauth_jni_callbacks_class, m2mauth_jni_token_done_method, (jobject)payload,
      (jint)status, view, sizes, ex);
  m2mauth_jni_callback_end(env);
}

/* free_payload of the callbacks glue.i installs: the library owns the global reference once handed over. */
/*
 * A signer key's Java half: NativeCallbacks.sign gets the algorithm name and the bytes to sign and
 * answers one array: 0 then the signature, or 1 then the UTF-8 text of what the signer threw.
 */
static m2mauth_status m2mauth_glue_sign_trampoline(m2mauth_signature *out, const char *alg, const uint8_t *input,
                                                   size_t len, void *payload) {
  jbyteArray in, res = NULL;
  jbyte *b;
  jsize n;
  char *msg;
  m2mauth_status st = M2MAUTH_ERROR;
  JNIEnv *env = m2mauth_jni_callback_begin();
  if (!env) {
    m2mauth_signature_fail(out, "the JVM cannot be called on this thread");
    return M2MAUTH_ERROR;
  }
  in = (*env)->NewByteArray(env, (jsize)len);
  if (in) {
    (*env)->SetByteArrayRegion(env, in, 0, (jsize)len, (const jbyte *)input);
    res = (jbyteArray)(*env)->CallStaticObjectMethod(env, m2mauth_jni_callbacks_class, m2mauth_jni_sign_method,
        (jobject)payload, m2mauth_jni_text(env, alg), in);
  }
  if (!(*env)->ExceptionCheck(env) && res && (n = (*env)->GetArrayLength(env, res)) > 0 &&
      (b = (*env)->GetByteArrayElements(env, res, NULL)) != NULL) {
    if (b[0] == 0) {
      st = m2mauth_signature_set(out, (const uint8_t *)b + 1, (size_t)(n - 1));
    } else if ((msg = (char *)malloc((size_t)n)) != NULL) {
      memcpy(msg, b + 1, (size_t)(n - 1));
      msg[n - 1] = 0;
      m2mauth_signature_fail(out, msg);
      free(msg);
    }
    (*env)->ReleaseByteArrayElements(env, res, b, JNI_ABORT);
  }
  m2mauth_jni_callback_end(env);
  return st;
}

static void m2mauth_glue_payload_release(void *payload) { m2mauth_glue_java_ref_delete_impl((int64_t)(intptr_t)payload); }

/*
 * The process's tracer (telemetry.h, glue.i's m2mauth_glue_set_tracer): the payload is a global reference
 * to a NativeCallbacks.SpanSink. Start runs on the sending thread (a caller's, or the manager's own
 * refresh thread, attached as above): NativeCallbacks.spanStart gets the span's JSON and an array of
 * M2MAUTH_TRACEPARENT_SIZE - 1 zero bytes it may fill with a traceparent (copied here, NUL-terminated;
 * the library sends it only when valid), and answers the span as an object, kept as a new global
 * reference until its end. End (exactly once per start, same thread) passes that object back with the
 * end's JSON and deletes the reference. A start that cannot call Java, or whose Java half failed, gives
 * no span (NULL) and no traceparent, and its end calls nothing. Capture (on a caller's thread whose token
 * request the manager's thread will make) answers NativeCallbacks.spanCapture's object (the caller's
 * context) as a global reference, passed to that start as its parent and deleted by release.
 */
#define M2MAUTH_GLUE_SPAN_CAPTURE 1
static void *m2mauth_glue_span_capture_trampoline(void *payload) {
  jobject context;
  void *global = NULL;
  JNIEnv *env = m2mauth_jni_callback_begin();
  if (!env) return NULL;
  context = (*env)->CallStaticObjectMethod(env, m2mauth_jni_callbacks_class, m2mauth_jni_span_capture_method,
      (jobject)payload);
  if (!(*env)->ExceptionCheck(env) && context) global = (void *)(*env)->NewGlobalRef(env, context);
  m2mauth_jni_callback_end(env);
  return global;
}

static void m2mauth_glue_span_release_trampoline(void *context, void *payload) {
  JNIEnv *env = m2mauth_jni_env(); /* DeleteGlobalRef is allowed with an exception pending */
  (void)payload;
  if (env && context) (*env)->DeleteGlobalRef(env, (jobject)context);
}

static void *m2mauth_glue_span_start_trampoline(const m2mauth_span_start *span, char *traceparent, void *payload) {
  jbyteArray tp;
  jobject handle;
  void *global = NULL;
  jbyte text[M2MAUTH_TRACEPARENT_SIZE - 1];
  JNIEnv *env = m2mauth_jni_callback_begin();
  if (!env) return NULL;
  tp = (*env)->NewByteArray(env, M2MAUTH_TRACEPARENT_SIZE - 1);
  if (tp) {
    handle = (*env)->CallStaticObjectMethod(env, m2mauth_jni_callbacks_class, m2mauth_jni_span_start_method,
        (jobject)payload, m2mauth_jni_text(env, span->json), (jobject)span->parent, tp);
    if (!(*env)->ExceptionCheck(env)) {
      (*env)->GetByteArrayRegion(env, tp, 0, M2MAUTH_TRACEPARENT_SIZE - 1, text);
      if (text[0] != 0) {
        memcpy(traceparent, text, sizeof text);
        traceparent[M2MAUTH_TRACEPARENT_SIZE - 1] = 0;
      }
      if (handle) global = (void *)(*env)->NewGlobalRef(env, handle);
    }
  }
  m2mauth_jni_callback_end(env);
  return global;
}

static void m2mauth_glue_span_end_trampoline(void *span, const m2mauth_span_end *end, void *payload) {
  JNIEnv *env;
  if (!span) return; /* the Java half gave no span: nothing to end */
  env = m2mauth_jni_callback_begin();
  if (env) {
    (*env)->CallStaticVoidMethod(env, m2mauth_jni_callbacks_class, m2mauth_jni_span_end_method, (jobject)payload,
        (jobject)span, m2mauth_jni_text(env, end->json));
    m2mauth_jni_callback_end(env);
  } else {
    env = m2mauth_jni_env(); /* Java cannot be called now (an exception of someone else's is pending) */
  }
  /* DeleteGlobalRef is allowed with an exception pending; without an env the JVM is going away. */
  if (env) (*env)->DeleteGlobalRef(env, (jobject)span);
}
%}

/* ---- request and response bodies ---------------------------------------------------------------------- */
/* m2mauth_request_body / m2mauth_response_body: (pointer, *len) into the handle, copied to a byte[] in the call. */
%typemap(jni) const uint8_t *BODY "jbyteArray"
%typemap(jtype) const uint8_t *BODY "byte[]"
%typemap(jstype) const uint8_t *BODY "byte[]"
%typemap(javaout) const uint8_t *BODY { return $jnicall; }
%typemap(out) const uint8_t *BODY ""
%typemap(in, numinputs=0) size_t *BODY_LEN (size_t temp) %{
  temp = 0;
  $1 = &temp;
%}
%typemap(argout) size_t *BODY_LEN %{
  $result = m2mauth_jni_bytes(jenv, result, *$1);
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

/* A null String is already NULL in C. Optional texts (tokens to invalidate among them) are wiped. */
%define M2MAUTH_LANG_OPTIONAL_TEXT(name)
%apply const char *WIPED_TEXT { const char *name };
%enddef
%define M2MAUTH_LANG_OPTIONAL_TEXT_END(name)
%clear const char *name;
%enddef
%define M2MAUTH_LANG_SECRET_TEXT(name)
%apply const char *WIPED_TEXT { const char *name };
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

%typemap(in, numinputs=0) int64_t *out (int64_t temp), uint32_t *out (uint32_t temp), int *out (int temp) %{
  temp = 0;
  $1 = &temp;
%}
%typemap(argout) int64_t *out, uint32_t *out, int *out %{
  if (result == M2MAUTH_OK) $result = (jlong)*$1;
%}

/* A glue function's `JNIEnv *env` is the call's own environment (not an argument in Java). */
%typemap(in, numinputs=0) JNIEnv *env %{
  $1 = jenv;
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

/* Text that may carry a secret: the same, and the native copy is wiped after the call. */
%typemap(freearg) const char *WIPED_TEXT %{
  m2mauth_glue_free_secret((char *)$1);
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
