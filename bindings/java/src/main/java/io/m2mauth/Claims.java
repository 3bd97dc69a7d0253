package io.m2mauth;

import io.m2mauth.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A JWT claims set: an immutable JSON object, in member order. Build one with {@link #builder()} or take
 * one from {@link Jwt#decode}; decoded claims also carry the verified protected header. {@code toString()}
 * lists claim names only: values may be personal data.
 */
public final class Claims {
  private final Map<String, Object> map;
  private final String json;
  private final String headerJson;

  private Claims(Map<String, Object> map, String json, String headerJson) {
    this.map = Collections.unmodifiableMap(map);
    this.json = json;
    this.headerJson = headerJson;
  }

  /** Claims from a JSON object text. */
  public static Claims fromJson(String json) {
    return new Claims(Json.parseObject(json), json, null);
  }

  /** Claims from a map (values: String, Number, Boolean, Instant, Map, List, arrays, null). */
  public static Claims of(Map<String, ?> claims) {
    Map<String, Object> copy = new LinkedHashMap<>(claims);
    return new Claims(copy, Json.write(copy), null);
  }

  static Claims decoded(String json, String headerJson) {
    return new Claims(Json.parseObject(json), json, headerJson);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The claims as compact JSON text (for decoded claims: as the library returned them). */
  public String toJson() {
    return json;
  }

  /** An unmodifiable view of all claims. */
  public Map<String, Object> asMap() {
    return map;
  }

  /** The verified token's protected header as JSON, or null for claims that were not decoded. */
  public String headerJson() {
    return headerJson;
  }

  public boolean has(String name) {
    return map.containsKey(name);
  }

  public Object get(String name) {
    return map.get(name);
  }

  /** A string claim, or null if absent or not a string. */
  public String getString(String name) {
    Object v = map.get(name);
    return v instanceof String ? (String) v : null;
  }

  /** An integral number claim, or null if absent or not an integer. */
  public Long getLong(String name) {
    Object v = map.get(name);
    return v instanceof Long ? (Long) v : null;
  }

  public String issuer() {
    return getString("iss");
  }

  public String subject() {
    return getString("sub");
  }

  public String jwtId() {
    return getString("jti");
  }

  /** "aud" as a list (a single string is a one-element list; absent is empty). */
  public List<String> audience() {
    Object v = map.get("aud");
    List<String> out = new ArrayList<>();
    if (v instanceof String) {
      out.add((String) v);
    } else if (v instanceof List) {
      for (Object o : (List<?>) v) {
        if (o instanceof String) {
          out.add((String) o);
        }
      }
    }
    return out;
  }

  public Instant expiresAt() {
    return instant("exp");
  }

  public Instant notBefore() {
    return instant("nbf");
  }

  public Instant issuedAt() {
    return instant("iat");
  }

  private Instant instant(String name) {
    Long v = getLong(name);
    return v == null ? null : Instant.ofEpochSecond(v);
  }

  @Override
  public String toString() {
    return "Claims" + map.keySet();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Claims && ((Claims) o).map.equals(map);
  }

  @Override
  public int hashCode() {
    return map.hashCode();
  }

  /** Builds claims in insertion order. */
  public static final class Builder {
    private final Map<String, Object> map = new LinkedHashMap<>();
    private final List<String> audiences = new ArrayList<>();

    private Builder() {}

    public Builder issuer(String iss) {
      return claim("iss", iss);
    }

    public Builder subject(String sub) {
      return claim("sub", sub);
    }

    /** Adds an audience: "aud" is a string for one and an array for more. */
    public Builder audience(String... aud) {
      Collections.addAll(audiences, aud);
      map.put("aud", audiences.size() == 1 ? audiences.get(0) : new ArrayList<>(audiences));
      return this;
    }

    public Builder expiresAt(Instant exp) {
      return claim("exp", exp.getEpochSecond());
    }

    public Builder notBefore(Instant nbf) {
      return claim("nbf", nbf.getEpochSecond());
    }

    public Builder issuedAt(Instant iat) {
      return claim("iat", iat.getEpochSecond());
    }

    /** iat = now and exp = now + lifetime. */
    public Builder issuedNowFor(Duration lifetime) {
      Instant now = Instant.now();
      return issuedAt(now).expiresAt(now.plus(lifetime));
    }

    public Builder jwtId(String jti) {
      return claim("jti", jti);
    }

    /** jti = a random UUID v4. */
    public Builder randomJwtId() {
      return claim("jti", UUID.randomUUID().toString());
    }

    /** Any claim (String, Number, Boolean, Instant, Map, List, arrays, null). */
    public Builder claim(String name, Object value) {
      map.put(name, value);
      return this;
    }

    public Claims build() {
      return Claims.of(map);
    }
  }
}
