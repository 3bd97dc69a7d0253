package io.m2mauth;

/**
 * A previous failure is still backing off; retry after {@link #getRetryAfterMillis()} (category
 * backoff: M2MAUTH_EBACKOFF).
 */
public class BackoffException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  BackoffException(Details d) {
    super(d);
  }
}
