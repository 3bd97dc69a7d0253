package io.m2mauth;

import io.m2mauth.internal.m2mauth_oauth1_method;

/** oauth_signature_method values (RFC 5849 section 3.4, plus the common SHA-256 variants). */
public enum OAuth1Method {
  /** "HMAC-SHA1", section 3.4.2 (the default). */
  HMAC_SHA1(m2mauth_oauth1_method.M2MAUTH_OAUTH1_HMAC_SHA1, "HMAC-SHA1"),
  HMAC_SHA256(m2mauth_oauth1_method.M2MAUTH_OAUTH1_HMAC_SHA256, "HMAC-SHA256"),
  /** "RSA-SHA1", section 3.4.3 (needs an RSA key). */
  RSA_SHA1(m2mauth_oauth1_method.M2MAUTH_OAUTH1_RSA_SHA1, "RSA-SHA1"),
  RSA_SHA256(m2mauth_oauth1_method.M2MAUTH_OAUTH1_RSA_SHA256, "RSA-SHA256"),
  /** "PLAINTEXT", section 3.4.4: only over TLS. */
  PLAINTEXT(m2mauth_oauth1_method.M2MAUTH_OAUTH1_PLAINTEXT, "PLAINTEXT");

  final int id;
  private final String protocolName;

  OAuth1Method(int id, String protocolName) {
    this.id = id;
    this.protocolName = protocolName;
  }

  /** The name on the wire, e.g. "HMAC-SHA1". */
  public String protocolName() {
    return protocolName;
  }
}
