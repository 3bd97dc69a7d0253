package io.m2mauth;

/** The token, its base64url or its JSON is malformed (M2MAUTH_EMALFORMED). */
public class MalformedTokenException extends InvalidTokenException {
  private static final long serialVersionUID = 1L;

  MalformedTokenException(Details d) {
    super(d);
  }
}
