package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.m2mauth.internal.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OAuth 2.0 against the loopback servers: oidc-provider for the client authentication methods, the fault
 * server for the token manager (its statistics count token requests).
 */
@LoopbackTest
class OAuth2Test {
  static Http loopbackHttp() {
    return Http.create(HttpOptions.builder().timeout(Duration.ofSeconds(15)).build());
  }

  /** A client of oidc-provider for one of clients.json's clients. */
  static TokenClient oidcClient(String id, Consumer<TokenClient.Builder> more) {
    LoopbackServers s = LoopbackServers.get();
    Map<String, Object> c = LoopbackServers.oauth2Client(id);
    try (Http http = loopbackHttp()) {
      TokenClient.Builder b = TokenClient.builder(s.field("oidc", "token_endpoint"), id).http(http).scope("api.read")
          .authMethod(ClientAuth.fromName((String) c.get("token_endpoint_auth_method")));
      if (c.containsKey("private_key")) {
        try (Key key = Key.fromFile(LoopbackServers.serversDir().resolve((String) c.get("private_key")), null)) {
          b.privateKey(key);
          if (more != null) {
            more.accept(b);
          }
          return b.build(); // the client keeps its own reference to the key and the transport
        }
      }
      char[] secret = LoopbackServers.secret(id);
      b.clientSecret(secret);
      java.util.Arrays.fill(secret, '\0');
      if (more != null) {
        more.accept(b);
      }
      return b.build();
    }
  }

  static TokenClient faultClient(Consumer<TokenClient.Builder> more) {
    LoopbackServers s = LoopbackServers.get();
    try (Http http = loopbackHttp()) {
      TokenClient.Builder b = TokenClient.builder(s.field("fault", "token_endpoint"), "svc-basic").http(http)
          .clientSecret(LoopbackServers.secret("svc-basic"));
      if (more != null) {
        more.accept(b);
      }
      return b.build();
    }
  }

  static ManagerOptions.Builder testOptions() {
    return ManagerOptions.builder().jitterFraction(0).waitTimeout(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"svc-basic", "svc-post", "svc-jwt", "svc-rs256", "svc-es256", "svc-eddsa"})
  void oidcProviderIssuesTokensForEveryClientAuthenticationMethod(String id) {
    try (TokenClient client = oidcClient(id, null)) {
      Token t = client.fetch();
      assertFalse(t.accessToken().isEmpty());
      assertTrue("Bearer".equalsIgnoreCase(t.tokenType()), t.tokenType());
      assertEquals("api.read", t.scope());
      assertFalse(t.isExpired(Clock.systemUTC()));
      assertTrue(t.expiresAt().isBefore(Instant.now().plus(Duration.ofHours(2))));
      assertNotNull(t.issuedAt());
      assertFalse(t.toString().contains(t.accessToken()));
      assertEquals("TokenClient[" + id + "]", client.toString());
    }
  }

  @Test
  void discoveryAndTheIssuerAsAssertionAudience() {
    LoopbackServers s = LoopbackServers.get();
    String issuer = s.field("oidc", "issuer");
    try (Http http = loopbackHttp();
        Key key = Key.fromFile(LoopbackServers.serversDir().resolve("keys/ec-p256.pem"), null);
        TokenClient client = TokenClient.discover(issuer, "svc-es256").http(http)
            .authMethod(ClientAuth.PRIVATE_KEY_JWT).privateKey(key).scope("api.read")
            .assertion(AssertionOptions.builder().audience(issuer).algorithm(Algorithm.ES256)
                .lifetime(Duration.ofMinutes(1)).build())
            .build()) {
      assertFalse(client.fetch().accessToken().isEmpty());
      assertThrows(M2mauthException.class,
          () -> TokenClient.discover(issuer + "/nowhere", "svc-basic").http(http).build());
    }
  }

