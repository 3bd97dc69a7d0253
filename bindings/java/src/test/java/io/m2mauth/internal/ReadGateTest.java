package io.m2mauth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadGateTest {
  @Test
  void turnsReadersAwayAfterClose() {
    ReadGate g = new ReadGate();
    for (int h = -40; h < 40; h++) {
      int in = g.enter(h);
      assertTrue(in >= 0, "an open gate refused hash " + h);
      g.exit(in);
    }
    assertFalse(g.isClosed());
    g.close(); // returns at once: nobody inside, every refused reader backed out
    assertTrue(g.isClosed());
    assertEquals(-1, g.enter(7));
    g.close();
  }

  @Test
  void closeWaitsForTheReaderInFlight() throws Exception {
    ReadGate g = new ReadGate();
    int in = g.enter(3);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(g::close);
    try {
      closing.get(100, TimeUnit.MILLISECONDS);
      throw new AssertionError("close returned while a reader was in flight");
    } catch (TimeoutException expected) {
      // still waiting for the reader
    }
    assertEquals(-1, g.enter(4), "a closing gate admitted a new reader");
    g.exit(in);
    closing.get(10, TimeUnit.SECONDS);
  }

  @Test
  void concurrentReadersNeverSeeFreedMemory() throws Exception {
    for (int round = 0; round < 50; round++) {
      ReadGate g = new ReadGate();
      AtomicBoolean freed = new AtomicBoolean();
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger errors = new AtomicInteger();
      Thread[] readers = new Thread[8];
      for (int r = 0; r < readers.length; r++) {
        final int hash = r;
        readers[r] = new Thread(() -> {
          for (int i = 0; ; i++) {
            int in = g.enter(hash + i);
            if (in < 0) {
              return;
            }
            inside.incrementAndGet();
            if (freed.get()) {
              errors.incrementAndGet();
            }
            inside.decrementAndGet();
            g.exit(in);
          }
        });
        readers[r].start();
      }
      Thread.sleep(1);
      g.close();
      assertEquals(0, inside.get(), "close returned with a reader inside");
      freed.set(true);
      for (Thread r : readers) {
        r.join(10_000);
      }
      assertEquals(0, errors.get(), "a reader was admitted to freed memory");
    }
  }
}
