package io.m2mauth;

import java.time.Duration;

/**
 * Client assertion settings (client_secret_jwt, private_key_jwt, and the jwt-bearer grant's JWT). Unset
 * values keep the library's defaults: "aud" = the token endpoint URL, the key's default algorithm, a
 * lifetime of 2 minutes, the key's kid.
 */
public final class AssertionOptions {
  final String audience;
  final Algorithm algorithm;
  final Duration lifetime;
  final Duration clockSkew;
  final String keyId;
  final boolean keyIdThumbprint;
  final Certificate certificate;
  final long certMembers;

  private AssertionOptions(Builder b) {
    audience = b.audience;
    algorithm = b.algorithm;
    lifetime = b.lifetime;
    clockSkew = b.clockSkew;
    keyId = b.keyId;
    keyIdThumbprint = b.keyIdThumbprint;
    certificate = b.certificate;
    certMembers = b.certMembers;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String toString() {
    return "AssertionOptions[aud=" + (audience == null ? "(token endpoint)" : audience) + ", alg="
        + (algorithm == null ? "(key default)" : algorithm.joseName()) + "]";
  }

  /** Builds {@link AssertionOptions}. */
  public static final class Builder {
    private String audience;
    private Algorithm algorithm;
    private Duration lifetime;
    private Duration clockSkew;
    private String keyId;
    private boolean keyIdThumbprint;
    private Certificate certificate;
    private long certMembers;

    private Builder() {}

    /** The single "aud" (default: the token endpoint URL; set the issuer for servers that want it). */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    public Builder algorithm(Algorithm algorithm) {
      this.algorithm = algorithm;
      return this;
    }

    /** 10 s to 1 h (default 2 min). */
    public Builder lifetime(Duration lifetime) {
      this.lifetime = lifetime;
      return this;
    }

    /**
     * "iat" and "nbf" this far in the past, so a server whose clock is behind accepts the assertion
     * ("exp" counts from now); 0 to 300 s, whole seconds (default 5 s; zero: none).
     */
    public Builder clockSkew(Duration skew) {
      this.clockSkew = skew;
      return this;
    }

    /** The header "kid" (default: the key's). */
    public Builder keyId(String kid) {
      this.keyId = kid;
      return this;
    }

    /** Use the key's RFC 7638 thumbprint as "kid". */
    public Builder keyIdThumbprint(boolean on) {
      this.keyIdThumbprint = on;
      return this;
    }

    /** Adds x5t / x5t#S256 / x5c of cert (open while the client is built) to the assertion header. */
    public Builder certificate(Certificate cert, Header.CertMember... members) {
      this.certificate = cert;
      this.certMembers = 0;
      for (Header.CertMember m : members) {
        this.certMembers |= m.bit;
      }
      return this;
    }

    public AssertionOptions build() {
      return new AssertionOptions(this);
    }
  }
}
