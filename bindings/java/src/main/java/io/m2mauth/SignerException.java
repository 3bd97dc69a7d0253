package io.m2mauth;

/** A signer key's {@link Signer} failed or answered no valid signature (M2MAUTH_ESIGNER); the message carries its text. */
public class SignerException extends BadKeyException {
  private static final long serialVersionUID = 1L;

  SignerException(Details d) {
    super(d);
  }
}
