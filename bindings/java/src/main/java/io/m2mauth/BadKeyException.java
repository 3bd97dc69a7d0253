package io.m2mauth;

/**
 * A key or certificate cannot be used: it does not parse, needs a passphrase, or does not fit the
 * operation (category key: M2MAUTH_EKEY, EKEYTYPE, EPASSPHRASE, ENOPRIVATE). Subclasses:
 * {@link KeyFormatException}, {@link KeyTypeException}.
 */
public class BadKeyException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  BadKeyException(Details d) {
    super(d);
  }
}
