package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TokenManager.stats() (issue 15): real token requests against the fault server, counted by the library. */
@LoopbackTest
class TokenStatsTest {
  @Test
  void statsCountATransientFailureAFetchAnotherKeyAndAPermanentFailure() {
    LoopbackServers s = LoopbackServers.get();
    String ctl = s.resetFault();
    ManagerOptions options = OAuth2Test.testOptions().minFetchInterval(Duration.ZERO)
        .backoffBase(Duration.ofMillis(1)).backoffMax(Duration.ofMillis(50)).permanentBackoff(Duration.ZERO).build();
    try (TokenClient client = OAuth2Test.faultClient(null); TokenManager m = TokenManager.create(client, options)) {
      TokenStats empty = m.stats();
      assertFalse(empty.hasToken());
      assertEquals("none", empty.source());
      assertNull(empty.expiresAt());

      LoopbackServers.control(ctl + "/script", "POST", "[{\"status\":503}]");
      Token t = m.token();
      TokenStats st = m.stats();
      assertEquals(1, st.requestsOk());
      assertEquals(1, st.requestsTransient());
      assertEquals(0, st.requestsPermanent());
      assertEquals(1, st.waits());
      assertEquals(2L, st.refreshLatency().stream().mapToLong(Long::longValue).sum());
      assertEquals(TokenStats.LATENCY_BOUNDS.size() + 1, st.refreshLatency().size());
      assertTrue(st.hasToken());
      assertEquals("fetched", st.source());
      assertEquals(t.expiresAt().toEpochMilli(), st.expiresAt().toEpochMilli());
      assertTrue(st.expiresIn().compareTo(Duration.ZERO) > 0);
      assertEquals(503, st.lastHttpStatus());
      assertEquals("http", st.lastErrorCategory());
      assertTrue(st.configured());

      LoopbackServers.control(ctl + "/script", "POST", "[{\"status\":400,\"error\":\"invalid_scope\"}]");
      TokenScope other = TokenScope.of("read", null, "https://api.example/");
      try {
        m.token(other);
      } catch (M2mauthException e) {
        // the scripted refusal
      }
      m.token(other);
      List<TokenStats> all = m.statsAll();
      assertEquals(2, all.size());
      TokenStats o = all.get(1);
      assertEquals("read", o.scope());
      assertEquals(List.of("https://api.example/"), o.resources());
      assertEquals(1, o.requestsPermanent());
      assertEquals(1, o.requestsOk());
      assertEquals("invalid_scope", o.lastOAuthError());
      assertEquals("oauth_refusal", o.lastErrorCategory());
      assertEquals(400, o.lastHttpStatus());
      assertEquals(1, m.stats().requestsOk()); // the configured key saw none of it
      // One key, looked up by the library as token(key) reads it; another key is not found.
      TokenStats byKey = m.stats(other);
      assertEquals("read", byKey.scope());
      assertFalse(byKey.configured());
      assertEquals(1, byKey.requestsPermanent());
      assertEquals(1, byKey.requestsOk());
      assertThrows(NotFoundException.class, () -> m.stats(TokenScope.of("read")));
      String text = all.toString();
      assertFalse(text.contains(t.accessToken()));
      assertFalse(text.contains(new String(LoopbackServers.secret("svc-basic"))));
    }
  }

  /**
   * token() returns the token it returned before without a native call while it is fresh; it counts those
   * reads in counters the library adds to cache_hits, so every token() after the fetch is one hit, on one
   * thread or many.
   */
  @Test
  void statsCountTheTokensServedWithoutTheLibrary() throws InterruptedException {
    LoopbackServers.get().resetFault();
    ManagerOptions options = OAuth2Test.testOptions().minFetchInterval(Duration.ZERO).build();
    try (TokenClient client = OAuth2Test.faultClient(null); TokenManager m = TokenManager.create(client, options)) {
      m.token(); // the fetch: a wait, not a hit
      TokenStats before = m.stats();
      assertEquals(1, before.requestsOk());
      for (int i = 0; i < 1000; i++) {
        m.token();
      }
      TokenStats st = m.stats();
      assertEquals(before.cacheHits() + 1000, st.cacheHits());
      assertEquals(1, st.requestsOk());
      Thread[] threads = new Thread[8];
      for (int t = 0; t < threads.length; t++) {
        threads[t] = new Thread(() -> {
          for (int i = 0; i < 500; i++) {
            m.token();
          }
        });
        threads[t].start();
      }
      for (Thread t : threads) {
        t.join(30_000);
      }
      assertEquals(st.cacheHits() + 4000, m.statsAll().get(0).cacheHits());
      m.tokenAsync().join(); // a completed future from the same reuse: one hit more
      assertEquals(st.cacheHits() + 4001, m.stats().cacheHits());
      // Another key's reuse is counted for that key, and not for the configured one.
      TokenScope other = TokenScope.of("read", null, "https://api.example/");
      m.token(other); // its fetch
      long configured = m.stats().cacheHits();
      long otherBefore = m.stats(other).cacheHits();
      for (int i = 0; i < 300; i++) {
        m.token(other);
      }
      m.tokenAsync(other).join();
      assertEquals(otherBefore + 301, m.stats(other).cacheHits());
      assertEquals(configured, m.stats().cacheHits());
      assertEquals(2, m.statsAll().size());
    }
  }
}
