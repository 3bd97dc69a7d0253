package io.m2mauth;

/** The key does not fit the algorithm or operation (M2MAUTH_EKEYTYPE), or a private key is needed (M2MAUTH_ENOPRIVATE). */
public class KeyTypeException extends BadKeyException {
  private static final long serialVersionUID = 1L;

  KeyTypeException(Details d) {
    super(d);
  }
}
