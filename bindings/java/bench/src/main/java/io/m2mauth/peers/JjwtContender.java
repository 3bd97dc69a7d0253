package io.m2mauth.peers;

import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import java.security.Key;
import java.util.Map;

/** jjwt: Jwts.builder() per token, one JwtParser (verifyWith, requireIssuer, requireAudience) made once. */
final class JjwtContender implements Fixture.Contender {
  private final Key signKey;
  @SuppressWarnings("rawtypes")
  private final SecureDigestAlgorithm alg;
  private final JwtParser parser;

  JjwtContender(String name) {
    Map<String, SecureDigestAlgorithm<?, ?>> algs =
        Map.of("HS256", Jwts.SIG.HS256, "RS256", Jwts.SIG.RS256, "ES256", Jwts.SIG.ES256, "EdDSA", Jwts.SIG.EdDSA);
    alg = algs.get(name);
    if (name.equals("HS256")) {
      javax.crypto.SecretKey k = Keys.hmacShaKeyFor(Fixture.SECRET);
      signKey = k;
      parser = Jwts.parser().verifyWith(k).requireIssuer(Fixture.ISS).requireAudience(Fixture.AUD).build();
    } else {
      signKey = Fixture.privateKey(name);
      parser = Jwts.parser().verifyWith(Fixture.publicKey(name)).requireIssuer(Fixture.ISS)
          .requireAudience(Fixture.AUD).build();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public String sign() {
    return Jwts.builder().issuer(Fixture.ISS).subject(Fixture.ISS).audience().single(Fixture.AUD)
        .issuedAt(Fixture.IAT_DATE).expiration(Fixture.EXP_DATE).id(Fixture.JTI).signWith(signKey, alg).compact();
  }

  @Override
  public Object verify(String token) {
    io.jsonwebtoken.Claims c = parser.parseSignedClaims(token).getPayload();
    if (c.getExpiration() == null) throw new IllegalStateException("no exp");
    return c;
  }
}
