package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.m2mauth_token_event_kind;
import java.time.Duration;
import java.time.Instant;

/** One thing a {@link TokenManager} did. Never carries a token or a secret. */
public final class TokenEvent {
  /** What happened (m2mauth_token_event_kind). */
  public enum Kind {
    /** The first token for a scope. */
    FETCHED(m2mauth_token_event_kind.M2MAUTH_TOKEN_EVENT_FETCHED),
    /** A new token replaced a cached one. */
    REFRESHED(m2mauth_token_event_kind.M2MAUTH_TOKEN_EVENT_REFRESHED),
    /** A token request failed. */
    FAILED(m2mauth_token_event_kind.M2MAUTH_TOKEN_EVENT_FAILED),
    /** A cached token was served (only with {@link ManagerOptions.Builder#reportCacheHits}). */
    CACHE_HIT(m2mauth_token_event_kind.M2MAUTH_TOKEN_EVENT_CACHE_HIT),
    /** A cached token was dropped ({@link TokenManager#invalidate}, or a 401 in {@link TokenManager#request}). */
    INVALIDATED(m2mauth_token_event_kind.M2MAUTH_TOKEN_EVENT_INVALIDATED),
    /** After a fetch: the token server's clock is more than 5 s from this client's (see TokenStats). */
    CLOCK_OFFSET(m2mauth_token_event_kind.M2MAUTH_TOKEN_EVENT_CLOCK_OFFSET),
    /** A refresh was served from the cache shared by processes (the configuration's cache section). */
    SHARED_HIT(m2mauth_token_event_kind.M2MAUTH_TOKEN_EVENT_SHARED_HIT),
    /** A refresh waited for another process's under the shared cache's lease. */
    LEASE_WAIT(m2mauth_token_event_kind.M2MAUTH_TOKEN_EVENT_LEASE_WAIT),
    /** The shared cache failed or was too slow: the token was fetched locally. */
    SHARED_FALLBACK(m2mauth_token_event_kind.M2MAUTH_TOKEN_EVENT_SHARED_FALLBACK);

    final int id;

    Kind(int id) {
      this.id = id;
    }

    static Kind fromId(int id) {
      for (Kind k : values()) {
        if (k.id == id) {
          return k;
        }
      }
      return null;
    }
  }

  private final Kind kind;
  private final String clientId;
  private final String scope;
  private final long expiresAtMillis;
  private final int errorCode;
  private final int httpStatus;
  private final boolean transientError;
  private final long retryAfterMillis;
  private final String oauthError;
  private final long durationMillis;

  TokenEvent(Kind kind, String clientId, String scope, long expiresAtMillis, int errorCode, int httpStatus,
      boolean transientError, long retryAfterMillis, String oauthError, long durationMillis) {
    this.kind = kind;
    this.clientId = clientId == null ? "" : clientId;
    this.scope = scope == null ? "" : scope;
    this.expiresAtMillis = expiresAtMillis;
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
    this.transientError = transientError;
    this.retryAfterMillis = retryAfterMillis;
    this.oauthError = oauthError == null ? "" : oauthError;
    this.durationMillis = durationMillis;
  }

  public Kind kind() {
    return kind;
  }

  public String clientId() {
    return clientId;
  }

  public String scope() {
    return scope;
  }

  /** Expiry of the token fetched, refreshed, served or invalidated; null if none. */
  public Instant expiresAt() {
    return expiresAtMillis == 0 ? null : Instant.ofEpochMilli(expiresAtMillis);
  }

  /** FAILED: the m2mauth error code (0 otherwise). */
  public int errorCode() {
    return errorCode;
  }

  /** FAILED: the code's name ("oauth", "http", "network", ...); "" otherwise. */
  public String errorName() {
    return errorCode == 0 ? "" : M2mauthNative.m2mauth_error_name(errorCode);
  }

  /**
   * FAILED: the code's category (m2mauth_error_category_name: "oauth_refusal", "network", "timeout",
   * "http", "protocol", ...), the same name the exception family is chosen by; "" otherwise.
   */
  public String errorCategory() {
    return errorCode == 0 ? ""
        : M2mauthNative.m2mauth_error_category_name(M2mauthNative.m2mauth_error_category(errorCode));
  }

  public int httpStatus() {
    return httpStatus;
  }

  public boolean isTransient() {
    return transientError;
  }

  /** FAILED: when the next attempt may happen. */
  public Duration retryAfter() {
    return Duration.ofMillis(retryAfterMillis);
  }

  /** FAILED: the RFC 6749 "error", or "". */
  public String oauthError() {
    return oauthError;
  }

  /**
   * FETCHED, REFRESHED and FAILED: how long getting the token took (monotonic clock: the token request
   * with its DPoP nonce retry, or the shared cache's answer), in milliseconds; zero for the other kinds.
   */
  public Duration duration() {
    return Duration.ofMillis(durationMillis);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("TokenEvent[").append(kind).append(" client=").append(clientId);
    if (!scope.isEmpty()) {
      sb.append(" scope=\"").append(scope).append('"');
    }
    if (kind == Kind.FAILED) {
      sb.append(" error=").append(errorName());
      if (!oauthError.isEmpty()) {
        sb.append('/').append(oauthError);
      }
      if (httpStatus != 0) {
        sb.append(" http=").append(httpStatus);
      }
      sb.append(" transient=").append(transientError).append(" retryAfter=").append(retryAfter());
    } else if (expiresAtMillis != 0) {
      sb.append(" expiresAt=").append(expiresAt());
    }
    if (kind == Kind.FETCHED || kind == Kind.REFRESHED || kind == Kind.FAILED) {
      sb.append(" duration=").append(durationMillis).append("ms");
    }
    return sb.append(']').toString();
  }
}
