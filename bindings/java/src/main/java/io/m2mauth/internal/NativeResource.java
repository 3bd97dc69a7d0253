package io.m2mauth.internal;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One native handle shared by the threads that use it, released exactly once.
 *
 * <p>Each call brackets its native use with {@link #acquire()} / {@link #release()}. {@link #close()} forbids
 * new users and frees the handle as soon as the last current user has released it, so closing an object
 * while another thread is inside a native call never frees memory under that call: later calls get
 * IllegalStateException instead of a crash. A {@link Cleaner} frees handles whose owner was never closed.
 * The cleaner action references this object only, never the owner.
 *
 * <p>Every handle made and not yet freed is counted per kind ({@link #liveHandles()}), like the Python
 * module's counters: the tests check after every test class that the counts return to where they were.
 */
public final class NativeResource<H> {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final ConcurrentHashMap<String, AtomicLong> LIVE = new ConcurrentHashMap<>();

  /** users << 1 | closed bit. */
  private final AtomicInteger state = new AtomicInteger();
  private final AtomicBoolean freed = new AtomicBoolean();
  private final H handle;
  private final Consumer<H> free;
  private final String what;
  private final Cleaner.Cleanable cleanable;

  private NativeResource(Object owner, H handle, Consumer<H> free, String what) {
    this.handle = handle;
    this.free = free;
    this.what = what;
    LIVE.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    this.cleanable = CLEANER.register(owner, this::freeOnce);
  }

  /**
   * Native handles made through this class and not yet freed, per kind ("key", "HTTP transport", ...).
   * Kinds whose count is zero are included once they have been used. (JNI global references that
   * callbacks hold belong to the native object that calls them, which frees them with itself.)
   */
  public static Map<String, Long> liveHandles() {
    Map<String, Long> out = new TreeMap<>();
    LIVE.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Tracks handle for owner: free runs on close or, as a backstop, once owner is unreachable. */
  public static <H> NativeResource<H> track(Object owner, H handle, Consumer<H> free, String what) {
    if (handle == null) {
      throw new IllegalStateException("m2mauth: native call returned no " + what);
    }
    return new NativeResource<>(owner, handle, free, what);
  }

  /** The handle, for one use; pair with {@link #release()} in a finally block. */
  public H acquire() {
    for (;;) {
      int s = state.get();
      if ((s & 1) != 0) {
        throw new IllegalStateException("m2mauth: " + what + " is closed");
      }
      if (state.compareAndSet(s, s + 2)) {
        return handle;
      }
    }
  }

  public void release() {
    if (state.addAndGet(-2) == 1) {
      cleanable.clean();
    }
  }

  public void close() {
    for (;;) {
      int s = state.get();
      if ((s & 1) != 0) {
        return;
      }
      if (state.compareAndSet(s, s | 1)) {
        if (s == 0) {
          cleanable.clean();
        }
        return;
      }
    }
  }

  public boolean isClosed() {
    return (state.get() & 1) != 0;
  }

  private void freeOnce() {
    if (freed.compareAndSet(false, true)) {
      free.accept(handle);
      LIVE.get(what).decrementAndGet();
    }
  }
}
