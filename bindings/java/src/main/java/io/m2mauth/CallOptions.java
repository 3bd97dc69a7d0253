package io.m2mauth;

import io.m2mauth.internal.CancelHandle;
import java.time.Duration;
import java.time.Instant;

/**
 * Bounds for one call that may wait on the network (m2mauth_call_options): a timeout for the whole call,
 * a deadline, a {@link Cancel}. Taken by {@link Http#send(Request, CallOptions)},
 * {@link TokenClient#fetch(CallOptions)}, {@link TokenManager#token(CallOptions)},
 * {@link TokenManager#token(TokenScope, CallOptions)} and {@link TokenManager#request(Request, CallOptions)}.
 * Each bound is besides the transport's timeouts and the manager's wait timeout; a call that runs out of
 * time throws {@link NetworkTimeoutException}, a cancelled one {@link CancelledException}. Immutable.
 *
 * <pre>{@code
 * Token t = tokens.token(CallOptions.builder().timeout(Duration.ofSeconds(2)).cancel(cancel).build());
 * }</pre>
 */
public final class CallOptions {
  private static final CallOptions NONE = new Builder().build();

  final Duration timeout;
  final Instant deadline;
  final Cancel cancel;

  private CallOptions(Builder b) {
    this.timeout = b.timeout;
    this.deadline = b.deadline;
    this.cancel = b.cancel;
  }

  /** No bound besides the transport's and the manager's own. */
  public static CallOptions none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Only a timeout. */
  public static CallOptions timeout(Duration timeout) {
    return builder().timeout(timeout).build();
  }

  /** Only a cancel signal. */
  public static CallOptions cancel(Cancel cancel) {
    return builder().cancel(cancel).build();
  }

  /** Builds {@link CallOptions}; every value unset means none. */
  public static final class Builder {
    private Duration timeout;
    private Instant deadline;
    private Cancel cancel;

    private Builder() {}

    /**
     * The whole call, in whole milliseconds (a non-zero duration under 1 ms is 1 ms). Duration.ZERO and
     * null: none (the C meaning of 0). Negative or beyond the range of milliseconds: the library refuses
     * it ({@link InvalidArgumentException}) when the call is made.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * An absolute end by the clock of the object called (a token client's {@code clock(...)}, else the
     * system clock). null: none. An instant at or before 1970 is long past: the call times out.
     */
    public Builder deadline(Instant deadline) {
      this.deadline = deadline;
      return this;
    }

    /** A signal that stops the call from another thread. null: none. */
    public Builder cancel(Cancel cancel) {
      this.cancel = cancel;
      return this;
    }

    public CallOptions build() {
      return new CallOptions(this);
    }
  }

  long timeoutMillis() {
    return timeout == null ? 0 : Durations.millis(timeout);
  }

  /** Unix ms; 0 is none in C, so an instant at or before the epoch (long past) becomes 1. */
  long deadlineMillis() {
    if (deadline == null) {
      return 0;
    }
    long ms = Durations.epochMillis(deadline);
    return ms <= 0 ? 1 : ms;
  }

  /** A native call with these options' values; the cancel signal is held for the duration of the call. */
  interface NativeCall<T> {
    T call(long timeoutMs, long deadlineMs, CancelHandle cancel);
  }

  <T> T run(NativeCall<T> f) {
    long timeoutMs = timeoutMillis();
    long deadlineMs = deadlineMillis();
    if (cancel == null) {
      return f.call(timeoutMs, deadlineMs, null);
    }
    CancelHandle c = cancel.acquire();
    try {
      return f.call(timeoutMs, deadlineMs, c);
    } finally {
      cancel.release();
    }
  }

  /** These options with another cancel signal. */
  CallOptions withCancel(Cancel other) {
    return builder().timeout(timeout).deadline(deadline).cancel(other).build();
  }

  static CallOptions orNone(CallOptions options) {
    return options == null ? NONE : options;
  }

  @Override
  public String toString() {
    return "CallOptions[timeout=" + timeout + ", deadline=" + deadline + ", cancel=" + (cancel != null) + "]";
  }
}
