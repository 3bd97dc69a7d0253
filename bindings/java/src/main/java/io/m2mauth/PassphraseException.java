package io.m2mauth;

/** An encrypted key's passphrase is missing or wrong (M2MAUTH_EPASSPHRASE). */
public class PassphraseException extends KeyFormatException {
  private static final long serialVersionUID = 1L;

  PassphraseException(Details d) {
    super(d);
  }
}
