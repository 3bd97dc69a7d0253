package io.m2mauth;

import java.time.Duration;

/** Durations to the C options' milliseconds: one rule for every options class. */
final class Durations {
  private Durations() {}

  /**
   * Whole milliseconds; a duration that is not zero never becomes 0 (which has a meaning of its own):
   * under a millisecond it becomes 1 (or -1, which the library refuses like any negative value).
   */
  static long millis(Duration d) {
    long ms = d.toMillis();
    if (ms == 0 && !d.isZero()) {
      return d.isNegative() ? -1 : 1;
    }
    return ms;
  }
}
