package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.m2mauth.internal.Json;
import io.m2mauth.senhasegura.A2AClient;
import io.m2mauth.senhasegura.Credential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config (the configuration format of config.h) from a file, from JSON text and from the environment (in
 * a child JVM), describe() redaction, get()/has(), every builder against the loopback servers, the "bmp"
 * profile against oidc-provider's svc-moneyp, and errors.
 */
@LoopbackTest
class ConfigTest {
  private static final String DISTINCTIVE = "Zq9-java-distinctive-secret";

  static String quoted(Object s) {
    return Json.write(s.toString());
  }

  @TempDir
  Path tmp;

  Path write(String name, String content) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  @Test
  void fileGetHasDescribeAndBuilders() throws IOException {
    LoopbackServers s = LoopbackServers.get();
    String control = s.resetFault();
    String secret = new String(LoopbackServers.secret("svc-basic"));
    Path secretFile = write("secret", secret + "\n");
    Path path = write("service.json", "{\"_comment\": \"as an operator writes it\","
        + "\"http\": {\"timeout_ms\": 10000, \"client_cert\": \"/nonexistent/c.pem\", \"client_key_passphrase\": "
        + quoted(DISTINCTIVE) + "},"
        + "\"oauth2\": {\"token_url\": " + quoted(s.field("fault", "token_endpoint")) + ", \"client_id\": \"svc-basic\","
        + " \"client_secret_file\": " + quoted(secretFile) + ", \"scope\": \"api.read\","
        + " \"resource\": [\"https://rs.example/a\", \"https://rs.example/b\"]}}");
    try (Config config = Config.load(path, false)) {
      assertEquals(Optional.of("svc-basic"), config.get("oauth2.client_id"));
      assertEquals(Optional.of("10000"), config.get("http.timeout_ms"));
      assertEquals(Optional.of(secretFile.toString()), config.get("oauth2.client_secret_file"));
      assertEquals(Optional.of("[\"https://rs.example/a\",\"https://rs.example/b\"]"), config.get("oauth2.resource"));
      assertEquals(Optional.empty(), config.get("oauth2.audience"));
      assertThrows(InvalidArgumentException.class, () -> config.get("oauth2.client_secret"));
      assertThrows(InvalidArgumentException.class, () -> config.get("oauth2.bogus"));
      assertTrue(config.has("oauth2") && config.has("oauth2.scope"));
      assertFalse(config.has("senhasegura") || config.has("oauth2.audience") || config.has("bogus.x"));
      String d = config.describe();
      assertFalse(d.contains(DISTINCTIVE) || d.contains(secret), d);
      assertTrue(d.contains("\"<redacted>\"") && d.contains(path.toString()), d);
      assertEquals("Config[http, oauth2]", config.toString());
    }

    List<TokenEvent> events = new CopyOnWriteArrayList<>();
    try (Config config = Config.fromJson("{\"oauth2\": {\"token_url\": " + quoted(s.field("fault", "token_endpoint"))
        + ", \"client_id\": \"svc-basic\", \"client_secret\": " + quoted(secret) + ", \"scope\": \"api.read\"}}");
        Http http = config.http()) {
      try (TokenClient client = config.tokenClient(http)) {
        assertEquals("TokenClient[svc-basic]", client.toString());
        assertFalse(client.fetch().accessToken().isEmpty());
      }
      try (TokenManager tokens = config.tokenManager(null, events::add)) {
        for (int i = 0; i < 2; i++) {
          assertEquals(200, tokens.request(Request.get(s.field("fault", "api_url") + "/accounts")).status());
        }
      }
    }
    assertEquals(2, LoopbackServers.stat(control, "token_requests")); // fetch(), then the manager's one
    assertFalse(events.isEmpty());
    assertEquals(TokenEvent.Kind.FETCHED, events.get(0).kind());
    assertEquals("svc-basic", events.get(0).clientId());
  }

