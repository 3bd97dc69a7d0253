package io.m2mauth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.m2mauth.Key;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counts NativeLeakCheck relies on move with the handles. */
class NativeLeakCheckTest {
  @Test
  void countsFollowHandles() {
    long before = NativeResource.liveHandles().getOrDefault("key", 0L);
    Key key = Key.generateEd25519();
    assertEquals(before + 1, NativeResource.liveHandles().get("key"));
    key.close();
    assertEquals(before, NativeResource.liveHandles().get("key"));
  }

  @Test
  void grownNamesOnlyKindsThatRose() {
    Map<String, String> g = NativeLeakCheck.grown(Map.of("key", 2L, "verifier", 1L), Map.of("key", 3L, "verifier", 0L));
    assertEquals(Map.of("key", "2 -> 3"), g);
    assertTrue(NativeLeakCheck.grown(Map.of("key", 1L), Map.of("key", 1L)).isEmpty());
  }
}
