package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.TokenManagerOptionsStruct;
import java.time.Duration;

/**
 * How a {@link TokenManager} caches and refreshes. Unset values keep the library's defaults (read from
 * the C library's m2mauth_token_manager_options_init): refresh after 75 % of the lifetime or 5 minutes
 * before expiry if earlier, stop using a token 30 s before expiry (at most a tenth of its lifetime), 10 %
 * jitter, callers wait up to 30 s, backoff 1 s doubling to 1 min after transient failures and 30 s after
 * permanent ones, refresh on a background thread. A value that is set means what the C library says, 0
 * included (jitter 0: none; wait timeout 0: no limit but the call's own; margin, skew, permanent backoff, minimum
 * fetch interval 0: none). At most 64 distinct keys (scope / audience / resource) unless
 * {@link Builder#maxKeys} says otherwise. The library checks the ranges: {@link #describe()} and {@link TokenManager#create} throw
 * {@link InvalidArgumentException} naming the field.
 */
public final class ManagerOptions {
  private final Double refreshFraction;
  private final Duration refreshMargin;
  private final Duration expirySkew;
  private final Double jitterFraction;
  private final Duration waitTimeout;
  private final Duration backoffBase;
  private final Duration backoffMax;
  private final Duration permanentBackoff;
  private final Duration minFetchInterval;
  private final Long maxKeys;
  private final boolean callerRefresh;
  private final boolean reportCacheHits;
  final String idempotencyHeader;
  final TokenEventListener listener;
  /** Where events are logged: the m2mauth logger unless set; null: nowhere. */
  final System.Logger logger;
  final int eventQueueCapacity;

  private ManagerOptions(Builder b) {
    refreshFraction = b.refreshFraction;
    refreshMargin = b.refreshMargin;
    expirySkew = b.expirySkew;
    jitterFraction = b.jitterFraction;
    waitTimeout = b.waitTimeout;
    backoffBase = b.backoffBase;
    backoffMax = b.backoffMax;
    permanentBackoff = b.permanentBackoff;
    minFetchInterval = b.minFetchInterval;
    maxKeys = b.maxKeys;
    callerRefresh = b.callerRefresh;
    reportCacheHits = b.reportCacheHits;
    idempotencyHeader = b.idempotencyHeader;
    listener = b.listener;
    logger = b.loggerSet ? b.logger : EventLog.LOGGER;
    eventQueueCapacity = b.eventQueueCapacity;
  }

  public static ManagerOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The native struct, starting from the C defaults; the caller deletes it. */
  TokenManagerOptionsStruct toNative() {
    TokenManagerOptionsStruct o = new TokenManagerOptionsStruct();
    if (refreshFraction != null) {
      o.setRefresh_fraction(refreshFraction);
    }
    if (refreshMargin != null) {
      o.setRefresh_margin_ms(Durations.millis(refreshMargin));
    }
    if (expirySkew != null) {
      o.setExpiry_skew_ms(Durations.millis(expirySkew));
    }
    if (jitterFraction != null) {
      o.setJitter_fraction(jitterFraction);
    }
    if (waitTimeout != null) {
      o.setWait_timeout_ms(Durations.millis(waitTimeout));
    }
    if (backoffBase != null) {
      o.setBackoff_base_ms(Durations.millis(backoffBase));
    }
    if (backoffMax != null) {
      o.setBackoff_max_ms(Durations.millis(backoffMax));
    }
    if (permanentBackoff != null) {
      o.setPermanent_backoff_ms(Durations.millis(permanentBackoff));
    }
    if (minFetchInterval != null) {
      o.setMin_fetch_interval_ms(Durations.millis(minFetchInterval));
    }
    if (maxKeys != null) {
      o.setMax_keys(maxKeys);
    }
    o.setCaller_refresh(callerRefresh ? 1 : 0);
    o.setReport_cache_hits(reportCacheHits ? 1 : 0);
    return o;
  }

  /**
   * The effective configuration as the C library renders it (m2mauth_token_manager_options_describe):
   * compact JSON with the C member names, durations in milliseconds. {@link InvalidArgumentException}
   * for a value out of range.
   */
  public String describe() {
    TokenManagerOptionsStruct n = toNative();
    try {
      return M2mauthNative.m2mauth_token_manager_options_describe(n);
    } finally {
      n.delete();
    }
  }

