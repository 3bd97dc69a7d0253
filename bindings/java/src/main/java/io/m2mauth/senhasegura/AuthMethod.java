package io.m2mauth.senhasegura;

import io.m2mauth.internal.m2mauth_a2a_auth;

/** How an {@link A2AClient} authenticates to the A2A API. */
public enum AuthMethod {
  /** Client credentials on /iso/oauth2/token, then a Bearer token (the vendor's advice; the default). */
  OAUTH2(m2mauth_a2a_auth.M2MAUTH_A2A_OAUTH2, "oauth2"),
  /** OAuth 1.0 HMAC-SHA1 in the Authorization header. */
  OAUTH1(m2mauth_a2a_auth.M2MAUTH_A2A_OAUTH1, "oauth1"),
  /** The consumer key and token in the query string (not recommended by the vendor). */
  QUERY(m2mauth_a2a_auth.M2MAUTH_A2A_QUERY, "query");

  final int id;
  private final String configName;

  AuthMethod(int id, String configName) {
    this.id = id;
    this.configName = configName;
  }

  /** The name the configuration uses ("oauth2", "oauth1", "query"). */
  public String configName() {
    return configName;
  }

  static AuthMethod fromConfigName(String name) {
    for (AuthMethod m : values()) {
      if (m.configName.equals(name)) {
        return m;
      }
    }
    return OAUTH2;
  }
}
