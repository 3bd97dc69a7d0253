package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.TokenHandle;
import java.time.Instant;

/**
 * The answer to a token exchange (RFC 8693): the token and the type the server says it issued.
 * {@link #tokenType()} is "N_A" for a token that is not an access token. The access token is a secret:
 * {@link #toString()} leaves it out.
 */
public final class ExchangedToken {
  private final Token token;
  private final String issuedTokenType;

  private ExchangedToken(Token token, String issuedTokenType) {
    this.token = token;
    this.issuedTokenType = issuedTokenType;
  }

  /** Copies a native exchanged token and frees (wipes) it. */
  static ExchangedToken take(TokenHandle h) {
    String issued = M2mauthNative.m2mauth_token_issued_token_type(h);
    return new ExchangedToken(Token.take(h), issued);
  }

  /** The token (for Authorization headers and the like). */
  public Token token() {
    return token;
  }

  /** The issued token type, e.g. {@link TokenExchange#ACCESS_TOKEN}. */
  public String issuedTokenType() {
    return issuedTokenType;
  }

  /** The issued token (a secret). */
  public String accessToken() {
    return token.accessToken();
  }

  /** "Bearer", "DPoP", or "N_A" for a token that is not an access token. */
  public String tokenType() {
    return token.tokenType();
  }

  public String scope() {
    return token.scope();
  }

  public Instant expiresAt() {
    return token.expiresAt();
  }

  @Override
  public String toString() {
    return "ExchangedToken[" + issuedTokenType + ", " + token + "]";
  }
}
