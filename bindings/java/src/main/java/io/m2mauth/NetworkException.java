package io.m2mauth;

/** Connecting, TLS or a timeout failed, or plain http was refused (M2MAUTH_ENETWORK, ETIMEOUT, ETLS, EINSECURE). */
public class NetworkException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  NetworkException(Details d) {
    super(d);
  }
}
