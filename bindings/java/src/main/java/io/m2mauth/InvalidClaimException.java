package io.m2mauth;

/** A claim has a wrong value or type (M2MAUTH_ECLAIM) or a required claim is absent (M2MAUTH_EMISSINGCLAIM). */
public class InvalidClaimException extends InvalidTokenException {
  private static final long serialVersionUID = 1L;

  InvalidClaimException(Details d) {
    super(d);
  }
}
