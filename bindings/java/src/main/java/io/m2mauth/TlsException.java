package io.m2mauth;

/** The TLS handshake or certificate verification failed (category tls: M2MAUTH_ETLS). */
public class TlsException extends NetworkException {
  private static final long serialVersionUID = 1L;

  TlsException(Details d) {
    super(d);
  }
}
