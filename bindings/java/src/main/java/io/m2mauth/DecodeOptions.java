package io.m2mauth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a JWT must satisfy besides its signature. exp, nbf and iat are always checked when present;
 * iss, sub, aud and typ only when set here; no claim is required unless listed.
 */
public final class DecodeOptions {
  final List<String> audiences;
  final String issuer;
  final String subject;
  final String type;
  final Duration leeway;
  final List<String> requiredClaims;
  final Long maxSize;
  final Instant at;

  private DecodeOptions(Builder b) {
    this.audiences = Collections.unmodifiableList(new ArrayList<>(b.audiences));
    this.issuer = b.issuer;
    this.subject = b.subject;
    this.type = b.type;
    this.leeway = b.leeway;
    this.requiredClaims = Collections.unmodifiableList(new ArrayList<>(b.requiredClaims));
    this.maxSize = b.maxSize;
    this.at = b.at;
  }

  /** No checks beyond signature, algorithm and time claims. */
  public static DecodeOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private final List<String> audiences = new ArrayList<>();
    private String issuer;
    private String subject;
    private String type;
    private Duration leeway;
    private final List<String> requiredClaims = new ArrayList<>();
    private Long maxSize;
    private Instant at;

    private Builder() {}

    /** Accept tokens whose "aud" contains one of these. */
    public Builder audience(String... aud) {
      Collections.addAll(audiences, aud);
      return this;
    }

    public Builder issuer(String iss) {
      this.issuer = iss;
      return this;
    }

    public Builder subject(String sub) {
      this.subject = sub;
      return this;
    }

    /** Require the header "typ" (case-insensitive, "application/" ignored). */
    public Builder type(String typ) {
      this.type = typ;
      return this;
    }

    /** Clock skew allowed for exp, nbf and iat (0 to 1 day). */
    public Builder leeway(Duration leeway) {
      this.leeway = leeway;
      return this;
    }

    public Builder requiredClaims(String... names) {
      Collections.addAll(requiredClaims, names);
      return this;
    }

    /** Maximum token length in bytes (default 64 KiB). */
    public Builder maxSize(long bytes) {
      this.maxSize = bytes;
      return this;
    }

    /** Check times as of this instant instead of now (tests, re-checking a logged token). */
    public Builder at(Instant instant) {
      this.at = instant;
      return this;
    }

    public DecodeOptions build() {
      return new DecodeOptions(this);
    }
  }
}
