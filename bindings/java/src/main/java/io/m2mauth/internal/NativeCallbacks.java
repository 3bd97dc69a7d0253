package io.m2mauth.internal;

import java.time.Clock;

/**
 * The Java half of the callbacks the C library makes (bindings/swig/java.i, "callbacks"). The JNI
 * trampolines call these static methods, from whatever thread runs the work: a Java thread inside a
 * native call, or a thread of the library's own (the token manager's background refresh), attached to
 * the JVM as a daemon for the purpose. The first argument is the object behind the callback's payload
 * (a JNI global reference held by a {@link NativeRef}). Nothing thrown here may reach C: every Throwable
 * stops at this boundary.
 */
public final class NativeCallbacks {
  private NativeCallbacks() {}

  /** Receives m2mauth_token_event values (never a secret). Must not block: it runs on the library's thread. */
  public interface TokenEventSink {
    void tokenEvent(int kind, String clientId, String scope, long expiresAtMillis, int errorCode, int httpStatus,
        boolean transientError, long retryAfterMillis, String oauthError, long durationMillis);
  }

  /** Called by m2mauth_glue_event_trampoline. */
  static void tokenEvent(Object sink, int kind, byte[] clientId, byte[] scope, long expiresAtMillis, int errorCode,
      int httpStatus, boolean transientError, long retryAfterMillis, byte[] oauthError, long durationMillis) {
    try {
      ((TokenEventSink) sink).tokenEvent(kind, Utf8.decode(clientId), Utf8.decode(scope), expiresAtMillis, errorCode,
          httpStatus, transientError, retryAfterMillis, Utf8.decode(oauthError), durationMillis);
    } catch (Throwable t) {
      // an observer's failure never reaches the library
    }
  }

  /**
   * Completes one m2mauth_token_manager_get_async call (java_async.i): status 0 with the view as
   * m2mauth_glue_token_manager_read gives it (scheme, access token and granted scope, UTF-8, one after
   * the other in view; their lengths and the view's numbers in sizes), or a negative status with its
   * exception. Called exactly once, on
   * the thread that made the call (the outcome was known at once), a thread of the manager, or the thread
   * freeing the manager (M2MAUTH_ECANCELLED). Must not block and must not close the manager.
   */
  public interface TokenDoneSink {
    void tokenDone(int status, byte[] view, long[] sizes, Throwable error);
  }

  /** Called by m2mauth_glue_token_done_trampoline; wipes the view's bytes (the access token) afterwards. */
  static void tokenDone(Object sink, int status, byte[] view, long[] sizes, Throwable error) {
    try {
      ((TokenDoneSink) sink).tokenDone(status, view, sizes, error);
    } catch (Throwable t) {
      // the sink completes its future itself; nothing may reach the library
    } finally {
      if (view != null) {
        java.util.Arrays.fill(view, (byte) 0);
      }
    }
  }

  /** An application transport's Java half: answers one native request with a new native response. */
  public interface TransportSink {
    /**
     * The response (ownership passes to the library), or throws: {@link TransportFailure} with an
     * m2mauth_error_code, anything else is a network failure.
     */
    ResponseHandle send(RequestHandle request) throws Exception;
  }

  /** A transport failure with its m2mauth_error_code (negative). */
  public static final class TransportFailure extends Exception {
    private static final long serialVersionUID = 1L;
    public final int code;

    public TransportFailure(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /**
   * Called by m2mauth_glue_transport_trampoline: the request handle is borrowed for the call; the
   * returned value is the native response (owned by the library from here on) or M2MAUTH_ENETWORK.
   */
  static long transport(Object sink, long request) {
    try {
      ResponseHandle resp = ((TransportSink) sink).send(new RequestHandle(request, false));
      if (resp == null) {
        return m2mauth_error_code.M2MAUTH_ERROR;
      }
      long p = ResponseHandle.getCPtr(resp);
      resp.swigCMemOwn = false;
      return p;
    } catch (TransportFailure f) {
      return f.code < 0 ? f.code : m2mauth_error_code.M2MAUTH_ENETWORK;
    } catch (Throwable t) {
      return m2mauth_error_code.M2MAUTH_ENETWORK;
    }
  }

  /** A signer key's Java half (io.m2mauth.Signer behind it). */
  public interface SignSink {
    byte[] sign(String algorithm, byte[] data) throws Exception;
  }

  /**
   * Called by m2mauth_glue_sign_trampoline: 0 then the signature, or 1 then the UTF-8 text of what the
   * signer threw (its class name and message).
   */
  static byte[] sign(Object sink, byte[] algorithm, byte[] data) {
    String error;
    try {
      byte[] sig = ((SignSink) sink).sign(Utf8.decode(algorithm), data);
      if (sig != null) {
        byte[] out = new byte[sig.length + 1];
        System.arraycopy(sig, 0, out, 1, sig.length);
        return out;
      }
      error = "the signer returned null";
    } catch (Throwable t) {
      String m = t.getMessage();
      error = t.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
    }
    byte[] text = error.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] out = new byte[text.length + 1];
    out[0] = 1;
    System.arraycopy(text, 0, out, 1, text.length);
    return out;
  }

  /**
   * The process's tracer (telemetry.h): told of every token request and managed request, on the sending
   * thread (a caller's, or the token manager's own refresh thread). Records cross as the library's JSON.
   */
  public interface SpanSink {
    /**
     * Just before a send: the span (never null: null means "no span", whose end is skipped), and
     * optionally a W3C traceparent written as ASCII into the first bytes of traceparent (left zero: none).
     */
    Object start(String json, Object parent, byte[] traceparent);

    /**
     * On a caller's thread whose token request the token manager's own thread will make: the caller's
     * context (null: none), handed to that request's start as its parent.
     */
    default Object capture() {
      return null;
    }

    /** Exactly once for every span start returned, on the same thread, when the send returned or failed. */
    void end(Object span, String json);
  }

  /** Called by m2mauth_glue_span_start_trampoline: the span, or null when the sink failed (no end then). */
  static Object spanStart(Object sink, byte[] json, Object parent, byte[] traceparent) {
    try {
      return ((SpanSink) sink).start(Utf8.decode(json), parent, traceparent);
    } catch (Throwable t) {
      java.util.Arrays.fill(traceparent, (byte) 0);
      return null;
    }
  }

  /** Called by m2mauth_glue_span_capture_trampoline: the caller's context, or null. */
  static Object spanCapture(Object sink) {
    try {
      return ((SpanSink) sink).capture();
    } catch (Throwable t) {
      return null;
    }
  }

  /** Called by m2mauth_glue_span_end_trampoline with what spanStart returned (never null). */
  static void spanEnd(Object sink, Object span, byte[] json) {
    try {
      ((SpanSink) sink).end(span, Utf8.decode(json));
    } catch (Throwable t) {
      // a tracer's failure never reaches the library
    }
  }

  /** Called by m2mauth_glue_clock_trampoline: Unix milliseconds from a java.time.Clock. */
  static long clockMillis(Object clock) {
    try {
      return ((Clock) clock).millis();
    } catch (Throwable t) {
      return System.currentTimeMillis();
    }
  }
}
