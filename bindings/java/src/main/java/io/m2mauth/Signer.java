package io.m2mauth;

/**
 * Signs with a private key held elsewhere: a cloud KMS, a Vault transit key, an HSM. Behind a
 * {@link Key#fromSigner(Key, Algorithm, Signer)} key, it signs everywhere a private key does (JWTs,
 * private_key_jwt client assertions, OAuth 1.0 RSA-SHA1).
 *
 * <p>The library calls {@link #sign} on the signing thread (or one of its own), one call at a time per
 * key, never from inside another call of the same key.
 */
@FunctionalInterface
public interface Signer {
  /**
   * The signature of exactly {@code data} with {@code algorithm}: a JWS name ("RS256", "PS256",
   * "ES256", "EdDSA", ...) or "RSA-SHA1" (OAuth 1.0). RSA signatures as usual; ECDSA as raw R||S or DER
   * (what KMS APIs return); Ed25519 64 bytes. Every signature is checked with the public key before use.
   * Anything thrown fails the signing call with {@link SignerException} carrying the exception's text.
   */
  byte[] sign(String algorithm, byte[] data) throws Exception;
}
