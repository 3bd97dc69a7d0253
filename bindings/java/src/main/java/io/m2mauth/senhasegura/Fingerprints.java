package io.m2mauth.senhasegura;

/**
 * A certificate's fingerprints as an administrator registers them for an authorization's "certificate
 * validation" (the vendor does not document the hash or the form: SHA-256 and SHA-1, lower-case hex and
 * upper-case hex with colons).
 */
public final class Fingerprints {
  private final String sha256;
  private final String sha256Colon;
  private final String sha1;
  private final String sha1Colon;

  Fingerprints(String sha256, String sha256Colon, String sha1, String sha1Colon) {
    this.sha256 = sha256;
    this.sha256Colon = sha256Colon;
    this.sha1 = sha1;
    this.sha1Colon = sha1Colon;
  }

  /** "ab12..." (64 hex digits). */
  public String sha256() {
    return sha256;
  }

  /** "AB:12:...". */
  public String sha256Colon() {
    return sha256Colon;
  }

  public String sha1() {
    return sha1;
  }

  public String sha1Colon() {
    return sha1Colon;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Fingerprints)) {
      return false;
    }
    Fingerprints f = (Fingerprints) o;
    return sha256.equals(f.sha256) && sha256Colon.equals(f.sha256Colon) && sha1.equals(f.sha1)
        && sha1Colon.equals(f.sha1Colon);
  }

  @Override
  public int hashCode() {
    return sha256.hashCode();
  }

  @Override
  public String toString() {
    return "Fingerprints[sha256=" + sha256Colon + ", sha1=" + sha1Colon + "]";
  }
}
