package io.m2mauth;

/** The algorithm, curve, key size or feature is not supported (M2MAUTH_EUNSUPPORTED). */
public class UnsupportedException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  UnsupportedException(Details d) {
    super(d);
  }
}
