package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** DPoP (RFC 9449): proof keys, and a DPoP-bound token from oidc-provider used at a nonce-checking resource server. */
@LoopbackTest
class DPoPTest {
  @Test
  void proofKeysAndProofs() {
    try (DPoP d = DPoP.generate(); Key ed = Key.generateEd25519(); DPoP e = DPoP.of(ed, null)) {
      assertEquals(43, d.thumbprint().length());
      assertTrue(d.publicJwk().contains("\"crv\":\"P-256\""));
      assertFalse(d.publicJwk().contains("\"d\""));
      String proof = e.proof("GET", "https://Example.com:443/x?y#z", "tok", "n1");
      String[] parts = proof.split("\\.");
      String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
      assertTrue(claims.contains("\"htu\":\"https://example.com/x\""), claims);
      assertTrue(claims.contains("\"nonce\":\"n1\"") && claims.contains("\"ath\":"), claims);
      String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
      assertTrue(header.contains("\"typ\":\"dpop+jwt\"") && header.contains("\"alg\":\"EdDSA\""), header);
      assertEquals("DPoP[jkt=" + d.thumbprint() + "]", d.toString());
    }
    try (Key hmac = Key.generateHmac(32)) {
      KeyTypeException x = assertThrows(KeyTypeException.class, () -> DPoP.of(hmac, null));
      assertEquals("key_type", x.getName());
    }
  }

  @Test
  void dpopBoundTokenAtANonceResourceServer() {
    LoopbackServers s = LoopbackServers.get();
    try (Http http = OAuth2Test.loopbackHttp(); DPoP d = DPoP.generate();
        TokenClient client = TokenClient.builder(s.field("oidc", "token_endpoint"), "svc-basic").http(http)
            .clientSecret(LoopbackServers.secret("svc-basic")).dpop(d).build();
        TokenManager m = TokenManager.create(client)) {
      assertEquals("DPoP", m.token().tokenType());
      Response r = m.request(Request.get(s.field("rsn", "api_url") + "/java"));
      assertEquals(200, r.status(), r.bodyText());
      assertTrue(r.bodyText().contains("\"scheme\": \"DPoP\""));
    }
  }
}
