package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Compact JWS (RFC 7515) over arbitrary payloads. */
public final class Jws {
  private Jws() {}

  /** "header.payload.signature" for payload signed with key under alg (null: the key's default). */
  public static String sign(byte[] payload, Key key, Algorithm alg, Header header) {
    Algorithm a = key.headerAlgorithm(alg, header);
    return key.use(k -> Header.withNative(header, a, h -> M2mauthNative.m2mauth_jws_sign(k, payload, h)));
  }

  public static String sign(String payload, Key key, Algorithm alg, Header header) {
    return sign(payload.getBytes(StandardCharsets.UTF_8), key, alg, header);
  }

  /** Signs with exactly these protected-header bytes (a JSON object with "alg"), for known answers. */
  public static String signWithProtectedHeader(byte[] protectedHeader, byte[] payload, Key key) {
    return key.use(k -> M2mauthNative.m2mauth_jws_sign_protected(k, protectedHeader, payload));
  }

  /** The payload of token if its signature verifies with key under one of allowed. */
  public static byte[] verify(String token, Key key, Set<Algorithm> allowed) {
    int bits = Algorithm.bits(allowed);
    return key.use(k -> M2mauthNative.m2mauth_jws_verify(k, token, bits));
  }
}
