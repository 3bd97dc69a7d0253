package io.m2mauth;

import java.time.Duration;
import java.time.Instant;

/** Durations and instants to the C options' milliseconds: one rule for every options class. */
final class Durations {
  private Durations() {}

  /**
   * Whole milliseconds; a duration that is not zero never becomes 0 (which has a meaning of its own):
   * under a millisecond it becomes 1 (or -1, which the library refuses like any negative value). Beyond
   * the range of a long it is clamped to Long.MAX_VALUE / Long.MIN_VALUE, so the library's own range
   * rule refuses it ({@link InvalidArgumentException} naming the field), not an ArithmeticException here.
   */
  static long millis(Duration d) {
    long ms;
    try {
      ms = d.toMillis();
    } catch (ArithmeticException overflow) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    if (ms == 0 && !d.isZero()) {
      return d.isNegative() ? -1 : 1;
    }
    return ms;
  }

  /** Unix milliseconds, clamped like {@link #millis} beyond the range of a long. */
  static long epochMillis(Instant t) {
    try {
      return t.toEpochMilli();
    } catch (ArithmeticException overflow) {
      return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
