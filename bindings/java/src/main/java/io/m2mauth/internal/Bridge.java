package io.m2mauth.internal;

import io.m2mauth.CallOptions;
import io.m2mauth.Certificate;
import io.m2mauth.Config;
import io.m2mauth.Http;
import io.m2mauth.Key;
import io.m2mauth.ManagerOptions;
import java.util.function.Function;

/**
 * How the binding's sub-packages (io.m2mauth.senhasegura) reach the native handles of io.m2mauth's objects
 * without those becoming public API: io.m2mauth registers the one {@link Access} (its package-private
 * InternalAccess) when that class is initialized. Internal: not for applications.
 */
public final class Bridge {
  private static final String IMPLEMENTATION = "io.m2mauth.InternalAccess";
  private static volatile Access access;

  private Bridge() {}

  /** Handle access with the owners' rules: acquire/release around f, IllegalStateException after close. */
  public interface Access {
    <T> T useHttp(Http http, Function<HttpHandle, T> f);

    <T> T useKey(Key key, Function<KeyHandle, T> f);

    <T> T useCertificate(Certificate certificate, Function<CertHandle, T> f);

    <T> T useConfig(Config config, Function<ConfigHandle, T> f);

    /** A new native options struct (the caller deletes it). */
    TokenManagerOptionsStruct managerOptions(ManagerOptions options);

    /** f with options' timeout, deadline (Unix ms, 0 = none) and cancel handle held for the call (null: none). */
    <T> T withCallOptions(CallOptions options, CallBounds<T> f);
  }

  /** A native call given the scalar call options of the glue's _with functions. */
  public interface CallBounds<T> {
    T call(long timeoutMs, long deadlineMs, CancelHandle cancel);
  }

  /** Called once, by io.m2mauth.InternalAccess. */
  public static void register(Access a) {
    if (a == null || !a.getClass().getName().equals(IMPLEMENTATION)) {
      throw new IllegalArgumentException("m2mauth: not the binding's handle access");
    }
    synchronized (Bridge.class) {
      if (access != null) {
        throw new IllegalStateException("m2mauth: handle access already registered");
      }
      access = a;
    }
  }

  public static Access access() {
    Access a = access;
    if (a == null) {
      try {
        Class.forName(IMPLEMENTATION, true, Bridge.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("m2mauth: " + IMPLEMENTATION + " missing", e);
      }
      a = access;
    }
    return a;
  }
}
