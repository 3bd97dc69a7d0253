package io.m2mauth.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON reader for results that hold secrets: char[] strings, escapes, wiping. */
class SecretJsonTest {
  @Test
  @SuppressWarnings("unchecked")
  void stringsAreCharArraysAndEverythingIsWiped() {
    byte[] in = "{\"p\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\u20ac\",\"n\":-12,\"d\":1.5,\"t\":true,\"z\":null,\"l\":[\"x\",{}]}"
        .getBytes(StandardCharsets.UTF_8);
    Map<String, Object> m = (Map<String, Object>) SecretJson.parse(in);
    assertTrue(Arrays.equals(new byte[in.length], in), "the input is wiped");
    assertArrayEquals("a\"b\\c/d\né\ud83d\ude00€".toCharArray(), (char[]) m.get("p"));
    assertEquals(-12L, m.get("n"));
    assertEquals(1.5, m.get("d"));
    assertEquals(Boolean.TRUE, m.get("t"));
    assertTrue(m.containsKey("z"));
    Map<String, Object> plain = (Map<String, Object>) SecretJson.plain(m);
    assertEquals(List.of("x", Map.of()), plain.get("l"));
    char[] p = (char[]) m.get("p");
    SecretJson.wipe(m);
    assertArrayEquals(new char[p.length], p);
  }

  @Test
  void malformedInputIsRefused() {
    for (String bad : new String[] {"{", "{\"a\":}", "[1,]", "\"\\x\"", "\"\\u12\"", "{} x", "\"a\nb\"", "tru"}) {
      assertThrows(IllegalArgumentException.class, () -> SecretJson.parse(bad.getBytes(StandardCharsets.UTF_8)), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> SecretJson.parse(new byte[] {'"', (byte) 0xff, '"'}));
  }
}
