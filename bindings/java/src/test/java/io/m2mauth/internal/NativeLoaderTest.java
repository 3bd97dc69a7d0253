package io.m2mauth.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NativeLoaderTest {
  @Test
  void versionPolicy() {
    assertDoesNotThrow(() -> NativeLoader.checkVersion(10203, 10203));
    assertDoesNotThrow(() -> NativeLoader.checkVersion(10300, 10203)); // newer minor: compatible
    assertThrows(UnsatisfiedLinkError.class, () -> NativeLoader.checkVersion(10202, 10203)); // older
    assertThrows(UnsatisfiedLinkError.class, () -> NativeLoader.checkVersion(20000, 10203)); // new major
    assertEquals(M2mauthNativeConstants.M2MAUTH_VERSION_NUMBER, M2mauthNative.m2mauth_version_number());
    assertTrue(NativeLoader.origin().startsWith("jar:") || !NativeLoader.origin().isEmpty());
  }

  @Test
  void textIsRealUtf8() {
    String s = "\u00e9\u20ac\ud83d\ude00";
    assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Utf8.encode(s));
    byte[] round = M2mauthNative.m2mauth_util_base64url_decode(M2mauthNative.m2mauth_util_base64url_encode(Utf8.encode(s)));
    assertEquals(s, Utf8.decode(round));
    assertNull(Utf8.encode(null));
    assertThrows(IllegalArgumentException.class, () -> Utf8.encode("a\0b"));
  }

  @Test
  void passphraseBytes() {
    byte[] b = Secrets.utf8("p\u00e4ss".toCharArray());
    assertArrayEquals("p\u00e4ss".getBytes(StandardCharsets.UTF_8), b);
    Secrets.wipe(b);
    assertArrayEquals(new byte[b.length], b);
    assertThrows(IllegalArgumentException.class, () -> Secrets.utf8(new char[] {'\ud800'}));
  }
}
