package io.m2mauth.internal;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (junit-platform.properties turns on extension autodetection; the
 * service file names this class): the native handles a class made must be released when it ends,
 * closed or collected. Counts come from {@link NativeResource#liveHandles()}; objects left unclosed
 * are given to the garbage collector and their Cleaners for a bounded time before they count as leaks.
 */
public final class NativeLeakCheck implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NativeLeakCheck.class);
  private static final long GRACE_MILLIS = 5_000;

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NS).put("base", settled(Map.of(), 0));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    Map<String, Long> base = (Map<String, Long>) context.getStore(NS).get("base", Map.class);
    Map<String, Long> now = settled(base, GRACE_MILLIS);
    Map<String, String> grown = grown(base, now);
    if (!grown.isEmpty()) {
      throw new AssertionError("native handles leaked by " + context.getDisplayName() + ": " + grown);
    }
  }

  /** Kinds whose count rose, as "before -> after". */
  static Map<String, String> grown(Map<String, Long> base, Map<String, Long> now) {
    Map<String, String> out = new TreeMap<>();
    now.forEach((k, v) -> {
      long before = base.getOrDefault(k, 0L);
      if (v > before) {
        out.put(k, before + " -> " + v);
      }
    });
    return out;
  }

  /** The counts once no kind is above base, or after graceMillis of collecting garbage. */
  private static Map<String, Long> settled(Map<String, Long> base, long graceMillis) {
    long deadline = System.nanoTime() + graceMillis * 1_000_000;
    for (;;) {
      System.gc();
      Map<String, Long> now = NativeResource.liveHandles();
      if (grown(base, now).isEmpty() || System.nanoTime() >= deadline) {
        return now;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return now;
      }
    }
  }
}
