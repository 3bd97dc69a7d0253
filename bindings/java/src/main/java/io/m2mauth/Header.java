package io.m2mauth;

import io.m2mauth.internal.CertHandle;
import io.m2mauth.internal.JwsHeader;
import io.m2mauth.internal.M2mauthNativeConstants;
import java.util.function.Function;

/**
 * Protected-header options for signing: typ, kid, cty, certificate-derived members and extra members.
 * Unset values take the library defaults (the key's kid; typ "JWT" for JWTs and none for JWS); an empty
 * string omits the member.
 */
public final class Header {
  /** Certificate-derived members. */
  public enum CertMember {
    /** "x5t": SHA-1 thumbprint. */
    X5T(M2mauthNativeConstants.M2MAUTH_HEADER_X5T),
    /** "x5t#S256": SHA-256 thumbprint. */
    X5T_S256(M2mauthNativeConstants.M2MAUTH_HEADER_X5T_S256),
    /** "x5c": the certificate. */
    X5C(M2mauthNativeConstants.M2MAUTH_HEADER_X5C);

    final long bit;

    CertMember(long bit) {
      this.bit = bit;
    }
  }

  private final String type;
  private final String keyId;
  private final String contentType;
  private final Certificate certificate;
  private final long certMembers;
  private final String extraJson;

  private Header(Builder b) {
    this.type = b.type;
    this.keyId = b.keyId;
    this.contentType = b.contentType;
    this.certificate = b.certificate;
    this.certMembers = b.certMembers;
    this.extraJson = b.extraJson;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs f with a native header for alg and these options, or with null when there is nothing to say
   * (the library then uses the key's default algorithm and default members).
   */
  static <T> T withNative(Header h, Algorithm alg, Function<JwsHeader, T> f) {
    if (h == null && alg == null) {
      return f.apply(null);
    }
    JwsHeader nh = new JwsHeader();
    try {
      if (alg != null) {
        nh.setAlg(alg.id());
      }
      if (h == null) {
        return f.apply(nh);
      }
      nh.setTyp(h.type);
      nh.setKid(h.keyId);
      nh.setCty(h.contentType);
      nh.setExtra_json(h.extraJson);
      if (h.certificate == null) {
        return f.apply(nh);
      }
      return h.certificate.use((CertHandle c) -> {
        nh.setCert(c);
        nh.setCert_members(h.certMembers);
        return f.apply(nh);
      });
    } finally {
      nh.delete();
    }
  }

  @Override
  public String toString() {
    return "Header[typ=" + type + ", kid=" + keyId + ", cty=" + contentType
        + (certificate == null ? "" : ", certificate") + (extraJson == null ? "" : ", extra") + "]";
  }

  public static final class Builder {
    private String type;
    private String keyId;
    private String contentType;
    private Certificate certificate;
    private long certMembers;
    private String extraJson;

    private Builder() {}

    public Builder type(String typ) {
      this.type = typ;
      return this;
    }

    public Builder keyId(String kid) {
      this.keyId = kid;
      return this;
    }

    public Builder contentType(String cty) {
      this.contentType = cty;
      return this;
    }

    /** Adds members derived from cert (which must stay open until the signing call returns). */
    public Builder certificate(Certificate cert, CertMember... members) {
      this.certificate = cert;
      this.certMembers = 0;
      for (CertMember m : members) {
        this.certMembers |= m.bit;
      }
      return this;
    }

    /** A JSON object whose members are added to the header (it may not override "alg"). */
    public Builder extraJson(String json) {
      this.extraJson = json;
      return this;
    }

    public Header build() {
      return new Header(this);
    }
  }
}
