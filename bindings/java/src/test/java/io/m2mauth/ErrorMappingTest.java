package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ErrorMappingTest {
  private static <T extends M2mauthException> T expect(Class<T> type, int code, String name, Executable call) {
    T e = assertThrows(type, call);
    assertEquals(code, e.getCode());
    assertEquals(name, e.getName());
    assertFalse(e.getMessage().isEmpty());
    assertTrue(e.toString().contains("[" + name + " " + code + "]"), e.toString());
    return e;
  }

  @Test
  void statusCodesBecomeTheirExceptions() {
    Set<Algorithm> hs = EnumSet.of(Algorithm.HS256);
    try (Key key = Key.generateHmac(32); Key other = Key.generateHmac(32); Key rsa = Key.generateRsa(2048)) {
      Instant now = Instant.now();
      String expired = Jwt.encode(Claims.builder().expiresAt(now.minusSeconds(3600)).build(), key, null, null);
      String future = Jwt.encode(Claims.builder().notBefore(now.plusSeconds(3600)).build(), key, null, null);
      String good = Jwt.encode(Claims.builder().issuer("a").expiresAt(now.plusSeconds(3600)).build(), key, null, null);

      expect(ExpiredException.class, -23, "expired", () -> Jwt.decode(expired, key, hs, null));
      assertEquals(Claims.class, Jwt.decode(expired, key, hs,
          DecodeOptions.builder().at(now.minusSeconds(7200)).build()).getClass());
      expect(ExpiredException.class, -23, "expired", () -> Jwt.decode(expired, key, hs,
          DecodeOptions.builder().leeway(Duration.ofSeconds(60)).build()));
      expect(NotYetValidException.class, -24, "not_yet_valid", () -> Jwt.decode(future, key, hs, null));
      expect(InvalidSignatureException.class, -21, "signature", () -> Jwt.decode(good, other, hs, null));
      expect(AlgorithmException.class, -22, "algorithm", () -> Jwt.decode(good, key, EnumSet.of(Algorithm.HS512), null));
      expect(InvalidClaimException.class, -26, "claim", () -> Jwt.decode(good, key, hs,
          DecodeOptions.builder().issuer("b").build()));
      expect(InvalidClaimException.class, -27, "missing_claim", () -> Jwt.decode(good, key, hs,
          DecodeOptions.builder().requiredClaims("jti").build()));
      expect(MalformedTokenException.class, -20, "malformed", () -> Jwt.decode("not.a.token", key, hs, null));
      expect(KeyTypeException.class, -11, "key_type", () -> Jws.verify(good, rsa, hs));
      expect(KeyTypeException.class, -11, "key_type", key::publicJwk);
      expect(KeyFormatException.class, -10, "key",
          () -> Key.fromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
      expect(UnsupportedException.class, -4, "unsupported", () -> Key.generateEc("P-192"));
      expect(NotFoundException.class, -6, "not_found", () -> Key.fromJwks("{\"keys\":[]}", "nope"));
      expect(InvalidArgumentException.class, -2, "invalid_argument", () -> Key.generateHmac(1));
      // Hostile input (README "Hostile input (JSON and JOSE)"): the core's rules reach Java unchanged.
      expect(KeyFormatException.class, -10, "key", () -> JwtVerifier.fromJwks("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
          + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\","
          + "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}]}", EnumSet.of(Algorithm.ES256), null));
      expect(MalformedTokenException.class, -20, "malformed", () -> Key.fromJwk("{\"kty\":\"oct\\u0000x\",\"k\":\"AAAA\"}"));
      InvalidTokenException family = assertThrows(InvalidTokenException.class, () -> Jwt.decode(expired, key, hs, null));
      assertFalse(family.isTransient());
    }
  }

  @Test
  void wrongPassphraseIsNamedButNotShown() {
    try (Key key = Key.generateEc("P-256")) {
      String pem = key.privatePem("Tr0ub4dor-kept".toCharArray());
      PassphraseException e = expect(PassphraseException.class, -12, "passphrase",
          () -> Key.fromPem(pem, "Tr0ub4dor-guess".toCharArray()));
      assertFalse(e.getMessage().contains("Tr0ub4dor"));
      assertTrue(e instanceof KeyFormatException);
      expect(PassphraseException.class, -12, "passphrase", () -> Key.fromPem(pem, null));
    }
  }

  @Test
  void argumentsCheckedBeforeTheNativeCall() {
    try (Key key = Key.generateHmac(32)) {
      String token = Jwt.encode(Claims.builder().issuer("a").build(), key, null, null);
      assertThrows(IllegalArgumentException.class, () -> Jwt.decode(token, key, EnumSet.of(Algorithm.HS256),
          DecodeOptions.builder().issuer("a\0evil").build()));
      assertThrows(IllegalArgumentException.class, () -> Jwt.decode(token, key, EnumSet.noneOf(Algorithm.class), null));
      assertThrows(IllegalArgumentException.class, () -> Key.fromPem("x", "a\0b".toCharArray()));
      assertThrows(IllegalArgumentException.class, () -> Algorithm.fromJoseName("none"));
    }
  }

  @Test
  void secretsNeverInToString() {
    byte[] secret = "super-secret-hmac-key-0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (Key hmac = Key.hmac(secret); Key rsa = Key.generateRsa(2048)) {
      String jwk = rsa.privateJwk();
      String d = jwk.substring(jwk.indexOf("\"d\":\"") + 5, jwk.indexOf("\"d\":\"") + 30);
      for (String s : new String[] {hmac.toString(), rsa.toString()}) {
        assertFalse(s.contains("super-secret") || s.contains("c3VwZXI") || s.contains(d), s);
      }
      assertEquals("Key[OCT, 256 bits, private]", hmac.toString());
      Claims claims = Claims.builder().claim("password", "hunter2").build();
      assertFalse(claims.toString().contains("hunter2"));
      M2mauthException e = assertThrows(M2mauthException.class,
          () -> Jwt.decode("super-secret.x.y", hmac, EnumSet.of(Algorithm.HS256), null));
      assertFalse(e.toString().contains("super-secret"));
    }
  }
}
