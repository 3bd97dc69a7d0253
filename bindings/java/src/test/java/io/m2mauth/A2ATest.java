package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.m2mauth.internal.Json;
import io.m2mauth.senhasegura.A2A;
import io.m2mauth.senhasegura.A2AClient;
import io.m2mauth.senhasegura.AuthMethod;
import io.m2mauth.senhasegura.Credential;
import io.m2mauth.senhasegura.DsmApplication;
import io.m2mauth.senhasegura.DsmSecret;
import io.m2mauth.senhasegura.Fingerprints;
import io.m2mauth.senhasegura.ProtectedInfo;
import io.m2mauth.senhasegura.SshKey;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * senhasegura A2A (io.m2mauth.senhasegura) against the emulator of tests/servers: the three methods (its
 * /_control/stats counts which one each request used), the special OAuth 2.0 client with Basic and body
 * credentials, vendor error codes, encrypted responses, and HTTPS with registered and unregistered
 * client certificates.
 */
@LoopbackTest
class A2ATest {
  /** "a2a" of clients.json. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> a2a() {
    return (Map<String, Object>) LoopbackServers.clients().get("a2a");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> oauth2Client(int i) {
    return ((List<Map<String, Object>>) a2a().get("oauth2")).get(i);
  }

  static char[] chars(Map<String, Object> m, String name) {
    return ((String) m.get(name)).toCharArray();
  }

  /** Every A2A secret of clients.json, for "never in a message" checks. */
  static List<String> secrets() {
    Map<String, Object> o1 = LoopbackServers.a2aOAuth1();
    List<String> s = new ArrayList<>(List.of((String) o1.get("consumer_secret"), (String) o1.get("token"),
        (String) o1.get("token_secret")));
    for (int i = 0; i < 2; i++) {
      s.add((String) oauth2Client(i).get("client_secret"));
    }
    return s;
  }

  /** Resets an emulator (data, statistics, tokens) and returns its base URL. */
  static String fresh(String server) {
    LoopbackServers s = LoopbackServers.get();
    String control = s.field(server, "control_url");
    if (server.equals("a2a_tls")) {
      s.controlTls(control + "/reset", "POST", "{}");
    } else {
      LoopbackServers.control(control + "/reset", "POST", "{}");
    }
    return s.field(server, "base_url");
  }

  static Map<String, Object> stats(String server) {
    LoopbackServers s = LoopbackServers.get();
    String url = s.field(server, "control_url") + "/stats";
    return Json.parseObject(server.equals("a2a_tls") ? s.controlTls(url, "GET", null)
        : LoopbackServers.control(url, "GET", null));
  }

  @SuppressWarnings("unchecked")
  static long stat(Map<String, Object> stats, String... path) {
    Object v = stats;
    for (String p : path) {
      v = ((Map<String, Object>) v).get(p);
    }
    return v instanceof Number ? ((Number) v).longValue() : -1;
  }

  static A2AClient.Builder withMethod(A2AClient.Builder b, AuthMethod auth) {
    Map<String, Object> o1 = LoopbackServers.a2aOAuth1();
    switch (auth) {
      case OAUTH2:
        return b.oauth2((String) oauth2Client(0).get("client_id"), chars(oauth2Client(0), "client_secret"));
      case OAUTH1:
        return b.oauth1((String) o1.get("consumer_key"), chars(o1, "consumer_secret"), chars(o1, "token"),
            chars(o1, "token_secret"));
      default:
        return b.queryToken((String) o1.get("consumer_key"), chars(o1, "token"));
    }
  }

  static A2AClient client(String baseUrl, AuthMethod auth) {
    return withMethod(A2AClient.builder(baseUrl), auth).build();
  }

