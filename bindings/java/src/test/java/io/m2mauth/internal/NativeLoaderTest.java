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
    // The rule is the library's: any patch of the same 0.x minor, never another minor.
    int loaded = M2mauthNative.m2mauth_version_number();
    assertEquals(1, M2mauthNative.m2mauth_version_compatible(M2mauthNativeConstants.M2MAUTH_VERSION_NUMBER));
    assertEquals(1, M2mauthNative.m2mauth_version_compatible(loaded - loaded % 100 + 99));
    assertEquals(0, M2mauthNative.m2mauth_version_compatible(loaded + 100));
    assertDoesNotThrow(() -> NativeLoader.checkVersion(true, 203, 299));
    UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> NativeLoader.checkVersion(false, 203, 100));
    assertTrue(e.getMessage().contains("built for libm2mauth 0.1.0 but loaded libm2mauth 0.2.3"), e.getMessage());
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
