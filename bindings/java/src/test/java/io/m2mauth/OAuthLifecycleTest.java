package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Use after close, close while other threads use the object, and bad input, for the HTTP, OAuth 2.0 and
 * OAuth 1.0 objects: exceptions, never a crash.
 */
@LoopbackTest
class OAuthLifecycleTest {
  @Test
  void useAfterCloseThrowsIllegalState() {
    LoopbackServers s = LoopbackServers.get();
    s.resetFault();
    Request api = Request.get(s.field("fault", "api_url") + "/x");
    Http http = OAuth2Test.loopbackHttp();
    TokenClient client = TokenClient.builder(s.field("fault", "token_endpoint"), "svc-basic").http(http)
        .clientSecret(LoopbackServers.secret("svc-basic")).build();
    TokenManager m = TokenManager.create(client, OAuth2Test.testOptions().eventListener(e -> { }).build());
    OAuth1Signer signer = OAuth1Test.a2aSigner(null);
    assertEquals(200, m.request(api).status());
    for (AutoCloseable c : new AutoCloseable[] {http, client, m, signer}) {
      try {
        c.close();
        c.close();
      } catch (Exception e) {
        fail(e);
      }
    }
    Executable[] calls = {() -> http.send(api), client::fetch, m::token, () -> m.request(api), () -> m.authorize(api),
        () -> m.invalidate((String) null), () -> m.setIdempotencyHeader("X"), () -> m.setEventListener(e -> { }),
        () -> signer.sign(api), () -> signer.baseString(api, "n", 1),
        () -> TokenClient.builder("http://127.0.0.1:1/t", "c").http(http).build(),
        () -> TokenManager.create(client)};
    for (Executable call : calls) {
      assertThrows(IllegalStateException.class, call);
    }
    assertEquals("Http[closed]", http.toString());
    assertEquals("TokenClient[closed]", client.toString());
    assertEquals("TokenManager[closed]", m.toString());
    assertEquals("OAuth1Signer[closed]", signer.toString());
  }

