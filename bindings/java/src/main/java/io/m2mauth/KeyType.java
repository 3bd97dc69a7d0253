package io.m2mauth;

import io.m2mauth.internal.m2mauth_key_type;

/** Key families, named as the JWK "kty" values. */
public enum KeyType {
  RSA(m2mauth_key_type.M2MAUTH_KEY_RSA),
  EC(m2mauth_key_type.M2MAUTH_KEY_EC),
  /** Ed25519. */
  OKP(m2mauth_key_type.M2MAUTH_KEY_OKP),
  /** An HMAC secret. */
  OCT(m2mauth_key_type.M2MAUTH_KEY_OCT);

  private final int id;

  KeyType(int id) {
    this.id = id;
  }

  static KeyType fromId(int id) {
    for (KeyType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    throw new IllegalStateException("m2mauth: unknown key type " + id);
  }
}
