package io.m2mauth;

/** The token's alg is not allowed, is "none" or is unknown (M2MAUTH_EALGORITHM). */
public class AlgorithmException extends InvalidTokenException {
  private static final long serialVersionUID = 1L;

  AlgorithmException(Details d) {
    super(d);
  }
}