  @Test
  void environmentInAChildProcess() throws Exception {
    LoopbackServers s = LoopbackServers.get();
    s.resetFault();
    String a2aBase = A2ATest.fresh("a2a");
    String secret = new String(LoopbackServers.secret("svc-post"));
    Path file = write("base.json", "{\"oauth2\": {\"token_url\": " + quoted(s.field("fault", "token_endpoint"))
        + ", \"client_id\": \"file-id\", \"auth_method\": \"client_secret_post\", \"scope\": \"api.read\"}}");
    Map<String, Object> o1 = LoopbackServers.a2aOAuth1();
    ProcessBuilder pb = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ConfigEnvChild.class.getName());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("M2MAUTH_"));
    env.put("M2MAUTH_CONFIG", file.toString());                       // the file...
    env.put("M2MAUTH_OAUTH2_CLIENT_ID", "svc-post");                  // ...and the environment over it
    env.put("M2MAUTH_OAUTH2_SCOPE", "api.write");
    env.put("M2MAUTH_OAUTH2_CLIENT_SECRET_ENV", "JAVA_TEST_OAUTH2_SECRET");
    env.put("JAVA_TEST_OAUTH2_SECRET", secret);
    env.put("M2MAUTH_SENHASEGURA_BASE_URL", a2aBase);
    env.put("M2MAUTH_SENHASEGURA_AUTH_METHOD", "query");
    env.put("M2MAUTH_SENHASEGURA_CONSUMER_KEY", (String) o1.get("consumer_key"));
    env.put("M2MAUTH_SENHASEGURA_TOKEN", (String) o1.get("token"));
    Process p = pb.redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    assertTrue(text.contains("oauth2.client_id=svc-post\n"), text);
    assertTrue(text.contains("oauth2.scope=api.write\n"), text);
    assertTrue(text.contains("token.scope=api.write\n"), text);
    assertTrue(text.contains("config=Config[oauth2, senhasegura]\n"), text);
    assertTrue(text.contains("a2a=A2AClient[" + a2aBase + ", query]\n"), text);
    assertTrue(text.contains("a2a.content.length=20\n"), text);
    assertTrue(text.contains("M2MAUTH_OAUTH2_SCOPE") && text.contains(file.toString()), text);
    assertFalse(text.contains(secret) || text.contains((String) o1.get("token")), text);
    assertEquals(1, A2ATest.stat(A2ATest.stats("a2a"), "requests", "query"));
  }

  @Test
  void bmpProfileAgainstOidcProviderSvcMoneyp() {
    LoopbackServers s = LoopbackServers.get();
    String tokenUrl = s.field("oidc", "token_endpoint");
    Path key = LoopbackServers.serversDir().resolve((String) LoopbackServers.oauth2Client("svc-moneyp").get("private_key"));
    String json = "{\"http\": {\"timeout_ms\": 15000}, \"oauth2\": {\"profile\": \"bmp\", \"token_url\": "
        + quoted(tokenUrl) + ", \"client_id\": \"svc-moneyp\", \"private_key_file\": " + quoted(key)
        + ", \"scope\": \"api.read\"}}";
    try (Config config = Config.fromJson(json); TokenManager tokens = config.tokenManager(null)) {
      String d = config.describe();
      assertTrue(d.contains("\"auth_method\":\"private_key_jwt\"") && d.contains("\"idempotency_header\":\"IdempotencyKey\""), d);
      assertFalse(d.contains("PRIVATE KEY"));
      Token t = tokens.token();
      assertFalse(t.accessToken().isEmpty());
      assertEquals("api.read", t.scope());
      Pattern uuid = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        Response r = tokens.request(Request.post(s.field("fault", "echo_url") + "/bmp/pix", "application/json",
            "{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, r.status());
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = (Map<String, Object>) Json.parseObject(r.bodyText()).get("headers");
        String idem = (String) headers.get("IdempotencyKey");
        assertTrue(uuid.matcher(idem).matches(), idem);
        assertTrue(seen.add(idem));
        assertEquals("Bearer " + t.accessToken(), headers.get("Authorization"));
      }
    }
    String tooLong = json.replace("\"api.read\"", quoted("a".repeat(301)));
    ConfigException e = assertThrows(ConfigException.class, () -> Config.fromJson(tooLong));
    assertTrue(e.getMessage().contains("at most 300"), e.getMessage());
  }

  @Test
  void a2aClientFromAFile() throws IOException {
    String base = A2ATest.fresh("a2a");
    Map<String, Object> special = A2ATest.oauth2Client(1);
    Path secretFile = write("a2a-secret", special.get("client_secret") + "\n");
    Path path = write("a2a.json", "{\"senhasegura\": {\"base_url\": " + quoted(base) + ", \"client_id\": "
        + quoted(special.get("client_id")) + ", \"client_secret_file\": " + quoted(secretFile)
        + ", \"client_auth\": \"body\", \"tenant\": \"cfg-tenant\"}}");
    try (Config config = Config.load(path); A2AClient vault = config.a2aClient(null);
        Credential c = vault.credential("5")) {
      assertArrayEquals("secret@2504".toCharArray(), c.password());
      assertEquals("A2AClient[" + base + ", oauth2]", vault.toString());
    }
    Map<String, Object> st = A2ATest.stats("a2a");
    assertEquals(1, A2ATest.stat(st, "token_auth", "body"));
    assertEquals("cfg-tenant", st.get("last_tenant"));
    try (Config incomplete = Config.fromJson("{\"senhasegura\": {\"base_url\": \"https://vault.example.test\"}}")) {
      assertThrows(ConfigException.class, () -> incomplete.a2aClient(null));
    }
  }

  @Test
  void errorsNameTheKey() {
    String[][] cases = {{"{\"oauth2\": {\"client_idd\": \"x\"}}", "client_idd"},
        {"{\"http\": {\"timeout_ms\": \"ten\"}}", "timeout_ms"}, {"{\"bogus\": {}}", "bogus"},
        {"{\"senhasegura\": {\"auth_method\": \"x\"}}", "auth_method"}, {"not json", ""}};
    for (String[] c : cases) {
      ConfigException e = assertThrows(ConfigException.class, () -> Config.fromJson(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
      assertEquals("config", e.getName());
    }
    M2mauthException io = assertThrows(M2mauthException.class, () -> Config.load(tmp.resolve("missing.json")));
    assertEquals("io", io.getName());
    assertThrows(IllegalArgumentException.class, () -> Config.fromJson("{\"a\0\": 1}"));
    Config empty = Config.fromJson("{}");
    assertThrows(ConfigException.class, () -> empty.tokenManager(null));
    empty.http().close();
    empty.close();
    empty.close();
    assertTrue(empty.isClosed());
    assertThrows(IllegalStateException.class, empty::describe);
    assertEquals("Config[closed]", empty.toString());
  }
}
