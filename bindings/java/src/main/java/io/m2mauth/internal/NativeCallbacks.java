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
        boolean transientError, long retryAfterMillis, String oauthError);
  }

  /** Called by m2mauth_glue_event_trampoline. */
  static void tokenEvent(Object sink, int kind, byte[] clientId, byte[] scope, long expiresAtMillis, int errorCode,
      int httpStatus, boolean transientError, long retryAfterMillis, byte[] oauthError) {
    try {
      ((TokenEventSink) sink).tokenEvent(kind, Utf8.decode(clientId), Utf8.decode(scope), expiresAtMillis, errorCode,
          httpStatus, transientError, retryAfterMillis, Utf8.decode(oauthError));
    } catch (Throwable t) {
      // an observer's failure never reaches the library
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
