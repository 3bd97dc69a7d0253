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

  /** A token read through a manager's cached view: the view carries no granted scope (scope: as asked). */
  static Token fromView(String accessToken, String scheme, String scope, long expiresAtMillis) {
    return new Token(accessToken, scheme, scope == null ? "" : scope, Instant.ofEpochMilli(expiresAtMillis), null);
  }

  /** True if this token's access token is the bytes b[off, off + len) (ASCII, compared in place). */
  boolean sameAccessToken(byte[] b, int off, int len) {
    if (accessToken.length() != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (accessToken.charAt(i) != (b[off + i] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  /** The access token (a secret). */
  public String accessToken() {
    return accessToken;
  }

  /**
   * As the server wrote it ("Bearer", "bearer", "DPoP") for {@link TokenClient#fetch()}; for tokens read
   * from a {@link TokenManager}, the scheme it sends: "Bearer" or "DPoP".
   */
  public String tokenType() {
    return tokenType;
  }

  /**
   * The granted scope (the requested one when the server omits it). For {@link TokenManager#token(TokenScope)}
   * the scope asked for ("" for none): the manager's cached view does not carry the granted one.
   */
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
