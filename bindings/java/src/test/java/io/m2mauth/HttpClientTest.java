package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TokenManager with the JDK's java.net.http client (send, sendAsync) and tokenAsync() over
 * m2mauth_token_manager_get_async, against a loopback API and token endpoint ({@link ApiServer}) that
 * checks the bearer token of every request.
 */
class HttpClientTest {
  private static HttpClient httpClient;
  private static Http http;
  private static ExecutorService pool;
  private ApiServer server;
  private TokenClient client;

  @BeforeAll
  static void startClient() {
    httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    http = Http.create();
    pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-completion");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stopClient() {
    pool.shutdownNow();
    http.close();
  }

  @BeforeEach
  void start() throws Exception {
    server = new ApiServer();
    client = TokenClient.builder(server.url("/token"), "svc").http(http).clientSecret("s3cret".toCharArray())
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(10));
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  /** The cause of the failure f completes with (bounded). */
  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void sendAttachesTheManagedToken() throws Exception {
    try (TokenManager tokens = TokenManager.create(client)) {
      HttpRequest.Builder b = get("/things").header("Authorization", "Basic stale");
      HttpResponse<String> r = tokens.send(httpClient, b, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("ok GET /things", r.body());
      HttpResponse<String> again = tokens.send(httpClient, b, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, again.statusCode());
      assertEquals(List.of("Bearer tok-1", "Bearer tok-1"), server.authorizations);
      assertEquals(1, server.tokenRequests.get());
      // The caller's builder is not changed (its own header stays; it is replaced on the wire only).
      assertEquals(List.of("Basic stale"), b.build().headers().allValues("Authorization"));
      assertEquals("Bearer tok-1", r.request().headers().firstValue("Authorization").orElse(""));
    }
  }

  @Test
  void sendRetriesOnceWithANewTokenAfter401() throws Exception {
    try (TokenManager tokens = TokenManager.create(client)) {
      assertEquals("tok-1", tokens.token().accessToken());
      server.revoke("tok-1");
      HttpRequest.Builder b = get("/orders").POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}"))
          .header("Idempotency-Key", "k-1");
      HttpResponse<InputStream> r = tokens.send(httpClient, b, HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode());
      try (InputStream in = r.body()) {
        assertEquals("ok POST /orders", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      assertEquals(List.of("Bearer tok-1", "Bearer tok-2"), server.authorizations);
      assertEquals(2, server.tokenRequests.get());
      assertEquals("tok-2", tokens.token().accessToken());
    }
  }

  @Test
  void sendGivesUpAfterOneRetry() throws Exception {
    server.alwaysUnauthorized.set(true);
    try (TokenManager tokens = TokenManager.create(client)) {
      HttpResponse<String> r = tokens.send(httpClient, get("/x"), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, r.statusCode());
      assertEquals(2, server.apiRequests.get());
      assertEquals(2, server.tokenRequests.get());
      assertEquals(List.of("Bearer tok-1", "Bearer tok-2"), server.authorizations);
    }
  }

  @Test
  void sendThrowsTheTokenFailure() {
    server.refuse.set(true);
    try (TokenManager tokens = TokenManager.create(client)) {
      OAuth2Exception e = assertThrows(OAuth2Exception.class,
          () -> tokens.send(httpClient, get("/x"), HttpResponse.BodyHandlers.ofString()));
      assertEquals("invalid_client", e.getError());
      assertEquals(401, e.getHttpStatus());
      assertEquals(0, server.apiRequests.get());
      assertFalse(e.toString().contains("s3cret"));
    }
  }

  @Test
  void sendAsyncAttachesAndRetries() throws Exception {
    try (TokenManager tokens = TokenManager.create(client)) {
      HttpResponse<String> r = await(tokens.sendAsync(httpClient, get("/a"), HttpResponse.BodyHandlers.ofString()));
      assertEquals(200, r.statusCode());
      assertEquals("ok GET /a", r.body());
      server.revoke("tok-1");
      HttpRequest.Builder b = get("/b");
      CompletableFuture<HttpResponse<String>> f = tokens.sendAsync(httpClient, b, HttpResponse.BodyHandlers.ofString());
      b.header("X-Changed-After", "1"); // the call copied the builder when it started
      HttpResponse<String> r2 = await(f);
      assertEquals(200, r2.statusCode());
      assertEquals("ok GET /b", r2.body());
      assertFalse(r2.request().headers().firstValue("X-Changed-After").isPresent());
      assertEquals(List.of("Bearer tok-1", "Bearer tok-1", "Bearer tok-2"), server.authorizations);
      assertEquals(2, server.tokenRequests.get());

      server.alwaysUnauthorized.set(true);
      HttpResponse<String> r3 = await(tokens.sendAsync(httpClient, get("/c"), HttpResponse.BodyHandlers.ofString()));
      assertEquals(401, r3.statusCode());
      assertEquals(5, server.apiRequests.get());
    }
  }

  @Test
  void sendAsyncFailsWithTheTokenFailure() throws Exception {
    server.refuse.set(true);
    try (TokenManager tokens = TokenManager.create(client)) {
      Throwable cause = failure(tokens.sendAsync(httpClient, get("/x"), HttpResponse.BodyHandlers.ofString()));
      assertInstanceOf(OAuth2Exception.class, cause);
      assertEquals("invalid_client", ((OAuth2Exception) cause).getError());
      assertEquals(0, server.apiRequests.get());
    }
  }

  @Test
  void tokenAsyncOfACachedTokenIsCompleteAtOnce() throws Exception {
    try (TokenManager tokens = TokenManager.create(client)) {
      Token t = tokens.token();
      CompletableFuture<Token> f = tokens.tokenAsync();
      assertTrue(f.isDone());
      assertSame(t, f.getNow(null));
    }
  }

  @Test
  void tokenAsyncWaitsWithoutAThreadAndCompletesEveryCaller() throws Exception {
    try (TokenManager tokens = TokenManager.create(client)) {
      server.holdTokens();
      Set<String> threads = ConcurrentHashMap.newKeySet();
      Executor recording = r -> pool.execute(() -> {
        threads.add(Thread.currentThread().getName());
        r.run();
      });
      int threadsBefore = Thread.activeCount();
      List<CompletableFuture<Token>> futures = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        futures.add(tokens.tokenAsync(null, recording));
      }
      Thread.sleep(100);
      // 32 callers wait on one fetch without a Java thread each (the fetch itself runs on the manager's
      // refresh thread, attached to the JVM; the test server has its own threads).
      assertTrue(Thread.activeCount() - threadsBefore < 8, (Thread.activeCount() - threadsBefore) + " new threads");
      for (CompletableFuture<Token> f : futures) {
        assertFalse(f.isDone());
      }
      server.release();
      Token first = await(futures.get(0));
      assertEquals("tok-1", first.accessToken());
      assertEquals("Bearer", first.tokenType());
      for (CompletableFuture<Token> f : futures) {
        assertEquals("tok-1", await(f).accessToken());
      }
      assertEquals(1, server.tokenRequests.get());
      // Completed on the executor given, never on the library's thread.
      assertEquals(Set.of("test-completion"), threads);
      // What tokenAsync read is token()'s cached view: the same object, no native wait.
      assertSame(first, tokens.token());
    }
  }

  @Test
  void tokenAsyncForAnotherKey() throws Exception {
    try (TokenManager tokens = TokenManager.create(client)) {
      Token configured = tokens.token();
      TokenScope key = TokenScope.of("api.write").withAudience("https://api.example");
      server.holdTokens();
      List<CompletableFuture<Token>> futures = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        futures.add(tokens.tokenAsync(key, null, pool));
      }
      Thread.sleep(100);
      for (CompletableFuture<Token> f : futures) {
        assertFalse(f.isDone());
      }
      server.release();
      for (CompletableFuture<Token> f : futures) {
        Token t = await(f);
        assertEquals("tok-2", t.accessToken());
        assertEquals("api.write", t.scope());
        assertEquals("Bearer", t.tokenType());
      }
      assertEquals(2, server.tokenRequests.get(), "one token request for the new key, shared by 16 callers");
      String form = server.tokenForms.get(1);
      assertTrue(form.contains("scope=api.write") && form.contains("audience=https%3A%2F%2Fapi.example"), form);
      // Cached now: a completed future, the Token token(key) returns; the configured key is untouched.
      CompletableFuture<Token> again = tokens.tokenAsync(key);
      assertTrue(again.isDone());
      assertSame(tokens.token(key), again.getNow(null));
      assertSame(configured, tokens.token());
      assertSame(configured, tokens.tokenAsync((TokenScope) null, null, pool).getNow(null));
      assertEquals(2, server.tokenRequests.get());
      // Another key, held: bounded by the options, ended by future.cancel.
      server.holdTokens();
      long start = System.nanoTime();
      CompletableFuture<Token> timed =
          tokens.tokenAsync(TokenScope.of("api.admin"), CallOptions.timeout(Duration.ofMillis(100)));
      assertInstanceOf(NetworkTimeoutException.class, failure(timed));
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5000);
      CompletableFuture<Token> cancelled = tokens.tokenAsync(TokenScope.of("api.other"));
      assertTrue(cancelled.cancel(true));
      assertTrue(cancelled.isCancelled());
      server.release();
      assertThrows(NullPointerException.class, () -> tokens.tokenAsync((TokenScope) null));
    }
  }

  @Test
  void tokenAsyncTimesOut() throws Exception {
    try (TokenManager tokens = TokenManager.create(client)) {
      server.holdTokens();
      long start = System.nanoTime();
      CompletableFuture<Token> f = tokens.tokenAsync(CallOptions.timeout(Duration.ofMillis(100)));
      assertInstanceOf(NetworkTimeoutException.class, failure(f));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(ms < 5000, ms + " ms");
    }
  }

  @Test
  void tokenAsyncEndsOnItsCancel() throws Exception {
    try (TokenManager tokens = TokenManager.create(client); Cancel cancel = new Cancel()) {
      server.holdTokens();
      CompletableFuture<Token> f = tokens.tokenAsync(CallOptions.cancel(cancel));
      Thread.sleep(50);
      assertFalse(f.isDone());
      cancel.cancel();
      assertInstanceOf(CancelledException.class, failure(f));
    }
  }

  @Test
  void cancellingTheFutureEndsTheNativeWaitAndReleasesIt() throws Exception {
    try (TokenManager tokens = TokenManager.create(client)) {
      server.holdTokens();
      CompletableFuture<Token> f = tokens.tokenAsync();
      Thread.sleep(50);
      assertTrue(f.cancel(true));
      assertThrows(CancellationException.class, f::join);
      // The library calls back once the wait ended and then drops its reference to the future: it
      // becomes unreachable (a payload never released would keep it forever).
      WeakReference<CompletableFuture<Token>> ref = new WeakReference<>(f);
      f = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (ref.get() != null && System.nanoTime() < deadline) {
        System.gc();
        Thread.sleep(20);
      }
      assertEquals(null, ref.get(), "the library still holds the cancelled call");
      server.release();
      assertEquals("tok-1", tokens.token().accessToken()); // the shared refresh went on
    }
  }

  @Test
  void tokenAsyncFailureAndBackoff() throws Exception {
    server.refuse.set(true);
    try (TokenManager tokens = TokenManager.create(client)) {
      Throwable cause = failure(tokens.tokenAsync());
      assertInstanceOf(OAuth2Exception.class, cause);
      OAuth2Exception e = (OAuth2Exception) cause;
      assertEquals("invalid_client", e.getError());
      assertEquals(401, e.getHttpStatus());
      // Within the backoff the outcome is known at once: completed before tokenAsync returns.
      CompletableFuture<Token> again = tokens.tokenAsync();
      assertTrue(again.isDone());
      assertInstanceOf(OAuth2Exception.class, failure(again));
      assertEquals(1, server.refused.get());
    }
  }

  @Test
  void closingTheManagerCompletesPendingCalls() throws Exception {
    TokenManager tokens = TokenManager.create(client);
    server.holdTokens();
    CompletableFuture<Token> f = tokens.tokenAsync();
    Thread.sleep(50);
    tokens.close();
    assertInstanceOf(CancelledException.class, failure(f));
    assertThrows(IllegalStateException.class, tokens::tokenAsync);
  }

  @Test
  void aStageChainedOnTheFutureMayCloseTheManager() throws Exception {
    TokenManager tokens = TokenManager.create(client);
    server.holdTokens();
    CompletableFuture<String> f = tokens.tokenAsync().thenApply(t -> {
      tokens.close(); // on the completion executor: the library's thread is not waiting for it
      return t.accessToken();
    });
    server.release();
    assertEquals("tok-1", await(f));
    assertTrue(tokens.isClosed());
    assertNotEquals(0, server.tokenRequests.get());
  }
}
