package io.m2mauth.peers;

import io.m2mauth.Algorithm;
import io.m2mauth.DecodeOptions;
import io.m2mauth.Jwt;
import io.m2mauth.JwtVerifier;
import io.m2mauth.Key;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** m2mauth: Jwt.encode of a claims map; a JwtVerifier made once (iss, aud, exp required). */
final class M2mauthContender implements Fixture.Contender {
  private final Key key;
  private final Algorithm alg;
  private final JwtVerifier verifier;

  M2mauthContender(String name) {
    alg = Algorithm.fromJoseName(name);
    Key pub;
    if (name.equals("HS256")) {
      key = Key.hmac(Fixture.SECRET);
      pub = key;
    } else {
      key = Key.fromPem(Fixture.pem(name, false));
      pub = Key.fromPem(Fixture.pem(name, true));
    }
    verifier = JwtVerifier.create(pub, Set.of(alg),
        DecodeOptions.builder().issuer(Fixture.ISS).audience(Fixture.AUD).requiredClaims("exp").build());
  }

  @Override
  public String sign() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", Fixture.ISS);
    c.put("sub", Fixture.ISS);
    c.put("aud", Fixture.AUD);
    c.put("iat", Fixture.IAT);
    c.put("exp", Fixture.EXP);
    c.put("jti", Fixture.JTI);
    return Jwt.encode(c, key, alg, null);
  }

  @Override
  public Object verify(String token) {
    return verifier.verify(token);
  }
}
