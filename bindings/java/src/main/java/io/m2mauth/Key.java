package io.m2mauth;

import io.m2mauth.internal.KeyHandle;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeCallbacks;
import io.m2mauth.internal.NativeRef;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.Secrets;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A parsed key (RSA, EC, Ed25519 or an HMAC secret), immutable and safe to use from many threads at once.
 * Close it when done; a key that is never closed is released by a Cleaner once unreachable. After
 * {@link #close()} every method throws IllegalStateException. {@link #toString()} never shows key material.
 */
public final class Key implements AutoCloseable {
  private final NativeResource<KeyHandle> res;
  /** m2mauth_alg_default_for(), fixed for the key's life. */
  private final Algorithm defaultAlg;

  Key(KeyHandle handle) {
    this.res = NativeResource.track(this, handle, KeyHandle::delete, "key");
    this.defaultAlg = Algorithm.fromId(M2mauthNative.m2mauth_alg_default_for(handle));
  }

  /** A new RSA key pair of 2048, 3072 or 4096 bits. */
  public static Key generateRsa(int bits) {
    return new Key(M2mauthNative.m2mauth_key_generate_rsa(bits));
  }

  /** A new EC key pair on "P-256", "P-384" or "P-521". */
  public static Key generateEc(String curve) {
    return new Key(M2mauthNative.m2mauth_key_generate_ec(curve));
  }

  public static Key generateEd25519() {
    return new Key(M2mauthNative.m2mauth_key_generate_ed25519());
  }

  /** A random HMAC secret of len bytes (16 to 1024). */
  public static Key generateHmac(int len) {
    return new Key(M2mauthNative.m2mauth_key_generate_hmac(len));
  }

  /** An HMAC key from secret bytes (copied; the caller may wipe its array afterwards). */
  public static Key hmac(byte[] secret) {
    return new Key(M2mauthNative.m2mauth_key_from_secret(secret));
  }

  /** A key from PEM: private (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8), public (SPKI, PKCS#1) or a certificate. */
  public static Key fromPem(String pem) {
    return fromPem(pem, null);
  }

  /** The same for an encrypted key; passphrase may be null. The caller keeps (and may wipe) the array. */
  public static Key fromPem(String pem, char[] passphrase) {
    byte[] pass = Secrets.utf8(passphrase);
    try {
      return new Key(M2mauthNative.m2mauth_key_from_pem(pem.getBytes(StandardCharsets.UTF_8), pass));
    } finally {
      Secrets.wipe(pass);
    }
  }

  /** A key from DER: PKCS#8 (possibly encrypted), PKCS#1, SEC1, SPKI or a certificate. */
  public static Key fromDer(byte[] der, char[] passphrase) {
    byte[] pass = Secrets.utf8(passphrase);
    try {
      return new Key(M2mauthNative.m2mauth_key_from_der(der, pass));
    } finally {
      Secrets.wipe(pass);
    }
  }

  /** A key from a PEM or DER file (at most 1 MiB). */
  public static Key fromFile(Path path, char[] passphrase) {
    byte[] pass = Secrets.utf8(passphrase);
    try {
      return new Key(M2mauthNative.m2mauth_key_from_file(path.toString(), pass));
    } finally {
      Secrets.wipe(pass);
    }
  }

  /** A key from a JWK JSON object (RSA, EC, OKP Ed25519 or oct; public or private). */
  public static Key fromJwk(String jwk) {
    return new Key(M2mauthNative.m2mauth_key_from_jwk(jwk));
  }

  /** The key with this kid from a JWKS; kid null picks the only key of a one-key set. */
  public static Key fromJwks(String jwks, String kid) {
    return new Key(M2mauthNative.m2mauth_key_from_jwks(jwks, kid));
  }

  public KeyType type() {
    return use(h -> KeyType.fromId(M2mauthNative.m2mauth_key_type_of(h)));
  }

  /** RSA modulus bits, EC field bits, 256 for Ed25519, secret length * 8 for HMAC. */
  public int bits() {
    return use(h -> (int) M2mauthNative.m2mauth_key_bits(h));
  }

  /** "P-256", "P-384", "P-521", "Ed25519", or "" for RSA and HMAC keys. */
  public String curve() {
    return use(M2mauthNative::m2mauth_key_curve);
  }

  /**
   * A key whose private part stays with signer (a KMS, an HSM): see {@link Signer}. publicKey says what
   * the key is (its public part is used, its kid kept); algorithm (null: none) binds the key to one
   * algorithm. The private key cannot be exported. The library keeps signer for as long as this key or
   * any key derived from it lives.
   */
  public static Key fromSigner(Key publicKey, Algorithm algorithm, Signer signer) {
    java.util.Objects.requireNonNull(publicKey, "publicKey");
    java.util.Objects.requireNonNull(signer, "signer");
    NativeCallbacks.SignSink sink = signer::sign;
    int alg = algorithm == null ? 0 : algorithm.id();
    // The native key owns the reference from here on (released with it, or at once on failure).
    return publicKey.use(h -> new Key(M2mauthNative.m2mauth_glue_key_from_signer(alg, h, NativeRef.handOver(sink))));
  }

  /** The same without an algorithm binding. */
  public static Key fromSigner(Key publicKey, Signer signer) {
    return fromSigner(publicKey, null, signer);
  }

  /**
   * A private key held by a PKCS#11 token (an HSM, a smart card, SoftHSM), by RFC 7512 URI such as
   * "pkcs11:token=prod;object=signing-key;type=private". It signs everywhere a private key does and never
   * leaves the token. pin may be null: then the URI's pin-value, else the environment's M2MAUTH_PKCS11_PIN;
   * the module is the URI's module-path query attribute, else M2MAUTH_PKCS11_MODULE. The caller keeps (and
   * may wipe) the array. Needs OpenSSL's pkcs11 engine (Debian: libengine-pkcs11-openssl).
   */
  public static Key fromPkcs11(String uri, char[] pin) {
    java.util.Objects.requireNonNull(uri, "uri");
    byte[] p = Secrets.utf8(pin);
    try {
      return new Key(M2mauthNative.m2mauth_key_from_pkcs11(uri, p));
    } finally {
      Secrets.wipe(p);
    }
  }

  /** True for a key made by {@link #fromSigner}. */
  public boolean isSigner() {
    return use(h -> M2mauthNative.m2mauth_key_is_signer(h) != 0);
  }

  public boolean hasPrivate() {
    return use(h -> M2mauthNative.m2mauth_key_has_private(h) != 0);
  }

  /** The key's "kid", "" if none. */
  public String kid() {
    return use(M2mauthNative::m2mauth_key_kid);
  }

  /** The usual algorithm for this key: RS256, ES256/384/512 by curve, EdDSA or HS256. */
  public Algorithm defaultAlgorithm() {
    return use(h -> defaultAlg);
  }

  /**
   * alg as the signing calls pass it: null (no native header object, the library's defaults) when it is
   * the key's default and there are no header options, which is what most calls ask for.
   */
  Algorithm headerAlgorithm(Algorithm alg, Header header) {
    return header == null && alg == defaultAlg ? null : alg;
  }

  /** A new key holding only the public part. */
  public Key publicKey() {
    return use(h -> new Key(M2mauthNative.m2mauth_key_public(h)));
  }

  /** A new key for the same material with this kid (used by JWK export and as the default JWS kid). */
  public Key withKid(String kid) {
    return use(h -> new Key(M2mauthNative.m2mauth_key_with_kid(h, kid)));
  }

  /** SPKI PEM ("BEGIN PUBLIC KEY"). */
  public String publicPem() {
    return use(M2mauthNative::m2mauth_key_public_pem);
  }

  /** SPKI DER. */
  public byte[] publicDer() {
    return use(M2mauthNative::m2mauth_key_public_der);
  }

  /** PKCS#8 PEM, encrypted (AES-256-CBC, PBKDF2) when passphrase is not null. A secret. */
  public String privatePem(char[] passphrase) {
    byte[] pass = Secrets.utf8(passphrase);
    try {
      return use(h -> M2mauthNative.m2mauth_key_private_pem(h, pass));
    } finally {
      Secrets.wipe(pass);
    }
  }

  /** The public JWK (with "kid" if the key has one). HMAC keys have none (KeyTypeException). */
  public String publicJwk() {
    return publicJwk(null, null);
  }

  /** The public JWK with "alg" and "use" members when not null. */
  public String publicJwk(Algorithm alg, String use) {
    return use(h -> M2mauthNative.m2mauth_key_public_jwk(h, alg == null ? null : alg.joseName(), use));
  }

  /** The private JWK. A secret. */
  public String privateJwk() {
    return use(M2mauthNative::m2mauth_key_private_jwk);
  }

  /** RFC 7638 JWK thumbprint (SHA-256, base64url). */
  public String thumbprint() {
    return use(M2mauthNative::m2mauth_key_thumbprint);
  }

  /** A JWKS {"keys":[...]} of the public JWKs of keys (HMAC keys have none: KeyTypeException). */
  public static String jwks(Key... keys) {
    KeyHandle[] handles = new KeyHandle[keys.length];
    int held = 0;
    try {
      for (; held < keys.length; held++) {
        handles[held] = keys[held].res.acquire();
      }
      return M2mauthNative.m2mauth_key_jwks(handles);
    } finally {
      for (int i = 0; i < held; i++) {
        keys[i].res.release();
      }
      Reference.reachabilityFence(keys);
    }
  }

  public boolean isClosed() {
    return res.isClosed();
  }

  @Override
  public void close() {
    res.close();
  }

  @Override
  public String toString() {
    if (res.isClosed()) {
      return "Key[closed]";
    }
    try {
      String kid = kid();
      return "Key[" + type() + ", " + bits() + " bits" + (hasPrivate() ? ", private" : ", public")
          + (kid.isEmpty() ? "" : ", kid=" + kid) + "]";
    } catch (IllegalStateException e) {
      return "Key[closed]";
    }
  }

  /** Runs f with the native handle held open for the duration of the call. */
  <T> T use(Function<KeyHandle, T> f) {
    KeyHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }
}
