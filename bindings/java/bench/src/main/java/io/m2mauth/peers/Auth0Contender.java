package io.m2mauth.peers;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.JWTVerifier;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;

/** auth0 java-jwt: JWT.create() per token, one JWTVerifier (iss, aud, exp required) made once. No EdDSA. */
final class Auth0Contender implements Fixture.Contender {
  private final Algorithm alg;
  private final JWTVerifier verifier;

  Auth0Contender(String name) {
    switch (name) {
      case "HS256":
        alg = Algorithm.HMAC256(Fixture.SECRET);
        break;
      case "RS256":
        alg = Algorithm.RSA256((RSAPublicKey) Fixture.publicKey(name), (RSAPrivateKey) Fixture.privateKey(name));
        break;
      case "ES256":
        alg = Algorithm.ECDSA256((ECPublicKey) Fixture.publicKey(name), (ECPrivateKey) Fixture.privateKey(name));
        break;
      default:
        throw new IllegalArgumentException("auth0 java-jwt has no " + name);
    }
    verifier = JWT.require(alg).withIssuer(Fixture.ISS).withAudience(Fixture.AUD).withClaimPresence("exp").build();
  }

  @Override
  public String sign() {
    return JWT.create().withIssuer(Fixture.ISS).withSubject(Fixture.ISS).withAudience(Fixture.AUD)
        .withIssuedAt(Fixture.IAT_DATE).withExpiresAt(Fixture.EXP_DATE).withJWTId(Fixture.JTI).sign(alg);
  }

  @Override
  public Object verify(String token) {
    return verifier.verify(token);
  }
}
