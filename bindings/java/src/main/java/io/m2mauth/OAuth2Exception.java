package io.m2mauth;

import java.time.Duration;

/**
 * Obtaining a token failed at the server: an RFC 6749 section 5.2 error ({@link #getError()}, e.g.
 * "invalid_client"), an HTTP failure of the token endpoint (503, 429, an HTML page...) or a response that
 * is not a token. {@link #getHttpStatus()}, {@link #isTransient()} (retrying later may succeed) and
 * {@link #getRetryAfter()} (Retry-After, or the token manager's backoff) say what to do next. Network
 * failures reaching the endpoint are {@link NetworkException}s instead. Never carries a secret.
 */
public class OAuth2Exception extends ServerException {
  private static final long serialVersionUID = 1L;

  OAuth2Exception(Details d) {
    super(d);
  }

  /** The same failure, typed as OAuth2Exception (token APIs throw these for every server-side failure). */
  static OAuth2Exception of(M2mauthException e) {
    if (e instanceof OAuth2Exception) {
      return (OAuth2Exception) e;
    }
    OAuth2Exception o = new OAuth2Exception(new Details(e.getCode(), e.getName(), e.getMessage(), e.isTransient(),
        e.getHttpStatus(), e.getOauthError(), e.getOauthErrorDescription(), e.getOauthErrorUri(), e.getVendorCode(),
        e.getRetryAfterMillis()));
    o.setStackTrace(e.getStackTrace());
    return o;
  }

  /** RFC 6749 "error" ("" when the server sent none, e.g. a 503 page). */
  public String getError() {
    return getOauthError();
  }

  /** RFC 6749 "error_description" ("" if none). */
  public String getErrorDescription() {
    return getOauthErrorDescription();
  }

  /** How long to wait before retrying (zero if not known). */
  public Duration getRetryAfter() {
    return Duration.ofMillis(getRetryAfterMillis());
  }
}
