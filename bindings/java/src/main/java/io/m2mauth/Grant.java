package io.m2mauth;

import io.m2mauth.internal.m2mauth_grant;

/** The OAuth 2.0 grant a token client uses. */
public enum Grant {
  /** RFC 6749 4.4 (the default). */
  CLIENT_CREDENTIALS(m2mauth_grant.M2MAUTH_GRANT_CLIENT_CREDENTIALS),
  /** RFC 7523 2.1: a JWT signed with the private key as the grant. */
  JWT_BEARER(m2mauth_grant.M2MAUTH_GRANT_JWT_BEARER);

  final int id;

  Grant(int id) {
    this.id = id;
  }
}
