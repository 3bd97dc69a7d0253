package io.m2mauth;

/**
 * The server's answer was an error or not what the protocol requires (M2MAUTH_EHTTP, EOAUTH, EPROTOCOL,
 * EVENDOR, EUNAUTHORIZED). Subclasses, one per category: {@link HttpStatusException},
 * {@link ProtocolViolationException}, {@link OAuth2Exception}, {@link VendorException},
 * {@link UnauthorizedException}.
 */
public class ServerException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  ServerException(Details d) {
    super(d);
  }
}