  @Override
  public String toString() {
    return "ManagerOptions[" + (callerRefresh ? "caller refresh" : "background refresh")
        + (idempotencyHeader == null ? "" : ", idempotency header " + idempotencyHeader)
        + (listener == null ? "" : ", listener") + "]";
  }

  /** Builds {@link ManagerOptions}. */
  public static final class Builder {
    private Double refreshFraction;
    private Duration refreshMargin;
    private Duration expirySkew;
    private Double jitterFraction;
    private Duration waitTimeout;
    private Duration backoffBase;
    private Duration backoffMax;
    private Duration permanentBackoff;
    private Duration minFetchInterval;
    private Long maxKeys;
    private boolean callerRefresh;
    private boolean reportCacheHits;
    private String idempotencyHeader;
    private TokenEventListener listener;
    private System.Logger logger;
    private boolean loggerSet;
    private int eventQueueCapacity = 1024;

    private Builder() {}

    /** Refresh after this part of the lifetime, (0, 1] (default 0.75)... */
    public Builder refreshFraction(double f) {
      this.refreshFraction = f;
      return this;
    }

    /** ...or this long before expiry if that is earlier (default 5 min; 0: by the fraction only). */
    public Builder refreshMargin(Duration d) {
      this.refreshMargin = d;
      return this;
    }

    /** Stop using a token this long before expiry (default 30 s, at most a tenth of the lifetime; 0: until it expires). */
    public Builder expirySkew(Duration d) {
      this.expirySkew = d;
      return this;
    }

    /** Random early refresh, a part of the lead time, 0 to 0.5 (default 0.1; 0 for none). */
    public Builder jitterFraction(double f) {
      this.jitterFraction = f;
      return this;
    }

    /** How long a caller waits when no valid token exists (default 30 s; 0: never wait). */
    public Builder waitTimeout(Duration d) {
      this.waitTimeout = d;
      return this;
    }

    /** First retry delay after a transient failure (default 1 s). */
    public Builder backoffBase(Duration d) {
      this.backoffBase = d;
      return this;
    }

    public Builder backoffMax(Duration d) {
      this.backoffMax = d;
      return this;
    }

    /** After a permanent error, before asking again (default 30 s; 0: at once). */
    public Builder permanentBackoff(Duration d) {
      this.permanentBackoff = d;
      return this;
    }

    /**
     * Token requests for one key start at least this far apart, whatever lifetime the server gives
     * (default 1 s; 0: no floor).
     */
    public Builder minFetchInterval(Duration d) {
      this.minFetchInterval = d;
      return this;
    }

    /**
     * Distinct scope / audience / resource keys the manager holds tokens for, 1 to 1000000 (default 64);
     * a read for one more throws {@link InvalidArgumentException} (M2MAUTH_ETOOLARGE).
     */
    public Builder maxKeys(long n) {
      this.maxKeys = n;
      return this;
    }

    /** The first caller to see a due token refreshes it, instead of a background thread. */
    public Builder callerRefresh(boolean on) {
      this.callerRefresh = on;
      return this;
    }

    /** A CACHE_HIT event for every read (for metrics; needs a listener). */
    public Builder reportCacheHits(boolean on) {
      this.reportCacheHits = on;
      return this;
    }

    /** {@link TokenManager#request} adds this header with a fresh UUID to requests that lack it. */
    public Builder idempotencyHeader(String name) {
      this.idempotencyHeader = name;
      return this;
    }

    public Builder eventListener(TokenEventListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * The logger token events are written to (default {@code System.getLogger("m2mauth")}, see
     * {@link TokenManager}); null writes none (the listener still gets them), as Python's
     * {@code OAuth2Client(logger=None)}.
     */
    public Builder logger(System.Logger logger) {
      this.logger = logger;
      this.loggerSet = true;
      return this;
    }

    /** Events waiting for the listener beyond this are dropped and counted (default 1024). */
    public Builder eventQueueCapacity(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("m2mauth: event queue capacity must be at least 1");
      }
      this.eventQueueCapacity = n;
      return this;
    }

    public ManagerOptions build() {
      return new ManagerOptions(this);
    }
  }
}
