package io.m2mauth.peers;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import io.m2mauth.Key;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;

/** nimbus-jose-jwt: SignedJWT with a signer and verifier made once; DefaultJWTClaimsVerifier for iss, aud, exp. */
final class NimbusContender implements Fixture.Contender {
  private final JWSAlgorithm alg;
  private final JWSSigner signer;
  private final JWSVerifier verifier;
  private final DefaultJWTClaimsVerifier<?> claimsVerifier;
  private final JWSHeader header;

  NimbusContender(String name) {
    try {
      alg = JWSAlgorithm.parse(name);
      switch (name) {
        case "HS256":
          signer = new MACSigner(Fixture.SECRET);
          verifier = new MACVerifier(Fixture.SECRET);
          break;
        case "RS256":
          signer = new RSASSASigner(Fixture.privateKey(name));
          verifier = new RSASSAVerifier((RSAPublicKey) Fixture.publicKey(name));
          break;
        case "ES256":
          signer = new ECDSASigner((ECPrivateKey) Fixture.privateKey(name));
          verifier = new ECDSAVerifier((ECPublicKey) Fixture.publicKey(name));
          break;
        default: {
          // Nimbus takes Ed25519 keys as JWKs (OctetKeyPair) only.
          OctetKeyPair okp = OctetKeyPair.parse(Key.fromPem(Fixture.pem(name, false)).privateJwk());
          signer = new Ed25519Signer(okp);
          verifier = new Ed25519Verifier(okp.toPublicJWK());
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    header = new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build();
    claimsVerifier = new DefaultJWTClaimsVerifier<>(Fixture.AUD,
        new JWTClaimsSet.Builder().issuer(Fixture.ISS).build(), Set.of("exp"));
  }

  @Override
  public String sign() {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(Fixture.ISS).subject(Fixture.ISS).audience(Fixture.AUD)
        .issueTime(Fixture.IAT_DATE).expirationTime(Fixture.EXP_DATE).jwtID(Fixture.JTI).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  @Override
  public Object verify(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!jwt.getHeader().getAlgorithm().equals(alg) || !jwt.verify(verifier)) throw new IllegalStateException("bad signature");
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      claimsVerifier.verify(claims, null);
      return claims;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
