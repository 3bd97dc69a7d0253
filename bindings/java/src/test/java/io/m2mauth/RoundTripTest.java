package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class RoundTripTest {
  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void jwtRoundTripEveryAlgorithm(Algorithm alg) {
    try (Key key = Keys.forAlgorithm(alg); Key pub = Keys.verifierFor(key)) {
      Claims claims = Claims.builder()
          .issuer("m2mauth-client").subject("svc").audience("https://api.example.com")
          .issuedNowFor(Duration.ofMinutes(5)).randomJwtId().claim("scope", "read write").build();
      String token = Jwt.encode(claims, key, alg, null);
      Claims back = Jwt.decode(token, pub, EnumSet.of(alg), DecodeOptions.builder()
          .issuer("m2mauth-client").audience("https://api.example.com").requiredClaims("exp", "jti").build());
      assertEquals(claims, back);
      assertEquals("svc", back.subject());
      assertTrue(back.headerJson().contains("\"alg\":\"" + alg.joseName() + "\""));
      assertTrue(back.headerJson().contains("\"typ\":\"JWT\""));
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void jwsRoundTripEveryAlgorithm(Algorithm alg) {
    byte[] payload = "payload \u00e9\u20ac\ud83d\ude00 \u0000 binary".getBytes(StandardCharsets.UTF_8);
    try (Key key = Keys.forAlgorithm(alg); Key pub = Keys.verifierFor(key)) {
      String token = Jws.sign(payload, key, alg, Header.builder().keyId("k1").contentType("text/plain").build());
      assertArrayEquals(payload, Jws.verify(token, pub, EnumSet.of(alg)));
      assertEquals(3, token.split("\\.", -1).length);
    }
  }

  @Test
  void mapClaimsKeepTypesAndOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sub", "x\u00e9\ud83d\ude00");
    m.put("n", 42L);
    m.put("ok", true);
    m.put("list", java.util.List.of("a", "b"));
    m.put("obj", Map.of("k", "v"));
    m.put("exp", Instant.now().plusSeconds(60));
    try (Key key = Key.generateHmac(32)) {
      String token = Jwt.encode(m, key, Algorithm.HS256, null);
      Claims c = Jwt.decode(token, key, EnumSet.of(Algorithm.HS256), DecodeOptions.defaults());
      assertEquals("x\u00e9\ud83d\ude00", c.getString("sub"));
      assertEquals(42L, c.getLong("n"));
      assertEquals(Boolean.TRUE, c.get("ok"));
      assertEquals(java.util.List.of("a", "b"), c.get("list"));
      assertEquals(Map.of("k", "v"), c.get("obj"));
      assertEquals(java.util.List.of("sub", "n", "ok", "list", "obj", "exp"),
          new java.util.ArrayList<>(c.asMap().keySet()));
    }
  }

  @Test
  void keyExportImport() {
    char[] pass = "correct horse \u00e9".toCharArray();
    for (Algorithm alg : new Algorithm[] {Algorithm.RS256, Algorithm.ES384, Algorithm.EdDSA}) {
      try (Key key = Keys.forAlgorithm(alg)) {
        String token = Jws.sign("x", key, alg, null);
        try (Key fromPem = Key.fromPem(key.publicPem());
            Key fromJwk = Key.fromJwk(key.publicJwk());
            Key priv = Key.fromPem(key.privatePem(null));
            Key enc = Key.fromPem(key.privatePem(pass), pass);
            Key privJwk = Key.fromJwk(key.privateJwk());
            Key der = Key.fromDer(key.publicDer(), null)) {
          for (Key k : new Key[] {fromPem, fromJwk, priv, enc, privJwk, der}) {
            assertEquals("x", new String(Jws.verify(token, k, EnumSet.of(alg)), StandardCharsets.UTF_8));
            assertEquals(key.thumbprint(), k.thumbprint());
            assertEquals(key.type(), k.type());
          }
          assertFalse(fromPem.hasPrivate());
          assertTrue(enc.hasPrivate());
          assertThrows(PassphraseException.class, () -> Key.fromPem(key.privatePem(pass), "wrong".toCharArray()));
        }
      }
    }
  }

  @Test
  void jwkAlgBindsTheKey() {
    try (Key rsa = Key.generateRsa(2048);
        Key bound = Key.fromJwk(rsa.publicJwk().replace("{", "{\"alg\":\"PS256\","))) {
      assertEquals(Algorithm.PS256, bound.defaultAlgorithm());
      assertTrue(bound.publicJwk().contains("\"alg\":\"PS256\""));
      String rs256 = Jwt.encodeJson("{\"sub\":\"x\"}", rsa, Algorithm.RS256, null);
      String ps256 = Jwt.encodeJson("{\"sub\":\"x\"}", rsa, Algorithm.PS256, null);
      Set<Algorithm> both = EnumSet.of(Algorithm.RS256, Algorithm.PS256);
      assertThrows(AlgorithmException.class, () -> Jwt.decode(rs256, bound, both, null));
      assertEquals("x", Jwt.decode(ps256, bound, both, null).subject());
      assertThrows(UnsupportedException.class,
          () -> Key.fromJwk(rsa.publicJwk().replace("{", "{\"alg\":\"RSA-OAEP\",")));
    }
  }

  @Test
  void keyInspection() {
    try (Key rsa = Key.generateRsa(2048); Key ec = Key.generateEc("P-521"); Key ed = Key.generateEd25519();
        Key hmac = Key.hmac(new byte[48]); Key kid = ec.withKid("my-kid")) {
      assertEquals(KeyType.RSA, rsa.type());
      assertEquals(2048, rsa.bits());
      assertEquals("", rsa.curve());
      assertEquals(Algorithm.RS256, rsa.defaultAlgorithm());
      assertEquals("P-521", ec.curve());
      assertEquals(Algorithm.ES512, ec.defaultAlgorithm());
      assertEquals(KeyType.OKP, ed.type());
      assertEquals(KeyType.OCT, hmac.type());
      assertEquals(384, hmac.bits());
      assertEquals("my-kid", kid.kid());
      assertTrue(kid.publicJwk().contains("\"kid\":\"my-kid\""));
      assertTrue(Jws.sign("p", kid, null, null).startsWith("eyJ"));
      assertThrows(KeyTypeException.class, hmac::publicJwk);
    }
  }

  @Test
  void certificateRoundTrip() {
    try (Key key = Key.generateEc("P-256"); Certificate cert = Certificate.selfSigned(key, "client", 30);
        Certificate again = Certificate.fromPem(cert.pem()); Key pub = cert.publicKey()) {
      assertEquals("CN=client", cert.subject());
      assertEquals(cert.fingerprint(Certificate.Hash.SHA256, Certificate.FingerprintFormat.HEX),
          again.fingerprint(Certificate.Hash.SHA256, Certificate.FingerprintFormat.HEX));
      assertTrue(cert.notAfter().isAfter(Instant.now().plus(Duration.ofDays(29))));
      assertEquals(key.thumbprint(), pub.thumbprint());
      String token = Jws.sign("x", key, Algorithm.ES256, Header.builder()
          .certificate(cert, Header.CertMember.X5T_S256, Header.CertMember.X5C).build());
      String header = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
      assertTrue(header.contains("\"x5t#S256\":\""
          + cert.fingerprint(Certificate.Hash.SHA256, Certificate.FingerprintFormat.BASE64URL) + "\""), header);
      assertTrue(header.contains("\"x5c\":["), header);
    }
  }

  @Test
  void jwksOfSeveralKeys() {
    try (Key a = Key.generateRsa(2048).withKid("a"); Key b = Key.generateEd25519().withKid("b");
        Key hmac = Key.generateHmac(32)) {
      String set = Key.jwks(a, b);
      assertEquals(2, Key.jwks(a, a).split("\"kid\":\"a\"", -1).length - 1);
      for (Key k : new Key[] {a, b}) {
        try (Key got = Key.fromJwks(set, k.kid())) {
          assertEquals(k.thumbprint(), got.thumbprint());
          assertFalse(got.hasPrivate());
        }
      }
      assertEquals("{\"keys\":[]}", Key.jwks());
      assertThrows(KeyTypeException.class, () -> Key.jwks(a, hmac));
      hmac.close();
      assertThrows(IllegalStateException.class, () -> Key.jwks(a, hmac));
    }
  }

  @Test
  void versionAgrees() {
    assertEquals(M2mauth.bindingVersionNumber(), M2mauth.versionNumber());
    assertTrue(M2mauth.version().matches("\\d+\\.\\d+\\.\\d+"));
    assertEquals(16, M2mauth.randomBytes(16).length);
  }
}