  /** Close while 8 threads fetch tokens, call the API and sign: each call succeeds or throws IllegalStateException. */
  @Test
  void closeWhileInUse() throws Exception {
    LoopbackServers s = LoopbackServers.get();
    s.resetFault();
    String api = s.field("fault", "api_url") + "/x";
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (TokenClient client = OAuth2Test.faultClient(null)) {
      for (int round = 0; round < 3; round++) {
        TokenManager m = TokenManager.create(client, OAuth2Test.testOptions().eventListener(e -> { }).build());
        OAuth1Signer signer = OAuth1Test.a2aSigner(null);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int kind = t % 3;
          workers.add(pool.submit(() -> {
            while (!stop.get()) {
              try {
                if (kind == 0) {
                  m.token();
                } else if (kind == 1) {
                  m.request(Request.get(api));
                } else {
                  signer.sign(Request.get(api));
                }
              } catch (IllegalStateException e) {
                // closed: expected once close() has run
              } catch (Throwable e) {
                unexpected.add(e);
              }
            }
          }));
        }
        Thread.sleep(150);
        m.close();
        signer.close();
        Thread.sleep(50);
        stop.set(true);
        for (Future<?> w : workers) {
          w.get(30, TimeUnit.SECONDS);
        }
        assertTrue(unexpected.isEmpty(), "round " + round + ": " + unexpected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A manager that is never closed, with a listener and a clock (both referenced from native code through
   * JNI global references), is still collected, and its Cleaner frees it: the global references never
   * reach the manager itself.
   */
  @Test
  void unclosedManagersAreCollected() throws Exception {
    LoopbackServers s = LoopbackServers.get();
    s.resetFault();
    java.lang.ref.WeakReference<TokenManager> weak;
    try (TokenClient client = OAuth2Test.faultClient(b -> b.clock(java.time.Clock.systemUTC()))) {
      TokenManager m = TokenManager.create(client, OAuth2Test.testOptions().eventListener(e -> { }).build());
      m.token();
      weak = new java.lang.ref.WeakReference<>(m);
      m = null;
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (weak.get() != null && System.nanoTime() < end) {
      System.gc();
      Thread.sleep(20);
    }
    assertTrue(weak.get() == null, "an unclosed TokenManager stays reachable");
  }

  @Test
  void badInputIsAnException() {
    try (Http http = OAuth2Test.loopbackHttp()) {
      assertThrows(NullPointerException.class, () -> http.send(null));
      assertThrows(InvalidArgumentException.class, () -> http.send(Request.get("/relative")));
      assertThrows(InvalidArgumentException.class, () -> http.send(Request.get("::::")));
      assertThrows(InvalidArgumentException.class, () -> http.send(Request.builder("GE T", "http://127.0.0.1:1/").build()));
      assertThrows(InvalidArgumentException.class, () -> http.send(Request.builder("", "http://127.0.0.1:1/").build()));
      assertThrows(IllegalArgumentException.class, () -> http.send(Request.get("http://127.0.0.1:1/\0x")));
      assertThrows(InvalidArgumentException.class,
          () -> http.send(Request.builder("GET", "http://127.0.0.1:1/").header("Bad Name", "v").build()));
      assertThrows(InvalidArgumentException.class,
          () -> http.send(Request.builder("GET", "http://127.0.0.1:1/").header("X", "a\r\nInjected: yes").build()));
      NetworkException refused = assertThrows(NetworkException.class, () -> http.send(Request.get("http://127.0.0.1:1/")));
      assertTrue(refused.isTransient());
      // The library checks the ranges (InvalidArgumentException naming the field), not the builder.
      assertThrows(InvalidArgumentException.class,
          () -> Http.create(HttpOptions.builder().timeout(Duration.ofSeconds(-1)).build()));

      assertThrows(InvalidArgumentException.class, () -> TokenClient.builder("http://127.0.0.1:1/t", "").http(http).build());
      assertThrows(InvalidArgumentException.class, () -> TokenClient.builder("not a url", "c").http(http).build());
      assertThrows(IllegalArgumentException.class, () -> TokenClient.builder("http://127.0.0.1:1/t", "c\0d").http(http).build());
      assertThrows(InvalidArgumentException.class, () -> TokenClient.builder("http://127.0.0.1:1/t", "c").http(http)
          .assertion(AssertionOptions.builder().lifetime(Duration.ofHours(2)).build()).build());
      assertThrows(InvalidArgumentException.class,
          () -> TokenClient.builder("http://127.0.0.1:1/t", "c").http(http).param("", "x").build());
      assertThrows(IllegalArgumentException.class, () -> ClientAuth.fromName("client_secret_nonsense"));
      assertEquals(ClientAuth.PRIVATE_KEY_JWT, ClientAuth.fromName("private_key_jwt"));
      TokenClient.Builder once = TokenClient.builder("http://127.0.0.1:1/t", "c").http(http);
      once.build().close();
      assertThrows(IllegalStateException.class, once::build);

      try (TokenClient client = TokenClient.builder("http://127.0.0.1:1/t", "c").http(http)
          .clientSecret("s".toCharArray()).build()) {
        assertThrows(InvalidArgumentException.class,
            () -> TokenManager.create(client, ManagerOptions.builder().refreshFraction(2).build()));
        assertThrows(InvalidArgumentException.class,
            () -> TokenManager.create(client, ManagerOptions.builder().idempotencyHeader("Bad Header").build()));
        assertThrows(InvalidArgumentException.class,
            () -> TokenManager.create(client, ManagerOptions.builder().waitTimeout(Duration.ofSeconds(-1)).build()));
        try (TokenManager m = TokenManager.create(client, ManagerOptions.builder().waitTimeout(Duration.ofSeconds(2))
            .backoffBase(Duration.ofMillis(100)).backoffMax(Duration.ofMillis(200)).build())) {
          NetworkException e = assertThrows(NetworkException.class, m::token);
          assertTrue(e.isTransient());
          assertThrows(NullPointerException.class, () -> m.authorize(null));
          assertThrows(IllegalArgumentException.class, () -> m.invalidate("a\0b"));
        }
      }

      assertThrows(InvalidArgumentException.class, () -> OAuth1Signer.builder("").build());
      assertThrows(InvalidArgumentException.class,
          () -> OAuth1Signer.builder("k").param("not_oauth", "x").build());
      try (OAuth1Signer body = OAuth1Signer.builder("k").placement(OAuth1Placement.BODY).build()) {
        assertThrows(InvalidArgumentException.class, () -> body.sign(Request.get("https://a.example/")));
        assertThrows(InvalidArgumentException.class,
            () -> body.baseString(Request.builder("POST", "https://a.example/").build(), "", 1));
      }
      try (OAuth1Signer rsa = OAuth1Signer.builder("k").method(OAuth1Method.RSA_SHA1).build()) {
        M2mauthException e = assertThrows(M2mauthException.class, () -> rsa.sign(Request.get("https://a.example/")));
        assertEquals("config", e.getName());
      }
    }
  }
}
