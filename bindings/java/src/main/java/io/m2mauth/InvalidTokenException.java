package io.m2mauth;

/** A token was refused; the subclass says why. */
public class InvalidTokenException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  InvalidTokenException(Details d) {
    super(d);
  }
}
