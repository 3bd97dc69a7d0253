package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.m2mauth.senhasegura.A2AClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-call bounds (CallOptions, Cancel over m2mauth_call_options / m2mauth_cancel) and the token view
 * (TokenManager.token(), token(TokenScope)), against a loopback server that answers token requests and
 * never answers anything else.
 */
class CallOptionsTest {
  /** 100 ms asked for; margin for loaded CI machines (the figures are printed). */
  private static final long BUDGET_MS = 250;

  private static StallServer server;
  private static Http http;
  private static TokenClient client;
  private static ScheduledExecutorService timer;

  @BeforeAll
  static void start() throws Exception {
    server = new StallServer();
    http = Http.create();
    client = TokenClient.builder(server.url("/token"), "svc").http(http).clientSecret("s3cret".toCharArray())
        .scope("api.read").build();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "canceller");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stop() throws Exception {
    timer.shutdownNow();
    client.close();
    http.close();
    server.close();
  }

  /** A native call that must end by a cancel from another thread. */
  interface CancelledCall {
    void run(CallOptions options);
  }

  /** The median of 5 latencies from cancel() (50 ms after the start, another thread) to call's end. */
  private static long medianCancelMillis(String what, CancelledCall call) throws Exception {
    List<Long> runs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      try (Cancel cancel = new Cancel()) {
        AtomicLong at = new AtomicLong();
        timer.schedule(() -> {
          at.set(System.nanoTime());
          cancel.cancel();
        }, 50, TimeUnit.MILLISECONDS);
        assertThrows(CancelledException.class, () -> call.run(CallOptions.cancel(cancel)), what);
        long done = System.nanoTime();
        assertTrue(cancel.isCancelled());
        runs.add(TimeUnit.NANOSECONDS.toMillis(done - at.get()));
      }
    }
    Collections.sort(runs);
    System.out.println("cancel latency, " + what + ": median " + runs.get(2) + " ms, max " + runs.get(4) + " ms");
    return runs.get(2);
  }

  private static void assertTimesOut(String what, Consumer<CallOptions> call) {
    long start = System.nanoTime();
    assertThrows(NetworkTimeoutException.class, () -> call.accept(CallOptions.timeout(Duration.ofMillis(150))), what);
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(took >= 100 && took < 2000, what + " took " + took + " ms");
    Instant soon = Instant.now().plusMillis(150);
    start = System.nanoTime();
    assertThrows(NetworkTimeoutException.class,
        () -> call.accept(CallOptions.builder().deadline(soon).build()), what + " (deadline)");
    took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(took < 2000, what + " (deadline) took " + took + " ms");
  }

  @Test
  void cancelFromAnotherThreadStopsTheNativeCall() throws Exception {
    Request stalled = Request.get(server.url("/api/stall"));
    try (TokenManager tokens = TokenManager.create(client)) {
      tokens.token(); // cached: the managed request waits on the API
      int closedBefore = server.closedByClient.get();
      long send = medianCancelMillis("Http.send", o -> http.send(stalled, o));
      long managed = medianCancelMillis("TokenManager.request (send)", o -> tokens.request(stalled, o));
      // The transfers themselves stopped: the server saw the client close its connections.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (server.closedByClient.get() - closedBefore < 10 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertEquals(10, server.closedByClient.get() - closedBefore, "stalled connections closed by the client");

      server.stallTokens.set(true);
      try (TokenManager cold = TokenManager.create(client)) {
        long fetch = medianCancelMillis("TokenClient.fetch", o -> client.fetch(o));
        long token = medianCancelMillis("TokenManager.token (wait)", o -> cold.token(o));
        long other = medianCancelMillis("TokenManager.token(key) (wait)",
            o -> tokens.token(TokenScope.of("api.admin"), o));
        long wait = medianCancelMillis("TokenManager.request (token wait)",
            o -> cold.request(Request.get(server.url("/api/x")), o));
        for (long ms : new long[] {send, managed, fetch, token, other, wait}) {
          assertTrue(ms < BUDGET_MS, "cancel took " + ms + " ms");
        }
      } finally {
        server.stallTokens.set(false);
      }
    }
  }

  @Test
  void timeoutAndDeadlineBoundTheNativeCall() {
    Request stalled = Request.get(server.url("/api/stall"));
    try (TokenManager tokens = TokenManager.create(client)) {
      tokens.token();
      assertTimesOut("Http.send", o -> http.send(stalled, o));
      assertTimesOut("TokenManager.request", o -> tokens.request(stalled, o));
      server.stallTokens.set(true);
      try (TokenManager cold = TokenManager.create(client)) {
        assertTimesOut("TokenClient.fetch", o -> client.fetch(o));
        assertTimesOut("TokenManager.token", o -> cold.token(o));
        assertTimesOut("TokenManager.token(key)", o -> tokens.token(TokenScope.of(null, null, "https://res"), o));
      } finally {
        server.stallTokens.set(false);
      }
      // An instant long past times out at once; none bounds nothing.
      assertThrows(NetworkTimeoutException.class,
          () -> http.send(stalled, CallOptions.builder().deadline(Instant.EPOCH).build()));
      assertEquals(200, http.send(Request.post(server.url("/token"), "application/x-www-form-urlencoded",
          new byte[0]), CallOptions.none()).status());
    }
  }

  @Test
  void a2aCallsAreBoundedAndCancellable() throws Exception {
    // Every A2A call has a CallOptions overload (m2mauth_a2a_*_with), as in C, C++, Python and Go.
    try (A2AClient a2a = A2AClient.builder(server.url("")).http(http)
        .queryToken("ck", "tk".toCharArray()).build()) {
      int closedBefore = server.closedByClient.get();
      List<Long> cancels = new ArrayList<>();
      cancels.add(medianCancelMillis("A2AClient.credential", o -> a2a.credential("5", o)));
      cancels.add(medianCancelMillis("A2AClient.info", o -> a2a.info("10", o)));
      cancels.add(medianCancelMillis("A2AClient.sshKey", o -> a2a.sshKey("7", o)));
      cancels.add(medianCancelMillis("A2AClient.dsmApplications", o -> a2a.dsmApplications(o)));
      cancels.add(medianCancelMillis("A2AClient.call", o -> a2a.call("GET", "pam/device/1", null, true, o)));
      for (long ms : cancels) {
        assertTrue(ms < BUDGET_MS, "cancel took " + ms + " ms");
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (server.closedByClient.get() - closedBefore < 25 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertEquals(25, server.closedByClient.get() - closedBefore, "stalled A2A connections closed by the client");
      assertTimesOut("A2AClient.credential", o -> a2a.credential("5", o));
      assertTimesOut("A2AClient.call", o -> a2a.call("GET", "pam/device/1", null, true, o));
    }
  }

  @Test
  void cancelledBeforeTheCallAndClosedSignals() throws Exception {
    Cancel cancel = new Cancel();
    cancel.cancel();
    cancel.cancel(); // idempotent
    assertTrue(cancel.isCancelled());
    try (TokenManager tokens = TokenManager.create(client)) {
      server.stallTokens.set(true);
      try {
        assertThrows(CancelledException.class, () -> tokens.token(TokenScope.of("never"), CallOptions.cancel(cancel)));
      } finally {
        server.stallTokens.set(false);
      }
    }
    cancel.close();
    cancel.close();
    assertTrue(cancel.isClosed());
    assertTrue(cancel.isCancelled());
    cancel.cancel(); // a no-op once closed
    assertThrows(IllegalStateException.class, () -> http.send(Request.get(server.url("/x")), CallOptions.cancel(cancel)));
    try (Cancel fresh = new Cancel()) {
      assertFalse(fresh.isCancelled());
      assertTrue(fresh.toString().contains("not cancelled"));
    }
  }

  @Test
  void outOfRangeDurationsAreRefusedByTheLibrary() {
    // Beyond a long's milliseconds: clamped, then refused by the library's range rule (typed), not an
    // ArithmeticException in the binding.
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
    Duration hugeNegative = Duration.ofSeconds(Long.MIN_VALUE);
    assertEquals(Long.MAX_VALUE, Durations.millis(huge));
    assertEquals(Long.MIN_VALUE, Durations.millis(hugeNegative));
    assertEquals(1, Durations.millis(Duration.ofNanos(1)));
    assertEquals(-1, Durations.millis(Duration.ofNanos(-1)));
    assertEquals(0, Durations.millis(Duration.ZERO));
    assertEquals(Long.MAX_VALUE, Durations.epochMillis(Instant.MAX));
    assertEquals(Long.MIN_VALUE, Durations.epochMillis(Instant.MIN));
    for (Duration d : new Duration[] {huge, hugeNegative}) {
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
          () -> ManagerOptions.builder().waitTimeout(d).build().describe());
      assertTrue(e.getMessage().contains("wait_timeout_ms"), e.getMessage());
      assertThrows(InvalidArgumentException.class, () -> HttpOptions.builder().timeout(d).build().describe());
    }
    // A negative call timeout is refused by the library too.
    assertThrows(InvalidArgumentException.class,
        () -> http.send(Request.get(server.url("/x")), CallOptions.timeout(hugeNegative)));
    assertThrows(InvalidArgumentException.class,
        () -> http.send(Request.get(server.url("/x")), CallOptions.timeout(Duration.ofMillis(-5))));
  }

  @Test
  void tokenViewForTheConfiguredAndAnotherKey() {
    try (TokenManager tokens = TokenManager.create(client)) {
      int before = server.tokens.get();
      Token first = tokens.token();
      assertEquals("Bearer", first.tokenType());
      assertEquals("api.read", first.scope());
      assertTrue(first.expiresAt().isAfter(Instant.now().plus(Duration.ofMinutes(50))));
      assertSame(first, tokens.token(), "the same token is the same object");
      assertSame(first, tokens.token(CallOptions.timeout(Duration.ofSeconds(5))));

      Token other = tokens.token(TokenScope.of("api.write"));
      assertNotSame(first, other);
      assertFalse(other.accessToken().equals(first.accessToken()));
      assertEquals("api.write", other.scope());
      assertEquals("Bearer", other.tokenType());
      assertTrue(other.expiresAt().isAfter(Instant.now().plus(Duration.ofMinutes(50))));
      assertEquals(other.accessToken(), tokens.token(TokenScope.of("api.write")).accessToken());
      Token withAudience = tokens.token(TokenScope.of("api.write").withAudience("https://api"));
      assertFalse(withAudience.accessToken().equals(other.accessToken()), "scope + audience is a key of its own");
      assertEquals(TokenScope.of("api.write", "https://api", null), TokenScope.of("api.write").withAudience("https://api"));
      assertSame(first, tokens.token());
      assertEquals(3, server.tokens.get() - before, "one token request per key");
      // Another key's Token carries the scope the server granted, not the one asked for.
      assertEquals("api.narrow", tokens.token(TokenScope.of("api.wide")).scope());
      assertEquals("api.narrow", tokens.token(TokenScope.of("api.wide")).scope()); // and so does its cached copy

      // A new token for the configured key is seen at once.
      tokens.invalidate(first);
      Token renewed = tokens.token();
      assertFalse(renewed.accessToken().equals(first.accessToken()));
      assertEquals("api.read", renewed.scope());
      assertSame(renewed, tokens.token());
      assertFalse(other.toString().contains(other.accessToken()));
      assertThrows(IllegalArgumentException.class, () -> tokens.token(TokenScope.of("a\0b")));
    }
    TokenManager closed = TokenManager.create(client);
    closed.close();
    assertThrows(IllegalStateException.class, () -> closed.token(TokenScope.of("x")));
  }
}
