package io.m2mauth;

import io.m2mauth.internal.m2mauth_client_auth;

/** How a client authenticates at the token endpoint (m2mauth_client_auth). */
public enum ClientAuth {
  /** RFC 6749 2.3.1: HTTP Basic, id and secret form-encoded first (the default). */
  CLIENT_SECRET_BASIC(m2mauth_client_auth.M2MAUTH_AUTH_CLIENT_SECRET_BASIC),
  /** client_id and client_secret in the body. */
  CLIENT_SECRET_POST(m2mauth_client_auth.M2MAUTH_AUTH_CLIENT_SECRET_POST),
  /** An HS256 client assertion keyed with the secret. */
  CLIENT_SECRET_JWT(m2mauth_client_auth.M2MAUTH_AUTH_CLIENT_SECRET_JWT),
  /** A client assertion signed with the private key (RFC 7523 2.2). */
  PRIVATE_KEY_JWT(m2mauth_client_auth.M2MAUTH_AUTH_PRIVATE_KEY_JWT),
  /** RFC 8705 2.1: a PKI client certificate, set on the {@link Http}. */
  TLS_CLIENT_AUTH(m2mauth_client_auth.M2MAUTH_AUTH_TLS_CLIENT_AUTH),
  /** RFC 8705 2.2: a self-signed client certificate. */
  SELF_SIGNED_TLS_CLIENT_AUTH(m2mauth_client_auth.M2MAUTH_AUTH_SELF_SIGNED_TLS_CLIENT_AUTH),
  /** A public client: client_id only. */
  NONE(m2mauth_client_auth.M2MAUTH_AUTH_NONE);

  final int id;

  ClientAuth(int id) {
    this.id = id;
  }

  /** The registered name, e.g. "client_secret_basic". */
  public String registeredName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The method with this registered name ("client_secret_basic", "private_key_jwt", ...). */
  public static ClientAuth fromName(String name) {
    for (ClientAuth a : values()) {
      if (a.registeredName().equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("m2mauth: unknown client authentication method " + name);
  }
}
