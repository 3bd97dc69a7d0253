package io.m2mauth;

import io.m2mauth.internal.CertHandle;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.m2mauth_fingerprint_format;
import io.m2mauth.internal.m2mauth_hash;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Function;

/** An X.509 certificate (for x5t/x5c headers, mTLS client authentication and fingerprints). */
public final class Certificate implements AutoCloseable {
  /** Fingerprint hash. */
  public enum Hash {
    SHA1(m2mauth_hash.M2MAUTH_HASH_SHA1),
    SHA256(m2mauth_hash.M2MAUTH_HASH_SHA256);

    final int id;

    Hash(int id) {
      this.id = id;
    }
  }

  /** Fingerprint text forms. */
  public enum FingerprintFormat {
    /** "AB:CD:..." as {@code openssl x509 -fingerprint} prints. */
    HEX_COLONS(m2mauth_fingerprint_format.M2MAUTH_FP_HEX_COLONS),
    /** Lower-case hex without separators. */
    HEX(m2mauth_fingerprint_format.M2MAUTH_FP_HEX),
    /** base64url without padding, as the "x5t" and "x5t#S256" headers. */
    BASE64URL(m2mauth_fingerprint_format.M2MAUTH_FP_BASE64URL);

    final int id;

    FingerprintFormat(int id) {
      this.id = id;
    }
  }

  private final NativeResource<CertHandle> res;

  private Certificate(CertHandle h) {
    this.res = NativeResource.track(this, h, CertHandle::delete, "certificate");
  }

  /** The first certificate of PEM text. */
  public static Certificate fromPem(String pem) {
    return fromPem(pem.getBytes(StandardCharsets.UTF_8));
  }

  /** The first certificate of PEM text given as bytes. */
  public static Certificate fromPem(byte[] pem) {
    return new Certificate(M2mauthNative.m2mauth_cert_from_pem(pem));
  }

  /** A DER-encoded certificate (nothing may follow it). */
  public static Certificate fromDer(byte[] der) {
    return new Certificate(M2mauthNative.m2mauth_cert_from_der(der));
  }

  public static Certificate fromFile(Path path) {
    return new Certificate(M2mauthNative.m2mauth_cert_from_file(path.toString()));
  }

  /** A self-signed certificate for key: CN=commonName, valid from a minute ago for days days. */
  public static Certificate selfSigned(Key key, String commonName, int days) {
    return key.use(k -> new Certificate(M2mauthNative.m2mauth_cert_self_signed(k, commonName, days)));
  }

  public String fingerprint(Hash hash, FingerprintFormat format) {
    return use(h -> M2mauthNative.m2mauth_cert_fingerprint(h, hash.id, format.id));
  }

  public Key publicKey() {
    return use(h -> new Key(M2mauthNative.m2mauth_cert_public_key(h)));
  }

  public byte[] der() {
    return use(M2mauthNative::m2mauth_cert_der);
  }

  public String pem() {
    return use(M2mauthNative::m2mauth_cert_pem);
  }

  /** RFC 2253 subject, e.g. "CN=client,O=Example". */
  public String subject() {
    return use(M2mauthNative::m2mauth_cert_subject);
  }

  public Instant notAfter() {
    return use(h -> Instant.ofEpochSecond(M2mauthNative.m2mauth_cert_not_after(h)));
  }

  @Override
  public void close() {
    res.close();
  }

  @Override
  public String toString() {
    return res.isClosed() ? "Certificate[closed]" : "Certificate[" + subject() + "]";
  }

  <T> T use(Function<CertHandle, T> f) {
    CertHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }
}
