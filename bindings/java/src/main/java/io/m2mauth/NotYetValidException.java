package io.m2mauth;

/** The token's nbf (M2MAUTH_ENOTYETVALID) or iat (M2MAUTH_EIAT) is in the future beyond the leeway. */
public class NotYetValidException extends InvalidTokenException {
  private static final long serialVersionUID = 1L;

  NotYetValidException(Details d) {
    super(d);
  }
}
