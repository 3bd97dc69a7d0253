package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.m2mauth.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class VectorsTest {
  @Test
  void everyKeyFormLoadsToTheSameKey() {
    Map<String, Object> keys = Vectors.map(Vectors.load().get("keys"));
    int checked = 0;
    for (String name : keys.keySet()) {
      Map<String, Object> k = Vectors.key(name);
      char[] pass = k.containsKey("passphrase") ? ((String) k.get("passphrase")).toCharArray() : null;
      Map<String, Supplier<Key>> forms = new LinkedHashMap<>();
      forms.put("private_jwk", () -> Key.fromJwk(Json.write(k.get("private_jwk"))));
      if (k.containsKey("public_jwk")) {
        forms.put("public_jwk", () -> Key.fromJwk(Json.write(k.get("public_jwk"))));
      }
      for (String f : new String[] {"pkcs8_pem", "spki_pem", "pkcs1_pem", "pkcs1_public_pem", "sec1_pem", "sec1_with_params_pem"}) {
        if (k.containsKey(f)) {
          forms.put(f, () -> Key.fromPem((String) k.get(f)));
        }
      }
      for (String f : new String[] {"pkcs8_encrypted_pem", "pkcs1_encrypted_pem"}) {
        if (k.containsKey(f)) {
          forms.put(f, () -> Key.fromPem((String) k.get(f), pass));
        }
      }
      for (String f : new String[] {"pkcs8_der_b64", "spki_der_b64", "pkcs1_der_b64", "pkcs1_public_der_b64", "sec1_der_b64", "pkcs8_encrypted_der_b64"}) {
        if (k.containsKey(f)) {
          byte[] der = Base64.getDecoder().decode((String) k.get(f));
          forms.put(f, () -> Key.fromDer(der, f.contains("encrypted") ? pass : null));
        }
      }
      if (k.containsKey("secret_b64url")) {
        forms.put("secret", () -> Key.hmac(Base64.getUrlDecoder().decode((String) k.get("secret_b64url"))));
      }
      for (Map.Entry<String, Supplier<Key>> e : forms.entrySet()) {
        try (Key key = e.getValue().get()) {
          assertEquals(k.get("thumbprint"), key.thumbprint(), name + " " + e.getKey());
          checked++;
        }
      }
    }
    assertTrue(checked > 40, "checked " + checked);
  }

  private static void checkJwsCase(Map<String, Object> c, Key key, Key pub) {
    String name = (String) c.get("name");
    String token = (String) c.get("token");
    assertEquals(c.get("protected_b64") + "." + c.get("payload_b64"), c.get("signing_input"), name);
    assertEquals(c.get("signing_input") + "." + c.get("signature_b64"), token, name);
    byte[] protectedHeader = ((String) c.get("protected")).getBytes(StandardCharsets.UTF_8);
    byte[] payload = ((String) c.get("payload")).getBytes(StandardCharsets.UTF_8);
    if (Boolean.TRUE.equals(c.get("deterministic"))) {
      String got = Jws.signWithProtectedHeader(protectedHeader, payload, key);
      String[] p = got.split("\\.", -1);
      assertEquals(c.get("protected_b64"), p[0], name + ": protected step");
      assertEquals(c.get("payload_b64"), p[1], name + ": payload step");
      assertEquals(c.get("signature_b64"), p[2], name + ": signature step");
    }
    Algorithm alg = Algorithm.fromJoseName((String) c.get("alg"));
    assertArrayEquals(payload, Jws.verify(token, pub, EnumSet.of(alg)), name);
  }

  @Test
  void jwsCasesReproduceAndVerify() {
    for (Object o : Vectors.list(Vectors.load().get("jws"))) {
      Map<String, Object> c = Vectors.map(o);
      String keyName = (String) c.get("key");
      boolean hasPublic = Vectors.key(keyName).containsKey("spki_pem");
      try (Key key = Vectors.loadKey(keyName); Key pub = Vectors.loadKey(hasPublic ? keyName + ":public" : keyName)) {
        checkJwsCase(c, key, pub);
        String name = (String) c.get("name");
        if (name.startsWith("jwt-") && Boolean.TRUE.equals(c.get("deterministic"))) {
          try (Key withKid = key.withKid(keyName)) {
            assertEquals(c.get("token"), Jwt.encodeJson((String) c.get("payload"), withKid,
                Algorithm.fromJoseName((String) c.get("alg")), null), name + " through the JWT API");
          }
        }
      }
    }
  }

  @Test
  void rfcCases() {
    for (Object o : Vectors.list(Vectors.load().get("rfc"))) {
      Map<String, Object> c = Vectors.map(o);
      try (Key key = Key.fromJwk(Json.write(c.get("jwk")))) {
        checkJwsCase(c, key, key);
      }
    }
  }

  @Test
  void thumbprints() {
    for (Object o : Vectors.list(Vectors.load().get("thumbprints"))) {
      Map<String, Object> c = Vectors.map(o);
      try (Key key = Key.fromJwk(Json.write(c.get("jwk")))) {
        assertEquals(c.get("thumbprint"), key.thumbprint(), (String) c.get("name"));
      }
    }
  }

  @Test
  void mustFail() {
    List<String> wrong = new ArrayList<>();
    for (Object o : Vectors.list(Vectors.load().get("must_fail"))) {
      Map<String, Object> c = Vectors.map(o);
      try (Key key = Vectors.loadKey((String) c.get("key"))) {
        Jws.verify((String) c.get("token"), key, EnumSet.copyOf(Arrays.asList(Vectors.algorithms(c.get("allowed")))));
        wrong.add(c.get("name") + ": accepted");
      } catch (M2mauthException e) {
        if (!e.getName().equals(c.get("error"))) {
          wrong.add(c.get("name") + ": " + e.getName() + ", want " + c.get("error"));
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void jwtVerifierCases() {
    List<String> wrong = new ArrayList<>();
    for (Object o : Vectors.list(Vectors.load().get("jwt"))) {
      Map<String, Object> c = Vectors.map(o);
      Map<String, Object> v = Vectors.map(c.get("verifier"));
      DecodeOptions.Builder b = DecodeOptions.builder().at(Instant.ofEpochSecond((Long) v.get("now")));
      if (v.containsKey("leeway")) {
        b.leeway(Duration.ofSeconds((Long) v.get("leeway")));
      }
      if (v.containsKey("issuer")) {
        b.issuer((String) v.get("issuer"));
      }
      if (v.containsKey("subject")) {
        b.subject((String) v.get("subject"));
      }
      if (v.containsKey("audience")) {
        b.audience(Vectors.list(v.get("audience")).toArray(new String[0]));
      }
      if (v.containsKey("require")) {
        b.requiredClaims(Vectors.list(v.get("require")).toArray(new String[0]));
      }
      if (v.containsKey("typ")) {
        b.type((String) v.get("typ"));
      }
      if (v.containsKey("max_size")) {
        b.maxSize((Long) v.get("max_size"));
      }
      Object want = c.get("error");
      try (Key key = Vectors.loadKey((String) c.get("key"))) {
        Claims claims = Jwt.decode((String) c.get("token"), key,
            EnumSet.copyOf(Arrays.asList(Vectors.algorithms(c.get("allowed")))), b.build());
        if (want != null) {
          wrong.add(c.get("name") + ": accepted, want " + want);
        } else if (!claims.asMap().equals(Json.parseObject((String) c.get("claims")))) {
          wrong.add(c.get("name") + ": claims " + claims.toJson());
        }
      } catch (M2mauthException e) {
        if (!e.getName().equals(want)) {
          wrong.add(c.get("name") + ": " + e.getName() + ", want " + want);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void certificates() {
    Map<String, Object> certs = Vectors.map(Vectors.load().get("certificates"));
    if (certs.isEmpty()) {
      fail("no certificates in the vectors");
    }
    for (Map.Entry<String, Object> e : certs.entrySet()) {
      Map<String, Object> c = Vectors.map(e.getValue());
      try (Certificate pem = Certificate.fromPem((String) c.get("pem"));
          Certificate der = Certificate.fromDer(Base64.getDecoder().decode((String) c.get("der_b64")));
          Key pub = pem.publicKey()) {
        for (Certificate cert : new Certificate[] {pem, der}) {
          assertEquals(c.get("openssl_sha1_fingerprint"),
              cert.fingerprint(Certificate.Hash.SHA1, Certificate.FingerprintFormat.HEX_COLONS), e.getKey());
          assertEquals(c.get("openssl_sha256_fingerprint"),
              cert.fingerprint(Certificate.Hash.SHA256, Certificate.FingerprintFormat.HEX_COLONS), e.getKey());
          assertEquals(c.get("sha1_hex"), cert.fingerprint(Certificate.Hash.SHA1, Certificate.FingerprintFormat.HEX));
          assertEquals(c.get("sha256_hex"), cert.fingerprint(Certificate.Hash.SHA256, Certificate.FingerprintFormat.HEX));
          assertEquals(c.get("x5t"), cert.fingerprint(Certificate.Hash.SHA1, Certificate.FingerprintFormat.BASE64URL));
          assertEquals(c.get("x5t#S256"), cert.fingerprint(Certificate.Hash.SHA256, Certificate.FingerprintFormat.BASE64URL));
          assertEquals(c.get("subject_rfc2253"), cert.subject());
          assertEquals(Instant.ofEpochSecond((Long) c.get("not_after")), cert.notAfter());
        }
        assertEquals(Vectors.key((String) c.get("key")).get("thumbprint"), pub.thumbprint());
      }
    }
  }
}
