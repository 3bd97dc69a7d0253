package io.m2mauth.internal;

/**
 * JNI global references to Java objects that native code calls back (a clock, an event sink). A
 * reference is handed to exactly one native setter, which owns it from then on: the library deletes it
 * exactly once, when the callback is replaced, when its native object is freed (after the last call),
 * or at once if the setter fails. The Java side keeps nothing to release.
 *
 * <p>The referenced object stays strongly reachable while the native object lives, so it must not
 * reference the owner of the native handle (the owner's Cleaner would never run).
 */
public final class NativeRef {
  private NativeRef() {}

  /** A new global reference to target, for one native setter to take. */
  public static long handOver(Object target) {
    if (target == null) {
      throw new NullPointerException("callback target");
    }
    long r = M2mauthNative.m2mauth_glue_java_ref_new(target);
    if (r == 0) {
      throw new IllegalStateException("m2mauth: could not make a JNI global reference");
    }
    return r;
  }
}
