package io.m2mauth;

import io.m2mauth.internal.m2mauth_alg;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/** JWS algorithms (RFC 7518, RFC 8037). "none" does not exist here. */
public enum Algorithm {
  HS256(m2mauth_alg.M2MAUTH_ALG_HS256, "HS256"),
  HS384(m2mauth_alg.M2MAUTH_ALG_HS384, "HS384"),
  HS512(m2mauth_alg.M2MAUTH_ALG_HS512, "HS512"),
  RS256(m2mauth_alg.M2MAUTH_ALG_RS256, "RS256"),
  RS384(m2mauth_alg.M2MAUTH_ALG_RS384, "RS384"),
  RS512(m2mauth_alg.M2MAUTH_ALG_RS512, "RS512"),
  PS256(m2mauth_alg.M2MAUTH_ALG_PS256, "PS256"),
  PS384(m2mauth_alg.M2MAUTH_ALG_PS384, "PS384"),
  PS512(m2mauth_alg.M2MAUTH_ALG_PS512, "PS512"),
  ES256(m2mauth_alg.M2MAUTH_ALG_ES256, "ES256"),
  ES384(m2mauth_alg.M2MAUTH_ALG_ES384, "ES384"),
  ES512(m2mauth_alg.M2MAUTH_ALG_ES512, "ES512"),
  EdDSA(m2mauth_alg.M2MAUTH_ALG_EDDSA, "EdDSA");

  private final int id;
  private final String jose;

  Algorithm(int id, String jose) {
    this.id = id;
    this.jose = jose;
  }

  /** The JOSE "alg" value. */
  public String joseName() {
    return jose;
  }

  int id() {
    return id;
  }

  /** The algorithm with this JOSE name; IllegalArgumentException for unknown names and "none". */
  public static Algorithm fromJoseName(String name) {
    for (Algorithm a : values()) {
      if (a.jose.equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("m2mauth: unknown JWS algorithm " + name);
  }

  static Algorithm fromId(int id) {
    for (Algorithm a : values()) {
      if (a.id == id) {
        return a;
      }
    }
    throw new IllegalArgumentException("m2mauth: unknown algorithm id " + id);
  }

  /** The C allow-list bit set for algs (never empty: an empty set would allow nothing). */
  static int bits(Collection<Algorithm> algs) {
    if (algs == null || algs.isEmpty()) {
      throw new IllegalArgumentException("m2mauth: the algorithm allow-list is empty");
    }
    int bits = 0;
    for (Algorithm a : algs) {
      bits |= 1 << a.id;
    }
    return bits;
  }

  /** A set of algorithms, for allow-lists: {@code Algorithm.setOf(Algorithm.RS256, Algorithm.ES256)}. */
  public static Set<Algorithm> setOf(Algorithm first, Algorithm... rest) {
    return EnumSet.of(first, rest);
  }
}
