package io.m2mauth;

/**
 * Connecting failed or the connection broke (category network: M2MAUTH_ENETWORK). Subclasses, one per
 * category: {@link NetworkTimeoutException}, {@link TlsException}, {@link InsecureTransportException}.
 */
public class NetworkException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  NetworkException(Details d) {
    super(d);
  }
}
