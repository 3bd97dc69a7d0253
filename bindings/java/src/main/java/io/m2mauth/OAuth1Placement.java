package io.m2mauth;

import io.m2mauth.internal.m2mauth_oauth1_placement;

/** Where the OAuth 1.0 protocol parameters go (RFC 5849 section 3.5). */
public enum OAuth1Placement {
  /** "Authorization: OAuth ..." (the default). */
  HEADER(m2mauth_oauth1_placement.M2MAUTH_OAUTH1_IN_HEADER),
  /** Appended to the URL's query. */
  QUERY(m2mauth_oauth1_placement.M2MAUTH_OAUTH1_IN_QUERY),
  /** Appended to an application/x-www-form-urlencoded body. */
  BODY(m2mauth_oauth1_placement.M2MAUTH_OAUTH1_IN_BODY);

  final int id;

  OAuth1Placement(int id) {
    this.id = id;
  }
}
