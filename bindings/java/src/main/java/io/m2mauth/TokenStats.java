package io.m2mauth;

import io.m2mauth.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TokenManager} observed for one token key (m2mauth_token_manager_stats_json): cache hits,
 * token requests by outcome, waits, a latency histogram, the current token's expiry and source, the
 * last failure. Counted by the C library without a lock on the cached read. Never a secret.
 */
public final class TokenStats {
  /** Upper bounds of the latency buckets; {@link #refreshLatency()} has one more (slower) bucket. */
  public static final List<Duration> LATENCY_BOUNDS;

  static {
    List<Duration> b = new ArrayList<>();
    for (long ms : new long[] {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000}) {
      b.add(Duration.ofMillis(ms));
    }
    LATENCY_BOUNDS = Collections.unmodifiableList(b);
  }

  private final Map<String, Object> m;

  private TokenStats(Map<String, Object> m) {
    this.m = m;
  }

  static List<TokenStats> allOf(String json) {
    Map<String, Object> doc = Json.parseObject(json);
    List<TokenStats> out = new ArrayList<>();
    for (Object k : (List<?>) doc.get("keys")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> key = (Map<String, Object>) k;
      out.add(new TokenStats(key));
    }
    return Collections.unmodifiableList(out);
  }

  private long num(String name) {
    return ((Number) m.get(name)).longValue();
  }

  private Instant instant(String name) {
    long ms = num(name);
    return ms == 0 ? null : Instant.ofEpochMilli(ms);
  }

  /** The key's scope ("" for none). */
  public String scope() {
    return (String) m.get("scope");
  }

  /** The key's audience ("" for none). */
  public String audience() {
    return (String) m.get("audience");
  }

  /** The key's resources. */
  public List<String> resources() {
    List<String> r = new ArrayList<>();
    for (Object o : (List<?>) m.get("resources")) {
      r.add((String) o);
    }
    return Collections.unmodifiableList(r);
  }

  /** True for the manager's configured key. */
  public boolean configured() {
    return Boolean.TRUE.equals(m.get("configured"));
  }

  /** True for an RFC 8693 exchange's key. */
  public boolean exchange() {
    return Boolean.TRUE.equals(m.get("exchange"));
  }

  /** Reads served from the cache without waiting, {@code token()}'s without a native call included. */
  public long cacheHits() {
    return num("cache_hits");
  }

  /** Token requests that gave a token. */
  public long requestsOk() {
    return num("requests_ok");
  }

  /** Token requests that failed and may succeed if retried. */
  public long requestsTransient() {
    return num("requests_transient");
  }

  /** Token requests that failed for good. */
  public long requestsPermanent() {
    return num("requests_permanent");
  }

  /** Reads that waited for a token request. */
  public long waits() {
    return num("waits");
  }

  /**
   * The time the reads of {@link #waits()} spent waiting, in total: a synchronous read's wait, and an
   * asynchronous one's ({@code tokenAsync}) from the call to its completion (token, error, timeout, cancel).
   */
  public Duration waitTimeTotal() {
    return Duration.ofMillis(num("wait_ms_total"));
  }

  /** Token requests by latency: item i counts those within {@link #LATENCY_BOUNDS}.get(i), the last the slower. */
  public List<Long> refreshLatency() {
    List<Long> r = new ArrayList<>();
    for (Object o : (List<?>) m.get("refresh_latency")) {
      r.add(((Number) o).longValue());
    }
    return Collections.unmodifiableList(r);
  }

  /** True when a token is cached. */
  public boolean hasToken() {
    return Boolean.TRUE.equals(m.get("has_token"));
  }

  /** "fetched" (the key's first token request), "refreshed" (a later one) or "none". */
  public String source() {
    return (String) m.get("source");
  }

  /** The cached token's expiry, or null. */
  public Instant expiresAt() {
    return instant("expires_at_ms");
  }

  /** Until the cached token expires (negative once expired), or null without a token. */
  public Duration expiresIn() {
    return hasToken() ? Duration.ofMillis(num("expires_in_ms")) : null;
  }

  /** When a read starts the next refresh, or null. */
  public Instant refreshAt() {
    return instant("refresh_at_ms");
  }

  /** The last failed request's error code (0: none; kept after later successes). */
  public int lastErrorCode() {
    return (int) num("last_error_code");
  }

  /** Its category name (e.g. "http", "oauth_refusal"; "none"). */
  public String lastErrorCategory() {
    return (String) m.get("last_error_category");
  }

  /** Its HTTP status, or 0. */
  public int lastHttpStatus() {
    return (int) num("last_http_status");
  }

  /** Its RFC 6749 error code, or "". */
  public String lastOAuthError() {
    return (String) m.get("last_oauth_error");
  }

  /** Its vendor code, or 0. */
  public long lastVendorCode() {
    return num("last_vendor_code");
  }

  /**
   * The token server's clock minus this client's, as the last token response showed it (its JWT access
   * token's iat, else its Date header; zero within the noise; clamped to 1 hour either way), or null
   * before one did.
   */
  public Duration clockOffset() {
    return Boolean.TRUE.equals(m.get("has_clock_offset")) ? Duration.ofMillis(num("clock_offset_ms")) : null;
  }

  @Override
  public String toString() {
    return "TokenStats" + Json.write(m);
  }
}
