package io.m2mauth;

/**
 * Plain http:// to a host that is not loopback was refused (category insecure_transport:
 * M2MAUTH_EINSECURE).
 */
public class InsecureTransportException extends NetworkException {
  private static final long serialVersionUID = 1L;

  InsecureTransportException(Details d) {
    super(d);
  }
}
