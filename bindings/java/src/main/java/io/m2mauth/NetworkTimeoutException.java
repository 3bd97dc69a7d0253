package io.m2mauth;

/** A timeout or deadline expired (category timeout: M2MAUTH_ETIMEOUT). */
public class NetworkTimeoutException extends NetworkException {
  private static final long serialVersionUID = 1L;

  NetworkTimeoutException(Details d) {
    super(d);
  }
}
