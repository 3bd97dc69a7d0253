package io.m2mauth.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
  void coreLibraryNameFollowsTheVersion() throws Exception {
    // README "ABI policy": libm2mauth.so.0.<minor> while 0.x, libm2mauth.so.<major> from 1.0 on.
    int major = M2mauthNativeConstants.M2MAUTH_VERSION_MAJOR;
    int minor = M2mauthNativeConstants.M2MAUTH_VERSION_MINOR;
    String expected = major == 0 ? "libm2mauth.so.0." + minor : "libm2mauth.so." + major;
    String resource = "/io/m2mauth/native/" + NativeLoader.platform() + "/" + NativeLoader.NATIVE_PROPERTIES;
    try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
      assertNotNull(in, resource + " is packed beside the native libraries");
      assertEquals(expected, NativeLoader.coreLibrary(in));
    }
    assertNull(NativeLoader.coreLibrary(null));
    assertThrows(IOException.class,
        () -> NativeLoader.coreLibrary(new ByteArrayInputStream("soname=libcrypto.so.3\n".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void platformDirectories() {
    assertEquals("linux-x86_64", NativeLoader.platform("Linux", "amd64"));
    assertEquals("linux-x86_64", NativeLoader.platform("Linux", "x86_64"));
    assertEquals("linux-aarch64", NativeLoader.platform("Linux", "aarch64"));
    assertEquals("osx-aarch64", NativeLoader.platform("Mac OS X", "aarch64"));
    assertEquals("osx-x86_64", NativeLoader.platform("Mac OS X", "x86_64"));
    assertEquals("osx-aarch64", NativeLoader.platform("Darwin", "arm64"));
    assertEquals("freebsd-riscv64", NativeLoader.platform("FreeBSD", "riscv64"));
    assertEquals(java.util.List.of("osx-aarch64", "osx-aarch_64", "osx-universal"), NativeLoader.candidates("osx-aarch64"));
    assertEquals(java.util.List.of("osx-x86_64", "osx-universal"), NativeLoader.candidates("osx-x86_64"));
    assertEquals(java.util.List.of("linux-x86_64"), NativeLoader.candidates("linux-x86_64"));
    assertEquals(java.util.List.of("linux-aarch64", "linux-aarch_64"), NativeLoader.candidates("linux-aarch64"));
    // Maven classifiers as os-maven-plugin's os.detected.classifier spells them
    assertEquals("linux-x86_64", NativeLoader.classifier("linux-x86_64"));
    assertEquals("linux-aarch_64", NativeLoader.classifier("linux-aarch64"));
    assertEquals("osx-x86_64", NativeLoader.classifier("osx-x86_64"));
    assertEquals("osx-aarch_64", NativeLoader.classifier("osx-aarch64"));
    assertEquals("libm2mauth_jni.dylib", NativeLoader.jniLibrary("osx-x86_64"));
    assertEquals("libm2mauth_jni.so", NativeLoader.jniLibrary("linux-aarch64"));
    // This build's own directory is in the jar (or on the class path), named as the loader looks for it.
    String here = NativeLoader.platform();
    assertEquals(here, NativeLoader.packedPlatform(System.getProperty("os.name"), System.getProperty("os.arch"),
        r -> NativeLoader.class.getResource(r) != null));
    assertTrue(NativeLoader.packedPlatforms(r -> NativeLoader.class.getResource(r) != null).contains(here));
  }

  @Test
  void layoutsOfOtherPlatformsAreFound() {
    java.util.Set<String> jar = java.util.Set.of("/io/m2mauth/native/linux-aarch64/libm2mauth_jni.so",
        "/io/m2mauth/native/osx-x86_64/libm2mauth_jni.dylib", "/io/m2mauth/native/osx-universal/libm2mauth_jni.dylib");
    assertEquals("linux-aarch64", NativeLoader.packedPlatform("Linux", "aarch64", jar::contains));
    assertEquals("osx-x86_64", NativeLoader.packedPlatform("Mac OS X", "x86_64", jar::contains));
    assertEquals("osx-universal", NativeLoader.packedPlatform("Mac OS X", "aarch64", jar::contains));
    assertNull(NativeLoader.packedPlatform("Linux", "amd64", jar::contains));
    // a classifier jar's directory spelled as the classifier (os-maven-plugin's aarch_64)
    java.util.Set<String> classified = java.util.Set.of("/io/m2mauth/native/linux-aarch_64/libm2mauth_jni.so",
        "/io/m2mauth/native/osx-aarch_64/libm2mauth_jni.dylib");
    assertEquals("linux-aarch_64", NativeLoader.packedPlatform("Linux", "aarch64", classified::contains));
    assertEquals("osx-aarch_64", NativeLoader.packedPlatform("Mac OS X", "arm64", classified::contains));
    assertEquals(java.util.List.of("linux-aarch_64", "osx-aarch_64"), NativeLoader.packedPlatforms(classified::contains));
  }

  @Test
  void aMissingPlatformIsNamed() {
    java.util.Set<String> jar = java.util.Set.of("/io/m2mauth/native/linux-x86_64/libm2mauth_jni.so");
    String m = NativeLoader.notFound("Linux", "aarch64", jar::contains, "/usr/java/packages/lib:/usr/lib");
    assertTrue(m.startsWith("m2mauth: no native library for platform linux-aarch64 (os.name \"Linux\", "
        + "os.arch \"aarch64\"): looked for io/m2mauth/native/linux-aarch64/libm2mauth_jni.so and "
        + "io/m2mauth/native/linux-aarch_64/libm2mauth_jni.so in the jars on the class path, "
        + "which have only linux-x86_64, then libm2mauth_jni"), m);
    assertTrue(m.contains("this platform needs the jar with classifier linux-aarch_64 (Maven: io.m2mauth:m2mauth "
        + "with <classifier>linux-aarch_64</classifier>"), m);
    assertTrue(m.contains("java.library.path (/usr/java/packages/lib:/usr/lib)"), m);
    assertTrue(m.contains("-Dm2mauth.lib.dir"), m);
    String mac = NativeLoader.notFound("Mac OS X", "aarch64", r -> false, "");
    assertTrue(mac.contains("platform osx-aarch64"), mac);
    assertTrue(mac.contains("io/m2mauth/native/osx-aarch64/libm2mauth_jni.dylib and "
        + "io/m2mauth/native/osx-aarch_64/libm2mauth_jni.dylib and "
        + "io/m2mauth/native/osx-universal/libm2mauth_jni.dylib"), mac);
    assertTrue(mac.contains("which have no native library"), mac);
    assertTrue(mac.contains("classifier osx-aarch_64"), mac);
    String intel = NativeLoader.notFound("Mac OS X", "x86_64", r -> false, "");
    assertTrue(intel.contains("platform osx-x86_64") && intel.contains("classifier osx-x86_64 "), intel);
    String other = NativeLoader.notFound("FreeBSD", "amd64", r -> false, "");
    assertTrue(other.contains("platform freebsd-x86_64") && other.contains("classifier freebsd-x86_64 "), other);
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
