package io.m2mauth;

/**
 * The API rejected the credentials (401) after one retry (category unauthorized:
 * M2MAUTH_EUNAUTHORIZED).
 */
public class UnauthorizedException extends ServerException {
  private static final long serialVersionUID = 1L;

  UnauthorizedException(Details d) {
    super(d);
  }
}
