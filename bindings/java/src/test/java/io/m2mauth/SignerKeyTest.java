package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Signer keys: the private key stays in a java.security KeyPair ("the KMS"); Nimbus verifies. */
class SignerKeyTest {
  private static Key publicOf(KeyPair pair) {
    String b64 = Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded());
    return Key.fromPem("-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
  }

  private static Signer jca(KeyPair pair, AtomicInteger calls) {
    return (alg, data) -> {
      calls.incrementAndGet();
      String name = alg.equals("RS256") ? "SHA256withRSA" : alg.equals("ES256") ? "SHA256withECDSA" : "Ed25519";
      Signature s = Signature.getInstance(name);
      s.initSign(pair.getPrivate());
      s.update(data);
      return s.sign(); // ECDSA: DER, as a KMS answers
    };
  }

  @Test
  void rsaAndEcSignerKeysSignTokensNimbusAccepts() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaPair = rsa.generateKeyPair();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ecPair = ec.generateKeyPair();
    AtomicInteger calls = new AtomicInteger();
    try (Key pub = publicOf(rsaPair); Key key = Key.fromSigner(pub, Algorithm.RS256, jca(rsaPair, calls))) {
      assertTrue(key.isSigner());
      assertFalse(pub.isSigner());
      String token = Jwt.encode(Map.of("sub", "svc"), key, Algorithm.RS256, null);
      assertTrue(JWSObject.parse(token).verify(new RSASSAVerifier((RSAPublicKey) rsaPair.getPublic())));
      assertThrows(KeyTypeException.class, () -> key.privatePem(null));
    }
    try (Key pub = publicOf(ecPair); Key key = Key.fromSigner(pub, jca(ecPair, calls))) {
      String token = Jwt.encode(Map.of("sub", "svc"), key, Algorithm.ES256, null);
      assertTrue(JWSObject.parse(token).verify(new ECDSAVerifier((ECPublicKey) ecPair.getPublic())));
      assertEquals("svc", Jwt.decode(token, pub, Algorithm.setOf(Algorithm.ES256), null).subject());
    }
    assertEquals(2, calls.get());
  }

  @Test
  void anExceptionInTheSignerIsASignerExceptionWithItsMessage() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    try (Key pub = publicOf(pair);
        Key key = Key.fromSigner(pub, (alg, data) -> {
          throw new IllegalStateException("vault sealed\n\u001b[2J");
        })) {
      SignerException e =
          assertThrows(SignerException.class, () -> Jwt.encode(Map.of("sub", "svc"), key, Algorithm.EdDSA, null));
      assertEquals(-14, e.getCode());
      assertTrue(e.getMessage().contains("IllegalStateException: vault sealed\\n\\x1B[2J"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
      assertTrue(e instanceof BadKeyException);
    }
    try (Key pub = publicOf(pair); Key key = Key.fromSigner(pub, (alg, data) -> null)) {
      assertThrows(SignerException.class, () -> Jwt.encode(Map.of("sub", "svc"), key, Algorithm.EdDSA, null));
    }
  }
}
