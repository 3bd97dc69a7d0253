package io.m2mauth.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JNI global reference to a Java object that native code calls back (a clock, an event sink), shared
 * by the native objects that may call it and deleted when the last of them has been freed. A token
 * client's clock, for example, is called by the client and by every manager made from it, each of
 * which may be closed first: each holds one count ({@link #retain()}), and releases it only after its
 * own native handle has been freed, when no call into the object can happen any more.
 *
 * <p>The referenced object stays strongly reachable while the reference lives, so it must not
 * reference the owner of the native handle (the owner's Cleaner would never run).
 */
public final class NativeRef {
  static final String KIND = "callback reference";
  private static final AtomicLong LIVE = new AtomicLong();
  private final long ref;
  private final AtomicInteger count = new AtomicInteger(1);

  private NativeRef(long ref) {
    this.ref = ref;
  }

  /** A new global reference to target, held once. */
  public static NativeRef of(Object target) {
    if (target == null) {
      throw new NullPointerException("callback target");
    }
    long r = M2mauthNative.m2mauth_glue_java_ref_new(target);
    if (r == 0) {
      throw new IllegalStateException("m2mauth: could not make a JNI global reference");
    }
    LIVE.incrementAndGet();
    return new NativeRef(r);
  }

  /** Global references made and not yet deleted (see {@link NativeResource#liveHandles()}). */
  static long live() {
    return LIVE.get();
  }

  /** The payload the native setters take. */
  public long value() {
    return ref;
  }

  /** One more holder. */
  public NativeRef retain() {
    for (;;) {
      int n = count.get();
      if (n <= 0) {
        throw new IllegalStateException("m2mauth: callback reference already released");
      }
      if (count.compareAndSet(n, n + 1)) {
        return this;
      }
    }
  }

  /** One holder fewer; the last deletes the global reference. Null-safe through {@link #release(NativeRef)}. */
  public void release() {
    if (count.decrementAndGet() == 0) {
      M2mauthNative.m2mauth_glue_java_ref_delete(ref);
      LIVE.decrementAndGet();
    }
  }

  public static void release(NativeRef r) {
    if (r != null) {
      r.release();
    }
  }
}
