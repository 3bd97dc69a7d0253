package io.m2mauth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.m2mauth.ClientAuth;
import io.m2mauth.DPoP;
import io.m2mauth.Http;
import io.m2mauth.HttpOptions;
import io.m2mauth.Key;
import io.m2mauth.M2mauthException;
import io.m2mauth.Token;
import io.m2mauth.TokenClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TokenServerExtension.class)
class TokenServerTest {
  private static final String SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret!";

  private static TokenClient client(String url, String id, String secret) {
    return TokenClient.builder(url, id).clientSecret(secret.toCharArray()).build();
  }

  @Test
  void fetchFailsThenRecovers(TokenServer server) {
    server.addClient("svc", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
    server.failNext(1, 503, "temporarily_unavailable", Duration.ofSeconds(2));
    try (TokenClient c = client(server.tokenUrl(), "svc", SECRET)) {
      M2mauthException e = assertThrows(M2mauthException.class, c::fetch);
      assertEquals(503, e.getHttpStatus());
      assertEquals("temporarily_unavailable", e.getOauthError());
      assertEquals(2000, e.getRetryAfterMillis());
      assertTrue(e.isTransient());
      Token t = c.fetch();
      assertNotNull(t);
    }
    assertEquals(2, server.requests("token"));
    assertEquals(1, server.requests("failed"));
    assertEquals(1, server.requests("grant:client_credentials"));
    try (TokenClient wrong = client(server.tokenUrl(), "svc", "wrong")) {
      M2mauthException e = assertThrows(M2mauthException.class, wrong::fetch);
      assertEquals("invalid_client", e.getOauthError());
    }
  }

  @Test
  void privateKeyJwtAndJwtTokens() {
    try (Key key = Key.generateEc("P-256");
        TokenServer server = TokenServer.builder().jwtTokens("{\"tenant\":\"t1\"}").tokenLifetime(Duration.ofMinutes(1)).start()) {
      server.addClient("pk", AuthMethod.PRIVATE_KEY_JWT, key.publicPem());
      try (TokenClient c = TokenClient.builder(server.tokenUrl(), "pk").authMethod(ClientAuth.PRIVATE_KEY_JWT)
          .privateKey(key).build()) {
        Token t = c.fetch();
        assertEquals(3, t.accessToken().split("\\.").length);
        assertTrue(!t.toString().contains(t.accessToken()));
      }
      assertEquals(1, server.requests("token"));
    }
  }

  @Test
  void httpsWithItsCertificate() throws Exception {
    Path ca;
    try (TokenServer server = TokenServer.builder().tls().start()) {
      assertTrue(server.url().startsWith("https://127.0.0.1:"));
      server.addClient("svc", SECRET);
      ca = server.caFile();
      assertTrue(Files.readString(ca).startsWith("-----BEGIN CERTIFICATE-----"));
      try (Http http = Http.create(HttpOptions.builder().caFile(ca).build());
          TokenClient c = TokenClient.builder(server.tokenUrl(), "svc").clientSecret(SECRET.toCharArray()).http(http).build()) {
        assertNotNull(c.fetch());
      }
    }
    assertTrue(!Files.exists(ca));
  }

  @Test
  void dpopNonceIsAskedForAndTheClientRetriesOnce() {
    try (TokenServer server = TokenServer.builder().dpopNonce("java-nonce-0123").start();
        DPoP dpop = DPoP.generate()) {
      server.addClient("svc", SECRET);
      try (TokenClient c = TokenClient.builder(server.tokenUrl(), "svc").clientSecret(SECRET.toCharArray())
          .dpop(dpop).build()) {
        assertEquals("DPoP", c.fetch().tokenType());
        // The first proof (no nonce) was answered use_dpop_nonce; the client's one retry carried the nonce.
        assertEquals(1, server.requests("dpop_refused"));
        assertEquals(1, server.requests("dpop"));
        assertEquals(2, server.requests("token"));
        // The nonce is remembered: no second challenge.
        assertEquals("DPoP", c.fetch().tokenType());
        assertEquals(1, server.requests("dpop_refused"));
        assertEquals(2, server.requests("dpop"));
      }
    }
    for (String bad : new String[] {"has space", "quote\"", "n".repeat(1025)}) {
      M2mauthException e = assertThrows(M2mauthException.class, () -> TokenServer.builder().dpopNonce(bad).start());
      assertTrue(e.getMessage().contains("dpop_nonce"), e.getMessage());
      assertFalse(e.getMessage().contains(bad), e.getMessage());
    }
    IllegalArgumentException nul =
        assertThrows(IllegalArgumentException.class, () -> TokenServer.builder().dpopNonce("nul\0nonce").start());
    assertFalse(nul.getMessage().contains("nonce"), nul.getMessage());
  }

  @Test
  void argumentsAreChecked(TokenServer server) {
    assertThrows(M2mauthException.class, () -> server.addClient("x", AuthMethod.CLIENT_SECRET_BASIC, null));
    assertThrows(M2mauthException.class, () -> server.failNext(1, 200, null, null));
    assertThrows(IllegalArgumentException.class, () -> server.addClient("x", AuthMethod.TLS_CLIENT_AUTH, "y"));
    server.close();
    assertThrows(IllegalStateException.class, () -> server.requests("token"));
  }
}
