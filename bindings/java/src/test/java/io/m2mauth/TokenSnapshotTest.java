package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * token() returns the token it returned before without a native call while the library says it is fresh
 * and the key's generation counter is unchanged; these tests check that what changes the token is seen
 * by the very next read.
 */
class TokenSnapshotTest {
  private ApiServer server;
  /** The server's count of tokens issued and the lifetime it gives them. */
  private AtomicInteger tokens;
  private AtomicLong lifetime;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    server = new ApiServer();
    tokens = server.tokenRequests;
    lifetime = server.lifetime;
    http = Http.create();
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  private TokenClient client() {
    return TokenClient.builder(server.url("/token"), "svc").http(http)
        .clientSecret("s3cret".toCharArray()).scope("api.read").build();
  }

  @Test
  void invalidateFromAnotherThreadIsSeenByTheNextRead() throws Exception {
    try (TokenClient client = client();
        TokenManager m = TokenManager.create(client, ManagerOptions.builder().minFetchInterval(Duration.ZERO).build())) {
      Token first = m.token();
      assertEquals("tok-1", first.accessToken());
      assertSame(first, m.token());
      CompletableFuture.runAsync(() -> m.invalidate("tok-1")).get(10, TimeUnit.SECONDS);
      assertEquals("tok-2", m.token().accessToken());

      TokenScope key = TokenScope.of("api.write");
      Token other = m.token(key);
      assertEquals("tok-3", other.accessToken());
      assertSame(other, m.token(key));
      assertEquals(3, tokens.get());
      m.close();
      assertThrows(IllegalStateException.class, m::token);
      assertThrows(IllegalStateException.class, () -> m.token(key));
    }
  }

  @Test
  void aRefreshIsPickedUp() throws Exception {
    lifetime.set(4);
    CountDownLatch refreshed = new CountDownLatch(1);
    ManagerOptions o = ManagerOptions.builder().refreshFraction(0.1).refreshMargin(Duration.ZERO)
        .expirySkew(Duration.ZERO).jitterFraction(0).minFetchInterval(Duration.ZERO)
        .eventListener(e -> {
          if (e.kind() == TokenEvent.Kind.REFRESHED) {
            refreshed.countDown();
          }
        }).build();
    try (TokenClient client = client(); TokenManager m = TokenManager.create(client, o)) {
      assertEquals("tok-1", m.token().accessToken());
      lifetime.set(3600);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (refreshed.getCount() > 0) {
        if (System.nanoTime() > deadline) {
          fail("no refresh within 10 s");
        }
        m.token(); // from the snapshot until the refresh is due, which a native read then starts
        Thread.sleep(1);
      }
      assertEquals("tok-2", m.token().accessToken());
    }
  }

  @Test
  void cacheHitEventsMeanEveryReadIsNative() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    ManagerOptions o = ManagerOptions.builder().reportCacheHits(true).eventListener(e -> {
      if (e.kind() == TokenEvent.Kind.CACHE_HIT) {
        hits.incrementAndGet();
      }
    }).build();
    int reads = 50;
    try (TokenClient client = client(); TokenManager m = TokenManager.create(client, o)) {
      for (int i = 0; i < reads; i++) {
        assertEquals("tok-1", m.token().accessToken());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (hits.get() < reads - 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(hits.get() >= reads - 1, hits.get() + " cache_hit events for " + (reads - 1) + " cached reads");
    }
  }

  @Test
  void aZeroLifetimeTokenIsNeverReused() {
    lifetime.set(0);
    ManagerOptions o = ManagerOptions.builder().minFetchInterval(Duration.ZERO).expirySkew(Duration.ZERO).build();
    try (TokenClient client = client(); TokenManager m = TokenManager.create(client, o)) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        int before = tokens.get();
        String t = m.token().accessToken();
        assertTrue(seen.add(t), t + " served again");
        assertNotEquals(before, tokens.get());
      }
    }
  }

  @Test
  void aTokenStaleOnArrivalCostsOneRequestPerRead() {
    // A lifetime under the fetch floor: the token goes to the read that waited for it, and one native read
    // gives the whole token (scope included), so each token() costs one token request, not two.
    lifetime.set(0);
    ManagerOptions o = ManagerOptions.builder().minFetchInterval(Duration.ofMillis(300)).build();
    try (TokenClient client = client(); TokenManager m = TokenManager.create(client, o)) {
      for (int i = 1; i <= 3; i++) {
        Token t = m.token();
        assertEquals("tok-" + i, t.accessToken());
        assertEquals("api.read", t.scope());
        assertEquals(i, tokens.get());
      }
    }
  }

  @Test
  void closeWhileThreadsReadTheCachedTokenNeverCrashes() throws Exception {
    // token()'s reads of the library's counters run inside the manager's read gate: close waits for those in
    // flight and turns the rest away, so every reader ends with IllegalStateException, never a crash.
    for (int round = 0; round < 20; round++) {
      try (TokenClient client = client()) {
        TokenManager m = TokenManager.create(client);
        Token first = m.token();
        int threads = 4;
        CountDownLatch reading = new CountDownLatch(threads);
        AtomicLong served = new AtomicLong();
        AtomicInteger refused = new AtomicInteger();
        Thread[] readers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
          readers[t] = new Thread(() -> {
            reading.countDown();
            try {
              for (;;) {
                assertSame(first, m.token());
                served.incrementAndGet();
              }
            } catch (IllegalStateException closed) {
              refused.incrementAndGet();
            }
          });
          readers[t].start();
        }
        assertTrue(reading.await(10, TimeUnit.SECONDS));
        Thread.sleep(2);
        m.close();
        for (Thread r : readers) {
          r.join(10_000);
          assertTrue(!r.isAlive(), "a reader still runs after close");
        }
        assertEquals(threads, refused.get());
        assertTrue(served.get() > 0);
        assertEquals(1, tokens.get() - round);
      }
    }
  }
}
