package io.m2mauth;

/**
 * A response is not what the protocol requires: not JSON, no token, ... (category protocol:
 * M2MAUTH_EPROTOCOL).
 */
public class ProtocolViolationException extends ServerException {
  private static final long serialVersionUID = 1L;

  ProtocolViolationException(Details d) {
    super(d);
  }
}
