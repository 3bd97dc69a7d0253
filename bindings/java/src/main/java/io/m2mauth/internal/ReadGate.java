package io.m2mauth.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Lets threads touch memory a native object owns (a counter the library hands out) with no lock and no
 * write to a word they all share, until {@link #close()}, which waits for those in flight. It is the read
 * path's alternative to {@link NativeResource#acquire()}, whose compare-and-set on one shared int makes
 * two cores reading at once take turns owning its cache line.
 *
 * <p>A reader adds 1 to the slot its hash picks and then reads {@code closed}; {@code close} sets
 * {@code closed} and then waits for every slot to be 0. Both sides use volatile (sequentially consistent)
 * accesses, so either {@code close} sees the reader's 1 and waits, or the reader sees {@code closed} and
 * backs out.
 */
public final class ReadGate {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
  /** Slots 128 bytes apart: a cache line and the line the hardware fetches with it. */
  private static final int STRIDE = 16;
  private static final int SLOTS = 16;

  /** Slot i at (i + 1) * STRIDE: the first STRIDE longs keep slot 0 off the array header's line. */
  private final long[] slots = new long[(SLOTS + 2) * STRIDE];
  private volatile boolean closed;

  /**
   * Admits a reader picked by hash (any int; equal hashes share a slot): returns what to pass to
   * {@link #exit(int)}, or -1 when the gate is closed (the memory may be gone: read nothing).
   */
  public int enter(int hash) {
    int i = ((hash & (SLOTS - 1)) + 1) * STRIDE;
    long unused = (long) SLOT.getAndAdd(slots, i, 1L);
    if (closed) {
      unused = (long) SLOT.getAndAdd(slots, i, -1L);
      return -1;
    }
    return i;
  }

  /** Ends the read {@link #enter(int)} admitted. */
  public void exit(int entered) {
    long unused = (long) SLOT.getAndAdd(slots, entered, -1L);
  }

  /**
   * Turns readers away and returns once none is between {@code enter} and {@code exit}; after it the
   * memory may be freed. Reads take nanoseconds, so it spins (yielding) rather than sleeps.
   */
  public void close() {
    closed = true;
    for (int i = STRIDE; i <= SLOTS * STRIDE; i += STRIDE) {
      while ((long) SLOT.getVolatile(slots, i) != 0) {
        Thread.onSpinWait();
        Thread.yield();
      }
    }
  }

  public boolean isClosed() {
    return closed;
  }
}
