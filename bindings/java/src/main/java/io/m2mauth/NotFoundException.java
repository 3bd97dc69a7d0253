package io.m2mauth;

/** No such item: a kid in a JWKS, a claim, a file (M2MAUTH_ENOTFOUND). */
public class NotFoundException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  NotFoundException(Details d) {
    super(d);
  }
}
