package io.m2mauth;

/**
 * A key or certificate cannot be used: it does not parse, needs a passphrase, or does not fit the
 * operation, or its signer failed (category key: M2MAUTH_EKEY, EKEYTYPE, EPASSPHRASE, ENOPRIVATE, ESIGNER).
 * Subclasses: {@link KeyFormatException}, {@link KeyTypeException}, {@link SignerException}.
 */
public class BadKeyException extends M2mauthException {
  private static final long serialVersionUID = 1L;

  BadKeyException(Details d) {
    super(d);
  }
}
