package io.m2mauth;

/** A key or certificate could not be parsed or is invalid (M2MAUTH_EKEY). */
public class KeyFormatException extends BadKeyException {
  private static final long serialVersionUID = 1L;

  KeyFormatException(Details d) {
    super(d);
  }
}
