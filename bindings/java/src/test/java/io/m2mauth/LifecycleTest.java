package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LifecycleTest {
  @Test
  void useAfterCloseThrowsIllegalState() {
    Key key = Key.generateEc("P-256");
    String token = Jws.sign("x", key, null, null);
    Certificate cert = Certificate.selfSigned(key, "c", 1);
    JwtVerifier verifier = JwtVerifier.create(key, EnumSet.of(Algorithm.ES256), null);
    key.close();
    key.close();
    assertTrue(key.isClosed());
    assertThrows(IllegalStateException.class, () -> Jws.sign("x", key, null, null));
    assertThrows(IllegalStateException.class, key::publicPem);
    assertThrows(IllegalStateException.class, key::publicKey);
    assertThrows(IllegalStateException.class, () -> Jws.verify(token, key, EnumSet.of(Algorithm.ES256)));
    assertEquals("Key[closed]", key.toString());
    // What was made from the key lives on.
    try (Key pub = cert.publicKey()) {
      assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), Jws.verify(token, pub, EnumSet.of(Algorithm.ES256)));
    }
    try (Key other = Key.generateEc("P-256")) {
      assertThrows(InvalidSignatureException.class,
          () -> verifier.verify(Jwt.encode(Claims.builder().build(), other, null, null)));
    }
    cert.close();
    verifier.close();
    assertThrows(IllegalStateException.class, cert::subject);
    assertThrows(IllegalStateException.class, () -> verifier.verify(token));
    assertThrows(IllegalStateException.class,
        () -> Jws.sign("x", Key.generateHmac(32), null, Header.builder().certificate(cert, Header.CertMember.X5T).build()));
  }

  @Test
  void unclosedKeysAreReleasedByTheCleaner() throws Exception {
    for (int i = 0; i < 2000; i++) {
      Key.generateHmac(32);
    }
    System.gc();
    Thread.sleep(100);
  }

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = {"HS256", "RS256", "ES256", "EdDSA"})
  void sixteenThreadsSignWithOneKey(Algorithm alg) throws Exception {
    int threads = 16;
    int rounds = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (Key key = Keys.forAlgorithm(alg);
        JwtVerifier verifier = JwtVerifier.create(key, EnumSet.of(alg), DecodeOptions.defaults())) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long id = t;
        results.add(pool.submit(() -> {
          start.await();
          int ok = 0;
          for (int i = 0; i < rounds; i++) {
            String token = Jwt.encode(Claims.builder().claim("t", id).claim("i", (long) i).build(), key, alg, null);
            Claims c = verifier.verify(token);
            if (c.getLong("t") == id && c.getLong("i") == i) {
              ok++;
            }
          }
          return ok;
        }));
      }
      start.countDown();
      for (Future<Integer> f : results) {
        assertEquals(rounds, f.get(120, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeWhileOtherThreadsSignNeverCrashes() throws Exception {
    Key key = Key.generateRsa(2048);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicBoolean unexpected = new AtomicBoolean();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      fs.add(pool.submit(() -> {
        for (;;) {
          try {
            Jws.sign("x", key, Algorithm.RS256, null);
          } catch (IllegalStateException e) {
            return;
          } catch (RuntimeException e) {
            unexpected.set(true);
            return;
          }
        }
      }));
    }
    Thread.sleep(100);
    key.close();
    for (Future<?> f : fs) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertFalse(unexpected.get());
  }
}
