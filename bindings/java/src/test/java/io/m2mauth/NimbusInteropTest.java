package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interop with Nimbus JOSE+JWT, an independent implementation, in both directions for every algorithm.
 * Keys cross as JWK JSON.
 */
class NimbusInteropTest {
  static JWSSigner signer(JWK jwk) throws Exception {
    if (jwk instanceof RSAKey) {
      return new RSASSASigner((RSAKey) jwk);
    }
    if (jwk instanceof ECKey) {
      return new ECDSASigner((ECKey) jwk);
    }
    if (jwk instanceof OctetKeyPair) {
      return new Ed25519Signer((OctetKeyPair) jwk);
    }
    return new MACSigner((OctetSequenceKey) jwk);
  }

  static JWSVerifier verifier(JWK jwk) throws Exception {
    if (jwk instanceof RSAKey) {
      return new RSASSAVerifier(((RSAKey) jwk).toPublicJWK());
    }
    if (jwk instanceof ECKey) {
      return new ECDSAVerifier(((ECKey) jwk).toPublicJWK());
    }
    if (jwk instanceof OctetKeyPair) {
      return new Ed25519Verifier(((OctetKeyPair) jwk).toPublicJWK());
    }
    return new MACVerifier((OctetSequenceKey) jwk);
  }

  static JWK nimbusKey(Algorithm alg) throws Exception {
    switch (alg) {
      case HS256: return new OctetSequenceKeyGenerator(256).generate();
      case HS384: return new OctetSequenceKeyGenerator(384).generate();
      case HS512: return new OctetSequenceKeyGenerator(512).generate();
      case ES256: return new ECKeyGenerator(Curve.P_256).generate();
      case ES384: return new ECKeyGenerator(Curve.P_384).generate();
      case ES512: return new ECKeyGenerator(Curve.P_521).generate();
      case EdDSA: return new OctetKeyPairGenerator(Curve.Ed25519).generate();
      default: return new RSAKeyGenerator(2048).generate();
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void m2mauthSignsNimbusVerifies(Algorithm alg) throws Exception {
    try (Key key = Keys.forAlgorithm(alg)) {
      JWK jwk = JWK.parse(key.privateJwk());
      String token = Jwt.encode(Claims.builder().issuer("m2mauth").subject("svc").audience("peer")
          .issuedNowFor(Duration.ofMinutes(1)).claim("n", 7L).build(), key, alg, Header.builder().keyId("k1").build());
      SignedJWT jwt = SignedJWT.parse(token);
      assertEquals(JWSAlgorithm.parse(alg.joseName()), jwt.getHeader().getAlgorithm());
      assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
      assertEquals("k1", jwt.getHeader().getKeyID());
      assertTrue(jwt.verify(verifier(jwk)), "Nimbus refused m2mauth's " + alg);
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      assertEquals("m2mauth", claims.getIssuer());
      assertEquals(7L, claims.getLongClaim("n"));
      assertTrue(claims.getExpirationTime().after(new Date()));

      byte[] payload = "raw \u00e9 payload".getBytes(StandardCharsets.UTF_8);
      JWSObject jws = JWSObject.parse(Jws.sign(payload, key, alg, null));
      assertTrue(jws.verify(verifier(jwk)));
      assertArrayEquals(payload, jws.getPayload().toBytes());
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void nimbusSignsM2mauthVerifies(Algorithm alg) throws Exception {
    JWK jwk = nimbusKey(alg);
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.parse(alg.joseName())).type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(header, new JWTClaimsSet.Builder().issuer("nimbus").subject("peer")
        .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build());
    jwt.sign(signer(jwk));
    String token = jwt.serialize();
    String verifyJwk = jwk instanceof OctetSequenceKey ? jwk.toJSONString() : jwk.toPublicJWK().toJSONString();
    try (Key key = Key.fromJwk(verifyJwk)) {
      Claims claims = Jwt.decode(token, key, EnumSet.of(alg),
          DecodeOptions.builder().issuer("nimbus").type("JWT").requiredClaims("exp").build());
      assertEquals("peer", claims.subject());

      JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.parse(alg.joseName())), new Payload("hello"));
      jws.sign(signer(jwk));
      assertEquals("hello", new String(Jws.verify(jws.serialize(), key, EnumSet.of(alg)), StandardCharsets.UTF_8));

      String tampered = token.substring(0, token.lastIndexOf('.') + 1)
          + (token.charAt(token.lastIndexOf('.') + 1) == 'A' ? 'B' : 'A') + token.substring(token.lastIndexOf('.') + 2);
      assertThrows(InvalidTokenException.class, () -> Jwt.decode(tampered, key, EnumSet.of(alg), null));
    }
  }
}
