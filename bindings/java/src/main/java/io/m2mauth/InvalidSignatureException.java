package io.m2mauth;

/** The signature does not verify (M2MAUTH_ESIGNATURE). */
public class InvalidSignatureException extends InvalidTokenException {
  private static final long serialVersionUID = 1L;

  InvalidSignatureException(Details d) {
    super(d);
  }
}
