package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.TokenHandle;
import java.time.Clock;
import java.time.Instant;

/**
 * An OAuth 2.0 access token and what came with it. The access token is a secret: {@link #toString()}
 * shows everything else.
 */
public final class Token {
  private final String accessToken;
  private final String tokenType;
  private final String scope;
  private final Instant expiresAt;
  private final Instant issuedAt;

  private Token(String accessToken, String tokenType, String scope, Instant expiresAt, Instant issuedAt) {
    this.accessToken = accessToken;
    this.tokenType = tokenType;
    this.scope = scope;
    this.expiresAt = expiresAt;
    this.issuedAt = issuedAt;
  }

  /** Copies a native token and frees (wipes) it. */
  static Token take(TokenHandle h) {
    try {
      long iat = M2mauthNative.m2mauth_token_issued_at(h);
      return new Token(M2mauthNative.m2mauth_token_access_token(h), M2mauthNative.m2mauth_token_type(h),
          M2mauthNative.m2mauth_token_scope(h), Instant.ofEpochMilli(M2mauthNative.m2mauth_token_expires_at(h)),
          iat == 0 ? null : Instant.ofEpochMilli(iat));
    } finally {
      h.delete();
    }
  }

  /** The access token (a secret). */
  public String accessToken() {
    return accessToken;
  }

  /** As the server wrote it: "Bearer", "bearer", "DPoP". */
  public String tokenType() {
    return tokenType;
  }

  /** The granted scope (the requested one when the server omits it). */
  public String scope() {
    return scope;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  /** When it was obtained; null when not known (tokens read from a manager). */
  public Instant issuedAt() {
    return issuedAt;
  }

  /** True if the token has expired by clock's time. */
  public boolean isExpired(Clock clock) {
    return !clock.instant().isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "Token[" + tokenType + ", scope=\"" + scope + "\", expiresAt=" + expiresAt + ", access token: "
        + accessToken.length() + " characters]";
  }
}
