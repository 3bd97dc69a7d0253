package io.m2mauth;

/**
 * A vendor API reported an error in its own terms (M2MAUTH_EVENDOR), e.g. senhasegura's response envelope:
 * {@link #getVendorCode()} is the vendor's code (1011 device not found, 1023 information not found, 1024
 * inactive information, 1026 content missing, ...; 403 for a client certificate whose fingerprint is not
 * registered) and {@link #getHttpStatus()} the HTTP status. The message is the vendor's, sanitised: it
 * never carries a secret.
 */
public class VendorException extends ServerException {
  private static final long serialVersionUID = 1L;

  VendorException(Details d) {
    super(d);
  }
}
