package io.m2mauth;

/**
 * The server's answer was an error or not what the protocol requires (M2MAUTH_EHTTP, EOAUTH, EPROTOCOL,
 * EVENDOR, EUNAUTHORIZED). Subclasses: {@link OAuth2Exception}, {@link VendorException}.
 */
public class ServerException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  ServerException(Details d) {
    super(d);
  }
}
