package io.m2mauth.testing;

/** How a client registered with a {@link TokenServer} authenticates at its token endpoint. */
public enum AuthMethod {
  CLIENT_SECRET_BASIC(1),
  CLIENT_SECRET_POST(2),
  /** The secret is the HMAC key of the assertion (at least 32 bytes). */
  CLIENT_SECRET_JWT(3),
  /** The credential is the public key (PEM or JWK) the assertion is verified with. */
  PRIVATE_KEY_JWT(4),
  /** Registered with {@link TokenServer#addTlsClient}. */
  TLS_CLIENT_AUTH(5);

  final int id;

  AuthMethod(int id) {
    this.id = id;
  }
}