  @Test
  void assertionOptionsAsTheServerReceivesThem() {
    LoopbackServers s = LoopbackServers.get();
    String ctl = s.resetFault();
    try (Key key = Key.fromFile(LoopbackServers.serversDir().resolve("keys/ec-p256.pem"), null);
        Http http = loopbackHttp();
        TokenClient client = TokenClient.builder(s.field("fault", "token_endpoint"), "svc-es256").http(http)
            .authMethod(ClientAuth.PRIVATE_KEY_JWT).privateKey(key).scope("api.read api.write")
            .resource("https://rs.example/a").param("tenant", "t 1")
            .assertion(AssertionOptions.builder().audience("https://aud.example").lifetime(Duration.ofSeconds(30))
                .keyIdThumbprint(true).build())
            .build()) {
      client.fetch();
      @SuppressWarnings("unchecked")
      Map<String, Object> form = (Map<String, Object>) ((Map<String, Object>) Json.parseObject(
          LoopbackServers.control(ctl + "/stats", "GET", null)).get("last_token_request")).get("form");
      assertEquals("api.read api.write", form.get("scope"));
      assertEquals("https://rs.example/a", form.get("resource"));
      assertEquals("t 1", form.get("tenant"));
      String[] parts = ((String) form.get("client_assertion")).split("\\.");
      Map<String, Object> header = Json.parseObject(new String(Base64.getUrlDecoder().decode(parts[0]),
          StandardCharsets.UTF_8));
      Map<String, Object> claims = Json.parseObject(new String(Base64.getUrlDecoder().decode(parts[1]),
          StandardCharsets.UTF_8));
      assertEquals(key.thumbprint(), header.get("kid"));
      assertEquals("ES256", header.get("alg"));
      assertEquals("https://aud.example", claims.get("aud"));
      assertEquals("svc-es256", claims.get("iss"));
      // iat is backdated by the default clock skew (5 s); exp counts from now.
      assertEquals(35L, ((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue());
      assertEquals(claims.get("iat"), claims.get("nbf"));
    }
  }

  @Test
  void wrongSecretIsATypedOAuthErrorWithoutTheSecret() {
    String wrong = "wrong-secret-6f0d2a9c1b";
    try (TokenClient client = oidcClient("svc-basic", b -> b.clientSecret(wrong.toCharArray()));
        TokenManager m = TokenManager.create(client, testOptions().build())) {
      for (Runnable call : new Runnable[] {client::fetch, m::token, m::token}) {
        OAuth2Exception e = assertThrows(OAuth2Exception.class, call::run);
        assertEquals("invalid_client", e.getError());
        assertEquals(401, e.getHttpStatus());
        assertFalse(e.isTransient());
        assertEquals("oauth", e.getName());
        assertFalse(e.getMessage().contains(wrong));
        assertFalse(e.toString().contains(wrong));
      }
    }
  }

  @Test
  void thirtyTwoThreadsReadingMakeExactlyOneTokenRequest() throws Exception {
    LoopbackServers s = LoopbackServers.get();
    String ctl = s.resetFault();
    LoopbackServers.control(ctl + "/script", "POST", "[{\"delay_ms\":300}]"); // all arrive while it is in flight
    int threads = 32;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (TokenClient client = faultClient(null); TokenManager m = TokenManager.create(client, testOptions().build())) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          go.await();
          String last = null;
          for (int k = 0; k < 20; k++) {
            last = m.token().accessToken();
          }
          return last;
        }));
      }
      go.countDown();
      String first = results.get(0).get(30, TimeUnit.SECONDS);
      for (Future<String> f : results) {
        assertEquals(first, f.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, LoopbackServers.stat(ctl, "token_requests"));
    } finally {
      pool.shutdownNow();
    }
  }

  /** Collects events; waits (bounded) for one of a kind. */
  static final class Events implements TokenEventListener {
    final List<TokenEvent> events = Collections.synchronizedList(new ArrayList<>());
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onEvent(TokenEvent event) {
      events.add(event);
      threads.add(Thread.currentThread().getName());
    }

    TokenEvent await(TokenEvent.Kind kind) throws InterruptedException {
      return await(e -> e.kind() == kind, kind.toString());
    }

    TokenEvent await(Predicate<TokenEvent> p, String what) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < end) {
        synchronized (events) {
          for (TokenEvent e : events) {
            if (p.test(e)) {
              return e;
            }
          }
        }
        Thread.sleep(10);
      }
      fail("no " + what + " event; got " + events);
      return null;
    }
  }

  /** The JDK's HTTP client against the fault server's protected API, which checks the tokens it issued. */
  @Test
  void javaNetHttpAfterRevocationRefetchesOnce() throws Exception {
    LoopbackServers s = LoopbackServers.get();
    String ctl = s.resetFault();
    java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest.Builder get = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(s.field("fault", "api_url") + "/things")).timeout(Duration.ofSeconds(10));
    try (TokenClient client = faultClient(null); TokenManager m = TokenManager.create(client, testOptions().build())) {
      java.net.http.HttpResponse<String> r1 = m.send(jdk, get, java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r1.statusCode(), r1.body());
      LoopbackServers.control(ctl + "/revoke", "POST", "{}");
      java.net.http.HttpResponse<String> r2 = m.sendAsync(jdk, get, java.net.http.HttpResponse.BodyHandlers.ofString())
          .get(30, TimeUnit.SECONDS);
      assertEquals(200, r2.statusCode(), r2.body());
      assertEquals(2, LoopbackServers.stat(ctl, "token_requests"));
      assertEquals("Bearer " + m.token().accessToken(),
          r2.request().headers().firstValue("Authorization").orElse(""));
    }
  }

  @Test
  void a401AfterRevocationRefetchesOnceAndEventsCarryNoSecret() throws Exception {
    LoopbackServers s = LoopbackServers.get();
    String ctl = s.resetFault();
    Events events = new Events();
    try (TokenClient client = faultClient(null);
        TokenManager m = TokenManager.create(client, testOptions().eventListener(events).build())) {
      Request req = Request.get(s.field("fault", "api_url") + "/things?x=1");
      Response r1 = m.request(req);
      assertEquals(200, r1.status(), r1.bodyText());
      assertNull(req.header("Authorization"));
      TokenEvent fetched = events.await(TokenEvent.Kind.FETCHED);
      LoopbackServers.control(ctl + "/revoke", "POST", "{}");
      Response r2 = m.request(req);
      assertEquals(200, r2.status());
      assertEquals(2, LoopbackServers.stat(ctl, "token_requests"));
      TokenEvent invalidated = events.await(TokenEvent.Kind.INVALIDATED);
      events.await(TokenEvent.Kind.REFRESHED);
      assertEquals("svc-basic", fetched.clientId());
      assertNotNull(fetched.expiresAt());
      assertEquals("svc-basic", invalidated.clientId());
      String token = m.token().accessToken();
      String secret = new String(LoopbackServers.secret("svc-basic"));
      synchronized (events.events) {
        for (TokenEvent e : events.events) {
          assertFalse(e.toString().contains(token), e.toString());
          assertFalse(e.toString().contains(secret), e.toString());
        }
      }
      for (String t : events.threads) {
        assertTrue(t.startsWith("m2mauth-token-events-"), t);
      }
      assertEquals(0, m.droppedEvents());
    }
  }

  @Test
  void authorizeAndInvalidate() {
    LoopbackServers s = LoopbackServers.get();
    String ctl = s.resetFault();
    try (TokenClient client = faultClient(null); TokenManager m = TokenManager.create(client, testOptions().build())) {
      Request req = Request.get(s.field("fault", "api_url") + "/x");
      Request authorized = m.authorize(req);
      Token t = m.token();
      assertEquals("Bearer " + t.accessToken(), authorized.header("Authorization"));
      assertNull(req.header("Authorization"));
      assertFalse(authorized.toString().contains(t.accessToken()));
      m.invalidate("not-the-current-token");
      assertEquals(t.accessToken(), m.token().accessToken());
      m.invalidate(t);
      assertNotEquals(t.accessToken(), m.token().accessToken());
      m.invalidate((String) null);
      m.token();
      assertEquals(3, LoopbackServers.stat(ctl, "token_requests"));
    }
  }

  @Test
  void transientFaultCarriesRetryAfter() throws Exception {
    LoopbackServers s = LoopbackServers.get();
    String ctl = s.resetFault();
    LoopbackServers.control(ctl + "/script", "POST",
        "[{\"status\":503,\"retry_after\":2},{\"status\":503,\"retry_after\":2}]");
    Events events = new Events();
    // The manager reports the backoff time still to go; a clock that stands still keeps it at the full 2 s.
    Clock frozen = Clock.fixed(Instant.now(), ZoneOffset.UTC);
    try (TokenClient client = faultClient(b -> b.clock(frozen));
        TokenManager m = TokenManager.create(client, testOptions().eventListener(events).build())) {
      OAuth2Exception direct = assertThrows(OAuth2Exception.class, client::fetch);
      assertTrue(direct.isTransient());
      assertEquals(503, direct.getHttpStatus());
      assertTrue(direct.getRetryAfterMillis() >= 2000, direct.toString());
      OAuth2Exception e = assertThrows(OAuth2Exception.class, m::token);
      assertTrue(e.isTransient());
      assertEquals(503, e.getHttpStatus());
      assertTrue(e.getRetryAfter().compareTo(Duration.ofSeconds(2)) >= 0, e.getRetryAfter().toString());
      assertEquals("", e.getError());
      TokenEvent failed = events.await(TokenEvent.Kind.FAILED);
      assertTrue(failed.isTransient());
      assertEquals(503, failed.httpStatus());
      assertTrue(failed.retryAfter().toMillis() >= 2000);
      assertFalse(failed.errorName().isEmpty());
    }
  }

  @Test
  void idempotencyHeaderOnApiCalls() {
    LoopbackServers s = LoopbackServers.get();
    s.resetFault();
    try (TokenClient client = faultClient(null);
        TokenManager m = TokenManager.create(client, testOptions().idempotencyHeader("IdempotencyKey").build())) {
      Request req = Request.post(s.field("fault", "api_url") + "/payments", "application/json",
          "{\"amount\":1}".getBytes(StandardCharsets.UTF_8));
      String a = echoedHeader(m.request(req), "IdempotencyKey");
      String b = echoedHeader(m.request(req), "IdempotencyKey");
      String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
      assertTrue(a.matches(uuid), a);
      assertTrue(b.matches(uuid), b);
      assertNotEquals(a, b);
      assertEquals("mine", echoedHeader(m.request(req.toBuilder().header("IdempotencyKey", "mine").build()),
          "IdempotencyKey"));
      m.setIdempotencyHeader(null);
      assertNull(echoedHeader(m.request(req), "IdempotencyKey"));
    }
  }

  static String echoedHeader(Response r, String name) {
    assertEquals(200, r.status(), r.bodyText());
    @SuppressWarnings("unchecked")
    Map<String, Object> headers = (Map<String, Object>) Json.parseObject(r.bodyText()).get("headers");
    for (Map.Entry<String, Object> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return (String) e.getValue();
      }
    }
    return null;
  }

  /** A java.time.Clock the test moves; counts its calls and the threads that made them. */
  static final class MovableClock extends Clock {
    final AtomicLong offsetMillis = new AtomicLong();
    final AtomicLong calls = new AtomicLong();
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
      calls.incrementAndGet();
      String name = Thread.currentThread().getName();
      if (!threads.contains(name)) {
        threads.add(name);
      }
      return System.currentTimeMillis() + offsetMillis.get();
    }
  }

  /**
   * The clock crosses from C into Java, from the calling thread and from the manager's own refresh thread
   * (a native thread, attached to the JVM for the call): moving it past 75 % of the lifetime makes that
   * thread refresh, and its REFRESHED event comes through the same path.
   */
  @Test
  void clockCallbackAndBackgroundRefreshFromTheNativeThread() throws Exception {
    LoopbackServers s = LoopbackServers.get();
    String ctl = s.resetFault();
    MovableClock clock = new MovableClock();
    Events events = new Events();
    TokenClient client = faultClient(b -> b.clock(clock));
    try (TokenManager m = TokenManager.create(client, testOptions().eventListener(events).build())) {
      client.close(); // the manager keeps the client and its clock
      Token first = m.token();
      Duration left = Duration.between(Instant.now(), first.expiresAt());
      assertTrue(left.compareTo(Duration.ofMinutes(50)) > 0 && left.compareTo(Duration.ofMinutes(61)) < 0, left.toString());
      clock.offsetMillis.set(3600_000L * 85 / 100);
      assertEquals(first.accessToken(), m.token().accessToken()); // the due token is served at once
      TokenEvent refreshed = events.await(TokenEvent.Kind.REFRESHED);
      assertTrue(refreshed.expiresAt().isAfter(Instant.now().plusMillis(clock.offsetMillis.get())));
      assertEquals(2, LoopbackServers.stat(ctl, "token_requests"));
      assertTrue(clock.calls.get() > 0);
      assertTrue(clock.threads.contains("m2mauth-native"), "clock threads " + clock.threads);
    }
  }

  @Test
  void httpSendWithOverrides() {
    LoopbackServers s = LoopbackServers.get();
    String echo = s.field("fault", "echo_url");
    try (Http http = Http.builder()
        .options(HttpOptions.builder().timeout(Duration.ofSeconds(10)).userAgent("m2mauth-java-test").build())
        .override(echo + "/special", HttpOptions.builder().userAgent("m2mauth-override").build())
        .build()) {
      for (String[] c : new String[][] {{"/plain", "m2mauth-java-test"}, {"/special/x", "m2mauth-override"}}) {
        Request req = Request.builder("POST", echo + c[0] + "?a=1&b=%20").header("Content-Type", "text/plain")
            .addHeader("X-Multi", "1").addHeader("X-Multi", "2").body("hello").build();
        Response r = http.send(req);
        assertEquals(200, r.status());
        assertNotNull(r.header("content-type"));
        Map<String, Object> e = Json.parseObject(r.bodyText());
        assertEquals("POST", e.get("method"));
        assertEquals("hello", e.get("body"));
        assertEquals("a=1&b=%20", e.get("raw_query"));
        assertEquals(c[1], echoedHeader(r, "User-Agent"));
      }
      NetworkException insecure = assertThrows(NetworkException.class, () -> http.send(Request.get("http://192.0.2.1/")));
      assertEquals("insecure", insecure.getName());
    }
  }

  static Path keyPath(String name) {
    return LoopbackServers.serversDir().resolve("keys").resolve(name);
  }
}
