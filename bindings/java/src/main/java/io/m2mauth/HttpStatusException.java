package io.m2mauth;

/**
 * An unexpected HTTP status without an OAuth error body; see {@link #getHttpStatus()} (category
 * http: M2MAUTH_EHTTP).
 */
public class HttpStatusException extends ServerException {
  private static final long serialVersionUID = 1L;

  HttpStatusException(Details d) {
    super(d);
  }
}