  @Test
  void threeMethodsTypedCallsAndTheGenericCall() {
    for (AuthMethod auth : AuthMethod.values()) {
      String base = fresh("a2a");
      try (A2AClient vault = client(base, auth)) {
        assertEquals("A2AClient[" + base + ", " + auth.configName() + "]", vault.toString());
        try (Credential c = vault.credential("credential_5@destktop-91.com")) {
          assertArrayEquals("secret@2504".toCharArray(), c.password());
          assertEquals("credential_5", c.username());
          assertEquals("destktop-91.com", c.hostname());
          assertEquals("5", c.id());
          assertEquals("22", c.port());
          assertEquals("2021-01-16T17:31:39", c.expirationTime());
          assertEquals("Ubuntu", c.fields().get("model"));
          assertFalse(c.fields().containsKey("password"));
          assertTrue(c.secretNames().contains("password"));
        }
        try (ProtectedInfo info = vault.info("10")) {
          assertArrayEquals("pk_test_51M2mAuTh+/=".toCharArray(), info.content());
          assertEquals("Payment API key", info.name());
          assertEquals(Boolean.TRUE, info.fields().get("active"));
        }
        try (SshKey key = vault.sshKey("7")) {
          assertTrue(new String(key.privateKey()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
          assertTrue(key.publicKey().startsWith("ssh-ed25519 "));
          assertEquals("deploy", key.username());
          assertEquals(0, key.passphrase().length);
        }
        try (DsmApplication app = vault.dsmApplications()) {
          assertEquals("m2mauth-demo", app.name());
          DsmSecret db = app.secret("database");
          assertEquals(List.of("DB_USER", "DB_PASSWORD"), db.names());
          assertArrayEquals("dsm-s3cret".toCharArray(), db.value("DB_PASSWORD"));
          assertNull(db.value("NOPE"));
          assertFalse(app.fields().containsKey("secrets"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> device = (Map<String, Object>) vault.call("GET", "pam/device/1", null).get("device");
        assertEquals("destktop-91.com", device.get("hostname"));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("content", "java secret & more");
        params.put("name", "x");
        @SuppressWarnings("unchecked")
        Map<String, Object> created = (Map<String, Object>) vault.call("POST", "pam/info", params).get("response");
        assertEquals(201L, created.get("status"));
      }
      Map<String, Object> st = stats("a2a");
      assertEquals(6, stat(st, "requests", auth.configName()), auth + ": " + st);
      if (auth == AuthMethod.OAUTH2) {
        assertEquals(1, stat(st, "token_requests"));
      }
    }
  }

  @Test
  void specialClientWithBasicAndBodyCredentialsAndTenant() {
    Map<String, Object> special = oauth2Client(1);
    String id = (String) special.get("client_id");
    assertTrue(id.contains(" ") && ((String) special.get("client_secret")).matches(".*[:+%& ].*"));
    for (boolean body : new boolean[] {false, true}) {
      fresh("a2a");
      // The ready file's base_url ends in /iso; the bare https://HOST form is accepted too.
      String base = LoopbackServers.get().field("a2a", "url");
      A2AClient.Builder b = A2AClient.builder(base).oauth2(id, chars(special, "client_secret")).tenant("acme");
      if (body) {
        b.oauth2BodyCredentials();
      }
      try (A2AClient vault = b.build()) {
        for (int i = 0; i < 3; i++) {
          try (Credential c = vault.credential("6")) {
            assertArrayEquals("Db!p@ss+6 %20&x=é".toCharArray(), c.password());
            assertEquals("dbadmin", c.username());
          }
        }
      }
      Map<String, Object> st = stats("a2a");
      assertEquals(1, stat(st, "token_requests"));
      assertEquals(1, stat(st, "token_auth", body ? "body" : "basic"), st.toString());
      assertEquals("acme", st.get("last_tenant"));
    }
  }

  @Test
  void vendorErrorCodesWithoutSecrets() {
    String base = fresh("a2a");
    Object[][] cases = {{"pam/device/3", 1011}, {"pam/info/77", 1023}, {"pam/info/1024", 1024},
        {"pam/info/1026", 1026}, {"pam/credential/404", 1010}, {"pam/key/0", 1030}};
    try (A2AClient vault = client(base, AuthMethod.OAUTH2)) {
      for (Object[] c : cases) {
        VendorException e = assertThrows(VendorException.class, () -> vault.call("GET", (String) c[0], null));
        assertEquals(((Integer) c[1]).longValue(), e.getVendorCode(), (String) c[0]);
        assertEquals(400, e.getHttpStatus());
        assertEquals("vendor", e.getName());
        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains(c[1] + ":"), e.getMessage());
        for (String secret : secrets()) {
          assertFalse(e.toString().contains(secret));
        }
      }
      assertEquals(1024, assertThrows(VendorException.class, () -> vault.info("1024")).getVendorCode());
      assertEquals(1010, assertThrows(VendorException.class, () -> vault.credential("0")).getVendorCode());
      assertEquals(1030, assertThrows(VendorException.class, () -> vault.sshKey("8")).getVendorCode());
    }
    // Wrong credentials: 401 with the query method, invalid_client from the token endpoint.
    try (A2AClient q = A2AClient.builder(base).queryToken((String) LoopbackServers.a2aOAuth1().get("consumer_key"),
        "not-the-token-4242".toCharArray()).build()) {
      ServerException e = assertThrows(ServerException.class, () -> q.info("10"));
      assertEquals("unauthorized", e.getName());
      assertEquals(401, e.getHttpStatus());
      assertFalse(e.toString().contains("not-the-token-4242"));
    }
    try (A2AClient o = A2AClient.builder(base).oauth2((String) oauth2Client(0).get("client_id"),
        "wrong-secret-9876".toCharArray()).oauth2BodyCredentials().build()) {
      OAuth2Exception e = assertThrows(OAuth2Exception.class, () -> o.info("10"));
      assertEquals("invalid_client", e.getError());
      assertFalse(e.toString().contains("wrong-secret-9876"));
    }
  }

  @Test
  void encryptedResponsesDecryptedIncludingTheMultiBlockSshKey() {
    String base = fresh("a2a_enc");
    Path keyPath = LoopbackServers.serversDir().resolve((String) a2a().get("encryption_private_key"));
    Map<String, Object> o1 = LoopbackServers.a2aOAuth1();
    String ck = (String) o1.get("consumer_key");
    try (A2AClient plain = A2AClient.builder(base).queryToken(ck, chars(o1, "token")).build();
        Credential c = plain.credential("5")) {
      assertTrue(c.password().length > 300, "without a key the password is the ciphertext");
    }
    A2AClient vault;
    try (Key key = Key.fromFile(keyPath, null)) {
      vault = A2AClient.builder(base).queryToken(ck, chars(o1, "token")).decryptionKey(key).build();
    } // the client keeps its own reference to the key
    try (A2AClient v = vault) {
      try (Credential c = v.credential("5")) {
        assertArrayEquals("secret@2504".toCharArray(), c.password());
        assertArrayEquals("secret@2504".toCharArray(), c.content());
      }
      try (Credential c = v.credential("dbadmin@db01.example.test")) {
        assertArrayEquals("Db!p@ss+6 %20&x=é".toCharArray(), c.password());
      }
      try (ProtectedInfo info = v.info("10")) {
        assertArrayEquals("pk_test_51M2mAuTh+/=".toCharArray(), info.content());
      }
      // Longer than one RSA-OAEP block (214 bytes for RSA-2048): blocks decrypted one by one.
      try (SshKey k = v.sshKey("7")) {
        String pk = new String(k.privateKey());
        assertTrue(pk.length() > 214, "SSH key of " + pk.length() + " chars");
        assertTrue(pk.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assertTrue(pk.trim().endsWith("-----END OPENSSH PRIVATE KEY-----"));
      }
      try (DsmApplication app = v.dsmApplications()) {
        assertArrayEquals("dsm-s3cret".toCharArray(), app.secrets().get(0).value("DB_PASSWORD"));
      }
      @SuppressWarnings("unchecked")
      String cipher = (String) ((Map<String, Object>) v.call("GET", "pam/info/10", null, false).get("info")).get("content");
      assertNotEquals("pk_test_51M2mAuTh+/=", cipher);
      try (Key key = Key.fromFile(keyPath, null)) {
        assertArrayEquals("pk_test_51M2mAuTh+/=".toCharArray(), A2A.decrypt(key, cipher));
        ServerException e = assertThrows(ServerException.class, () -> A2A.decrypt(key, "not base64!"));
        assertEquals("protocol", e.getName());
        try (Key pub = key.publicKey()) {
          assertThrows(KeyTypeException.class,
              () -> A2AClient.builder(base).queryToken(ck, chars(o1, "token")).decryptionKey(pub).build());
        }
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> info = (Map<String, Object>) v.call("GET", "pam/info/10", null).get("info");
      assertEquals("pk_test_51M2mAuTh+/=", info.get("content"));
    }
  }

  @Test
  void httpsWithRegisteredAndUnregisteredClientCertificates() {
    LoopbackServers s = LoopbackServers.get();
    String base = fresh("a2a_tls");
    Path ca = Paths.get((String) s.pki().get("ca_bundle"));
    try (Certificate cert = Certificate.fromFile(Paths.get(s.cert("client_rsa", "cert")))) {
      Fingerprints f = A2A.certFingerprints(cert);
      assertEquals(s.cert("client_rsa", "sha256"), f.sha256());
      assertEquals(s.cert("client_rsa", "sha256_colon"), f.sha256Colon());
      assertEquals(s.cert("client_rsa", "sha1"), f.sha1());
      assertEquals(s.cert("client_rsa", "sha1_colon"), f.sha1Colon());
    }
    try (Http registered = Http.create(HttpOptions.builder().caFile(ca).clientCertificate(s.cert("client_rsa", "cert"))
        .clientKey(s.cert("client_rsa", "key")).timeout(Duration.ofSeconds(10)).build());
        A2AClient vault = withMethod(A2AClient.builder(base).http(registered), AuthMethod.OAUTH2).build();
        Credential c = vault.credential("5")) {
      assertArrayEquals("secret@2504".toCharArray(), c.password());
    }
    long forbidden = stat(stats("a2a_tls"), "forbidden");
    try (Http other = Http.create(HttpOptions.builder().caFile(ca).clientCertificate(s.cert("client_ec", "cert"))
        .clientKey(s.cert("client_ec", "key")).timeout(Duration.ofSeconds(10)).build())) {
      for (AuthMethod auth : new AuthMethod[] {AuthMethod.OAUTH2, AuthMethod.QUERY}) {
        try (A2AClient vault = withMethod(A2AClient.builder(base).http(other), auth).build()) {
          VendorException e = assertThrows(VendorException.class, () -> vault.credential("5"), auth.toString());
          assertEquals(403, e.getHttpStatus());
          assertEquals(403, e.getVendorCode());
        }
      }
    }
    assertEquals(forbidden + 2, stat(stats("a2a_tls"), "forbidden"));
    try (Http none = Http.create(HttpOptions.builder().caFile(ca).timeout(Duration.ofSeconds(10)).build());
        A2AClient vault = withMethod(A2AClient.builder(base).http(none), AuthMethod.QUERY).build()) {
      assertThrows(NetworkException.class, () -> vault.credential("5"));
    }
  }

  @Test
  void secretsNeverShownAndWipedOnClose() {
    String base = fresh("a2a");
    try (A2AClient vault = client(base, AuthMethod.OAUTH2)) {
      Credential c = vault.credential("6");
      SshKey k = vault.sshKey("7");
      DsmApplication app = vault.dsmApplications();
      ProtectedInfo info = vault.info("10");
      String shown = c + " " + k + " " + app + " " + app.secrets() + " " + info + " " + vault + " " + c.fields()
          + k.fields() + app.fields() + info.fields();
      for (String secret : List.of("Db!p@ss", "PRIVATE KEY", "dsm-s3cret", "pk_test_51M2mAuTh")) {
        assertFalse(shown.contains(secret), shown);
      }
      for (String secret : secrets()) {
        assertFalse(shown.contains(secret));
      }
      c.close();
      app.close();
      assertTrue(c.isDestroyed());
      assertThrows(IllegalStateException.class, c::password);
      assertThrows(IllegalStateException.class, () -> app.secrets().get(0).value("DB_PASSWORD"));
      assertEquals("dbadmin", c.username()); // non-secret fields stay readable
      assertTrue(c.toString().contains("wiped"));
    }
  }

  @Test
  void useAfterCloseBadArgumentsAndConcurrentCalls() throws Exception {
    String base = fresh("a2a");
    assertThrows(IllegalStateException.class, () -> A2AClient.builder(base).build()); // no method chosen
    assertThrows(InvalidArgumentException.class,
        () -> A2AClient.builder("not a url").oauth2("x", "y".toCharArray()).build());
    assertThrows(InvalidArgumentException.class, () -> A2AClient.builder(base).oauth2("", "y".toCharArray()).build());
    A2AClient.Builder once = A2AClient.builder(base).queryToken("k", "t".toCharArray());
    once.build().close();
    assertThrows(IllegalStateException.class, once::build);

    A2AClient vault = client(base, AuthMethod.OAUTH2);
    assertThrows(IllegalArgumentException.class, () -> vault.credential("a\0b"));
    Map<String, Object> listParam = Map.of("x", List.of(1));
    assertThrows(InvalidArgumentException.class, () -> vault.call("GET", "pam/device", listParam));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        all.add(pool.submit(() -> {
          for (int j = 0; j < 4; j++) {
            try (Credential c = vault.credential("5")) {
              assertArrayEquals("secret@2504".toCharArray(), c.password());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, stat(stats("a2a"), "token_requests"));
    vault.close();
    vault.close();
    assertTrue(vault.isClosed());
    assertThrows(IllegalStateException.class, () -> vault.credential("5"));
    assertEquals("A2AClient[closed]", vault.toString());
  }

  @Test
  void tokenManagerOptionsApply() throws InterruptedException {
    // After a refusal the manager waits permanentBackoff (default 30 s) before asking again: with the
    // default the second call gets the same error without a request, with 1 ms it asks again.
    String id = (String) oauth2Client(0).get("client_id");
    ManagerOptions[] options = {null, ManagerOptions.builder().permanentBackoff(Duration.ofMillis(1)).build()};
    for (int k = 0; k < 2; k++) {
      String base = fresh("a2a");
      A2AClient.Builder b = A2AClient.builder(base).oauth2(id, "wrong-secret-9876".toCharArray());
      if (options[k] != null) {
        b.tokenManagerOptions(options[k]);
      }
      try (A2AClient vault = b.build()) {
        for (int i = 0; i < 2; i++) {
          Thread.sleep(50);
          assertThrows(OAuth2Exception.class, () -> vault.info("10"));
        }
      }
      assertEquals(k + 1, stat(stats("a2a"), "token_requests"));
    }
  }
}
