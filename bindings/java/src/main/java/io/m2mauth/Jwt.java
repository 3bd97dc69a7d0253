package io.m2mauth;

import io.m2mauth.internal.ClaimsHandle;
import io.m2mauth.internal.M2mauthNative;
import java.util.Map;
import java.util.Set;

/** JSON Web Tokens (RFC 7519): sign claims, verify and decode tokens. */
public final class Jwt {
  private Jwt() {}

  /** Signs claims with key under alg (null: the key's default) and header options (may be null). */
  public static String encode(Claims claims, Key key, Algorithm alg, Header header) {
    return encodeJson(claims.toJson(), key, alg, header);
  }

  /** The same for a claims map (values: String, Number, Boolean, Instant, Map, List, null). */
  public static String encode(Map<String, ?> claims, Key key, Algorithm alg, Header header) {
    return encode(Claims.of(claims), key, alg, header);
  }

  /** Signs a claims JSON object text as given. */
  public static String encodeJson(String claimsJson, Key key, Algorithm alg, Header header) {
    Algorithm a = key.headerAlgorithm(alg, header);
    return key.use(k -> Header.withNative(header, a, h -> M2mauthNative.m2mauth_jwt_sign_json(k, claimsJson, h)));
  }

  /**
   * Verifies token (signature by key with one of allowed, then exp/nbf/iat and opts) and returns its
   * claims. Throws an {@link InvalidTokenException} subclass naming the reason.
   */
  public static Claims decode(String token, Key key, Set<Algorithm> allowed, DecodeOptions opts) {
    try (JwtVerifier v = JwtVerifier.create(key, allowed, opts)) {
      return v.verify(token);
    }
  }

  /** DANGEROUS: the claims of a token WITHOUT any verification. For diagnostics only. */
  public static Claims decodeUnverified(String token) {
    ClaimsHandle c = M2mauthNative.m2mauth_jwt_decode_unverified(token);
    try {
      return Claims.fromJson(M2mauthNative.m2mauth_claims_to_json(c));
    } finally {
      c.delete();
    }
  }
}
