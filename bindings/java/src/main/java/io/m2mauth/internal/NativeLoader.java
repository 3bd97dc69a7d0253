package io.m2mauth.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads libm2mauth_jni (and the libm2mauth.so.0 it links to) once, before the first native call.
 *
 * <ol>
 *   <li>{@code -Dm2mauth.lib.dir=DIR}: both libraries from DIR (a CMake build's
 *       {@code bindings/java/native} directory, or an installed set);</li>
 *   <li>otherwise the copies packed in the jar under {@code io/m2mauth/native/<os>-<arch>/}, extracted to
 *       a new private (0700) temporary directory;</li>
 *   <li>otherwise {@code System.loadLibrary("m2mauth_jni")} from java.library.path.</li>
 * </ol>
 * Then the loaded library must accept the headers the binding was generated from, by the library's own
 * rule (m2mauth_version_compatible: while 0.x the minor must match; from 1.0 the major must match and the
 * library must not be older).
 */
public final class NativeLoader {
  public static final String LIB_DIR_PROPERTY = "m2mauth.lib.dir";
  static final String JNI_LIB = "libm2mauth_jni.so";
  static final String CORE_LIB = "libm2mauth.so.0";

  private static boolean loaded;
  private static String origin = "";

  private NativeLoader() {}

  static synchronized void load() {
    if (loaded) {
      return;
    }
    String dir = System.getProperty(LIB_DIR_PROPERTY);
    if (dir != null && !dir.isEmpty()) {
      loadFrom(Paths.get(dir));
      origin = dir;
    } else if (!loadFromJar()) {
      System.loadLibrary("m2mauth_jni");
      origin = "java.library.path";
    }
    loaded = true;
  }

  /** Where the native code came from (for diagnostics). */
  public static synchronized String origin() {
    return origin;
  }

  /** Refuses the library unless it said (m2mauth_version_compatible) that it accepts compiledVersion. */
  static void checkVersion(boolean compatible, int loadedVersion, int compiledVersion) {
    if (!compatible) {
      throw new UnsatisfiedLinkError("m2mauth: the Java binding was built for libm2mauth " + versionText(compiledVersion)
          + " but loaded libm2mauth " + versionText(loadedVersion) + " from " + origin + ", which it cannot use");
    }
  }

  static String versionText(int number) {
    return (number / 10000) + "." + (number / 100 % 100) + "." + (number % 100);
  }

  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      arch = "x86_64";
    } else if (arch.equals("arm64")) {
      arch = "aarch64";
    }
    if (os.startsWith("linux")) {
      os = "linux";
    } else if (os.startsWith("mac")) {
      os = "macos";
    }
    return os + "-" + arch;
  }

  private static void loadFrom(Path dir) {
    Path core = dir.resolve(CORE_LIB);
    if (Files.exists(core)) {
      System.load(core.toAbsolutePath().toString());
    }
    System.load(dir.resolve(JNI_LIB).toAbsolutePath().toString());
  }

  private static boolean loadFromJar() {
    String base = "/io/m2mauth/native/" + platform() + "/";
    if (NativeLoader.class.getResource(base + JNI_LIB) == null) {
      return false;
    }
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("m2mauth-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      for (String lib : new String[] {CORE_LIB, JNI_LIB}) {
        try (InputStream in = NativeLoader.class.getResourceAsStream(base + lib)) {
          if (in != null) {
            Files.copy(in, tmp.resolve(lib), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      loadFrom(tmp);
      origin = "jar:" + base;
    } catch (IOException e) {
      throw new UnsatisfiedLinkError("m2mauth: cannot extract the native library: " + e.getMessage());
    } finally {
      // Mapped libraries stay usable after their files are removed (Linux, macOS).
      deleteQuietly(tmp);
    }
    return true;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      for (String lib : new String[] {CORE_LIB, JNI_LIB}) {
        Files.deleteIfExists(dir.resolve(lib));
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      dir.toFile().deleteOnExit();
    }
  }
}
