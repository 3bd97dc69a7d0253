package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.m2mauth.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 8693 token exchange against the strict loopback server tests/servers/exchange_server.py. */
@LoopbackTest
class TokenExchangeTest {
  private static Path dir;
  private static String url;

  private static Process harness(String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of("python3",
        LoopbackServers.serversDir().resolve("harness.py").toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("harness.log").toFile()).start();
  }

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("m2mauth-java-exchange-");
    Process p = harness("up", "--state", dir.resolve("state.json").toString(), "exchange",
        "--opt", "exchange.public_client=pub-x");
    assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0,
        new String(Files.readAllBytes(dir.resolve("harness.log")), StandardCharsets.UTF_8));
    Map<String, Object> state = Json.parseObject(
        new String(Files.readAllBytes(dir.resolve("state.json")), StandardCharsets.UTF_8));
    @SuppressWarnings("unchecked")
    Map<String, Object> servers = (Map<String, Object>) state.get("servers");
    @SuppressWarnings("unchecked")
    Map<String, Object> x = (Map<String, Object>) servers.get("exchange");
    url = (String) x.get("url");
  }

  @AfterAll
  static void stop() throws Exception {
    if (dir != null) {
      harness("down", "--state", dir.resolve("state.json").toString()).waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static TokenClient client(String id, ClientAuth auth) throws IOException {
    TokenClient.Builder b = TokenClient.builder(url + "/token", id).authMethod(auth);
    if (auth == ClientAuth.PRIVATE_KEY_JWT) {
      try (Key key = Key.fromFile(LoopbackServers.serversDir().resolve("keys/rsa2048.pem"), null)) {
        return b.privateKey(key).build();
      }
    }
    if (auth != ClientAuth.NONE) {
      b.clientSecret(LoopbackServers.secret(id));
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> last() {
    List<Object> all = (List<Object>) Json.parse(LoopbackServers.control(url + "/exchanges", "GET", null));
    return (Map<String, Object>) all.get(all.size() - 1);
  }

  private static long count() {
    return ((Number) Json.parseObject(LoopbackServers.control(url + "/count", "GET", null)).get("count")).longValue();
  }

  @Test
  void everyParameterAndEveryClientAuthentication() throws Exception {
    TokenExchange x = TokenExchange.builder("java-subject", TokenExchange.ACCESS_TOKEN)
        .actor("java-actor", TokenExchange.JWT).requestedTokenType(TokenExchange.ACCESS_TOKEN)
        .audience("a").audience("b").resource("https://api.example/r").scope("api.read").build();
    assertFalse(x.toString().contains("java-subject") || x.toString().contains("java-actor"));
    try (TokenClient c = client("svc-basic", ClientAuth.CLIENT_SECRET_BASIC)) {
      ExchangedToken t = c.exchange(x);
      assertEquals(TokenExchange.ACCESS_TOKEN, t.issuedTokenType());
      assertEquals("Bearer", t.tokenType());
      assertFalse(t.toString().contains(t.accessToken()));
      assertEquals("[[grant_type, urn:ietf:params:oauth:grant-type:token-exchange], [subject_token, java-subject], "
          + "[subject_token_type, urn:ietf:params:oauth:token-type:access_token], [actor_token, java-actor], "
          + "[actor_token_type, urn:ietf:params:oauth:token-type:jwt], "
          + "[requested_token_type, urn:ietf:params:oauth:token-type:access_token], [audience, a], [audience, b], "
          + "[resource, https://api.example/r], [scope, api.read]]", String.valueOf(last().get("form")));
    }
    for (Object[] k : new Object[][] {{"svc-post", ClientAuth.CLIENT_SECRET_POST}, {"svc-jwt", ClientAuth.CLIENT_SECRET_JWT},
        {"svc-rs256", ClientAuth.PRIVATE_KEY_JWT}, {"pub-x", ClientAuth.NONE}}) {
      try (TokenClient c = client((String) k[0], (ClientAuth) k[1])) {
        c.exchange(TokenExchange.builder("s-" + k[0], TokenExchange.ACCESS_TOKEN).build());
        assertEquals(((ClientAuth) k[1]).registeredName(), last().get("auth"));
      }
    }
  }

  @Test
  void managerCachesBySubjectAndErrorsAreTyped() throws Exception {
    LoopbackServers.control(url + "/reset", "POST", null);
    try (TokenClient c = client("svc-basic", ClientAuth.CLIENT_SECRET_BASIC);
        TokenManager m = TokenManager.create(c)) {
      TokenExchange x = TokenExchange.builder("java-cached", TokenExchange.ACCESS_TOKEN).audience("a").build();
      ExchangedToken a = m.exchange(x);
      ExchangedToken b = m.exchange(TokenExchange.builder("java-cached", TokenExchange.ACCESS_TOKEN).audience("a").build());
      assertEquals(a.accessToken(), b.accessToken());
      assertEquals(1, count());
      m.exchange(TokenExchange.builder("java-other", TokenExchange.ACCESS_TOKEN).audience("a").build());
      assertEquals(2, count());

      OAuth2Exception e = assertThrows(OAuth2Exception.class, () -> c.exchange(
          TokenExchange.builder("s", TokenExchange.ACCESS_TOKEN).audience("fault:invalid-target").build()));
      assertEquals("invalid_target", e.getOauthError());
      String secret = "ST-java-very-secret-0123456789";
      e = assertThrows(OAuth2Exception.class, () -> c.exchange(
          TokenExchange.builder(secret, TokenExchange.ACCESS_TOKEN).audience("fault:echo-subject").build()));
      assertEquals("invalid_grant", e.getOauthError());
      assertFalse(e.getOauthErrorDescription().contains(secret) || e.toString().contains(secret));
      M2mauthException p = assertThrows(M2mauthException.class, () -> c.exchange(
          TokenExchange.builder("s", TokenExchange.ACCESS_TOKEN).audience("fault:missing-issued-type").build()));
      assertEquals("protocol", p.getName());
      InvalidArgumentException i = assertThrows(InvalidArgumentException.class, () -> c.exchange(
          TokenExchange.builder(secret, "not a uri").build()));
      assertFalse(i.getMessage().contains(secret));
      ExchangedToken na = c.exchange(TokenExchange.builder("s", TokenExchange.ACCESS_TOKEN)
          .requestedTokenType(TokenExchange.ID_TOKEN).build());
      assertEquals("N_A", na.tokenType());
      assertEquals(TokenExchange.ID_TOKEN, na.issuedTokenType());
    }
  }
}
