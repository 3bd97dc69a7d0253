package io.m2mauth.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Date;

/** What every contender signs and checks, and the repository's test keys (tests/servers/keys). */
final class Fixture {
  static final String ISS = "bmp.digital.api.partner";
  static final String AUD = "https://auth.example.com/connect/token";
  static final String JTI = "8c1b0e9c-7a51-4a53-9b9a-3f0c3c4d7f00";
  static final long IAT = 1700000000L;
  static final long EXP = 4102444800L;
  static final Date IAT_DATE = new Date(IAT * 1000);
  static final Date EXP_DATE = new Date(EXP * 1000);
  static final byte[] SECRET = "m2mauth-bench-hs256-secret-32byt".getBytes(StandardCharsets.US_ASCII);

  private Fixture() {}

  /** A signer and verifier of one library for one algorithm; keys are parsed once, in the constructor. */
  interface Contender {
    String sign();

    Object verify(String token);
  }

  static Path keyDir() {
    String dir = System.getProperty("m2mauth.bench.keys");
    if (dir == null) throw new IllegalStateException("-Dm2mauth.bench.keys=<repo>/tests/servers/keys is needed");
    return Path.of(dir);
  }

  static String fileName(String alg) {
    switch (alg) {
      case "RS256": return "rsa2048";
      case "ES256": return "ec-p256";
      case "EdDSA": return "ed25519";
      default: throw new IllegalArgumentException(alg);
    }
  }

  static String pem(String alg, boolean pub) {
    try {
      return Files.readString(keyDir().resolve(fileName(alg) + (pub ? ".pub.pem" : ".pem")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] der(String pem) {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  private static String jcaName(String alg) {
    return alg.equals("RS256") ? "RSA" : alg.equals("ES256") ? "EC" : "Ed25519";
  }

  static PrivateKey privateKey(String alg) {
    try {
      return KeyFactory.getInstance(jcaName(alg)).generatePrivate(new PKCS8EncodedKeySpec(der(pem(alg, false))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static PublicKey publicKey(String alg) {
    try {
      return KeyFactory.getInstance(jcaName(alg)).generatePublic(new X509EncodedKeySpec(der(pem(alg, true))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
