package io.m2mauth;

/** The token's exp is in the past beyond the leeway (M2MAUTH_EEXPIRED). */
public class ExpiredException extends InvalidTokenException {
  private static final long serialVersionUID = 1L;

  ExpiredException(Details d) {
    super(d);
  }
}
