package io.m2mauth;

import io.m2mauth.internal.Utf8;

/**
 * A failed m2mauth call: {@link #getCode()} is the C library's m2mauth_error_code (negative),
 * {@link #getName()} its m2mauth_error_name() ("signature", "expired", ...). Subclasses group the codes by
 * family so callers can catch what they handle. Messages never contain keys, secrets or tokens.
 */
public class M2mauthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final String name;
  private final boolean transientError;
  private final int httpStatus;
  private final String oauthError;
  private final String oauthErrorDescription;
  private final String oauthErrorUri;
  private final long vendorCode;
  private final long retryAfterMillis;

  protected M2mauthException(Details d) {
    super(d.message.isEmpty() ? d.name : d.message);
    this.code = d.code;
    this.name = d.name;
    this.transientError = d.transientError;
    this.httpStatus = d.httpStatus;
    this.oauthError = d.oauthError;
    this.oauthErrorDescription = d.oauthErrorDescription;
    this.oauthErrorUri = d.oauthErrorUri;
    this.vendorCode = d.vendorCode;
    this.retryAfterMillis = d.retryAfterMillis;
  }

  /** The m2mauth_error_code, e.g. -21 for M2MAUTH_ESIGNATURE. */
  public int getCode() {
    return code;
  }

  /** The code's name, e.g. "signature". */
  public String getName() {
    return name;
  }

  /** True if retrying later may succeed (network, timeout, 5xx, 429, back-off). */
  public boolean isTransient() {
    return transientError;
  }

  /** The HTTP status of the response that failed, 0 if none. */
  public int getHttpStatus() {
    return httpStatus;
  }

  /** RFC 6749 section 5.2 "error" ("" if none). */
  public String getOauthError() {
    return oauthError;
  }

  public String getOauthErrorDescription() {
    return oauthErrorDescription;
  }

  public String getOauthErrorUri() {
    return oauthErrorUri;
  }

  /** A vendor API's own error code, 0 if none. */
  public long getVendorCode() {
    return vendorCode;
  }

  /** How long to wait before retrying, 0 if not known. */
  public long getRetryAfterMillis() {
    return retryAfterMillis;
  }

  @Override
  public String toString() {
    return getClass().getName() + ": [" + name + " " + code + "] " + getMessage();
  }

  /** Everything the native error record holds, decoded. */
  protected static final class Details {
    final int code;
    final String name;
    final String message;
    final boolean transientError;
    final int httpStatus;
    final String oauthError;
    final String oauthErrorDescription;
    final String oauthErrorUri;
    final long vendorCode;
    final long retryAfterMillis;

    Details(int code, String name, String message, boolean transientError, int httpStatus, String oauthError,
        String oauthErrorDescription, String oauthErrorUri, long vendorCode, long retryAfterMillis) {
      this.code = code;
      this.name = name == null ? "unknown" : name;
      this.message = message == null ? "" : message;
      this.transientError = transientError;
      this.httpStatus = httpStatus;
      this.oauthError = oauthError == null ? "" : oauthError;
      this.oauthErrorDescription = oauthErrorDescription == null ? "" : oauthErrorDescription;
      this.oauthErrorUri = oauthErrorUri == null ? "" : oauthErrorUri;
      this.vendorCode = vendorCode;
      this.retryAfterMillis = retryAfterMillis;
    }
  }

  /**
   * Called by the native status gate (bindings/swig/java.i) with the failing call's error record; text
   * arrives as UTF-8 bytes. Picks the subclass for the code.
   */
  static M2mauthException fromNative(int code, byte[] name, byte[] message, boolean transientError,
      int httpStatus, byte[] oauthError, byte[] oauthErrorDescription, byte[] oauthErrorUri, long vendorCode,
      long retryAfterMillis) {
    Details d = new Details(code, Utf8.decode(name), Utf8.decode(message), transientError, httpStatus,
        Utf8.decode(oauthError), Utf8.decode(oauthErrorDescription), Utf8.decode(oauthErrorUri), vendorCode,
        retryAfterMillis);
    return ErrorCodes.exceptionFor(d);
  }
}
