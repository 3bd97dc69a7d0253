package io.m2mauth.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * Loads libm2mauth_jni (and the libm2mauth C library it links to) once, before the first native call.
 * The C library's file name is not written here: CMake writes it, derived from the version in
 * capi/include/m2mauth/common.h, into {@code m2mauth-native.properties} ({@code soname=...}) beside
 * the two libraries, in the build's {@code bindings/java/native} directory and in the jar.
 *
 * <ol>
 *   <li>{@code -Dm2mauth.lib.dir=DIR}: both libraries from DIR (a CMake build's
 *       {@code bindings/java/native} directory, or an installed set);</li>
 *   <li>otherwise the copies packed in the jar under {@code io/m2mauth/native/<platform>/}, extracted to
 *       a new private (0700) temporary directory. The platform is {@code <os>-<arch>} with os
 *       {@code linux} or {@code osx} and arch {@code x86_64} or {@code aarch64} (os.arch amd64 and arm64
 *       included), then the same with os-maven-plugin's spelling of the classifier ({@code linux-aarch_64},
 *       {@code osx-aarch_64}: the platform jar m2mauth-&lt;version&gt;-&lt;classifier&gt;.jar); on macOS
 *       {@code osx-universal} (one fat library) is accepted too. Any jar on the class path may hold it;</li>
 *   <li>otherwise {@code System.loadLibrary("m2mauth_jni")} from java.library.path.</li>
 * </ol>
 * When none of them has the library, the error names the platform computed, the platforms the jars
 * do have, the java.library.path searched and the classifier of the platform jar this platform needs. Then the loaded library must accept the headers the
 * binding was generated from, by the library's own rule (m2mauth_version_compatible: while 0.x the
 * minor must match; from 1.0 the major must match and the library must not be older).
 */
public final class NativeLoader {
  public static final String LIB_DIR_PROPERTY = "m2mauth.lib.dir";
  static final String NATIVE_PROPERTIES = "m2mauth-native.properties";
  static final String NATIVE_ROOT = "/io/m2mauth/native/";
  /** The layouts a jar may carry (only the one built on this machine is packed by the pom). */
  static final List<String> KNOWN_PLATFORMS = List.of("linux-x86_64", "linux-aarch64", "linux-aarch_64",
      "osx-x86_64", "osx-aarch64", "osx-aarch_64", "osx-universal");

  private static boolean loaded;
  private static String origin = "";

  private NativeLoader() {}

  static synchronized void load() {
    if (loaded) {
      return;
    }
    String dir = System.getProperty(LIB_DIR_PROPERTY);
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (dir != null && !dir.isEmpty()) {
      loadFrom(Paths.get(dir), jniLibrary(platform(os, arch)));
      origin = dir;
    } else {
      String found = packedPlatform(os, arch, r -> NativeLoader.class.getResource(r) != null);
      if (found != null) {
        loadFromJar(found);
      } else {
        try {
          System.loadLibrary("m2mauth_jni");
        } catch (UnsatisfiedLinkError e) {
          UnsatisfiedLinkError missing = new UnsatisfiedLinkError(notFound(os, arch,
              r -> NativeLoader.class.getResource(r) != null, System.getProperty("java.library.path", "")));
          missing.initCause(e);
          throw missing;
        }
        origin = "java.library.path";
      }
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

  /** This JVM's platform directory name (see the class comment). */
  static String platform() {
    return platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
  }

  /**
   * The platform directory for os.name and os.arch values: {@code linux-x86_64}, {@code linux-aarch64},
   * {@code osx-x86_64}, {@code osx-aarch64}; other systems keep their lower-case names without spaces
   * (so the error says what was looked for).
   */
  static String platform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String arch = osArch.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
    if (arch.equals("amd64") || arch.equals("x8664") || arch.equals("x86_64")) {
      arch = "x86_64";
    } else if (arch.equals("arm64") || arch.equals("aarch64")) {
      arch = "aarch64";
    }
    if (os.startsWith("linux")) {
      os = "linux";
    } else if (os.startsWith("mac") || os.startsWith("osx") || os.startsWith("darwin")) {
      os = "osx";
    } else if (os.startsWith("windows")) {
      os = "windows";
    }
    return (os.isEmpty() ? "unknown" : os) + "-" + (arch.isEmpty() ? "unknown" : arch);
  }

  /**
   * The Maven classifier of the jar that carries a platform's native library, named as os-maven-plugin's
   * {@code os.detected.classifier} names it (netty-tcnative's classifiers): {@code linux-x86_64},
   * {@code linux-aarch_64}, {@code osx-x86_64}, {@code osx-aarch_64}.
   */
  static String classifier(String platform) {
    return platform.endsWith("-aarch64") ? platform.substring(0, platform.length() - "aarch64".length()) + "aarch_64"
        : platform;
  }

  /**
   * The directories to look in, in order, for a platform: its own, then its classifier's spelling when
   * that differs ({@code linux-aarch_64}), then on macOS {@code osx-universal}.
   */
  static List<String> candidates(String platform) {
    List<String> dirs = new ArrayList<>();
    dirs.add(platform);
    if (!classifier(platform).equals(platform)) {
      dirs.add(classifier(platform));
    }
    if (platform.startsWith("osx-")) {
      dirs.add("osx-universal");
    }
    return List.copyOf(dirs);
  }

  /** The JNI library's file name on a platform (the C library's comes from m2mauth-native.properties). */
  static String jniLibrary(String platform) {
    return platform.startsWith("osx-") ? "libm2mauth_jni.dylib" : "libm2mauth_jni.so";
  }

  /** The first candidate directory that has the JNI library, or null; hasResource answers for a path. */
  static String packedPlatform(String osName, String osArch, Predicate<String> hasResource) {
    String platform = platform(osName, osArch);
    for (String dir : candidates(platform)) {
      if (hasResource.test(NATIVE_ROOT + dir + "/" + jniLibrary(dir))) {
        return dir;
      }
    }
    return null;
  }

  /** The platforms the jar carries a JNI library for. */
  static List<String> packedPlatforms(Predicate<String> hasResource) {
    List<String> found = new ArrayList<>();
    for (String p : KNOWN_PLATFORMS) {
      if (hasResource.test(NATIVE_ROOT + p + "/" + jniLibrary(p))) {
        found.add(p);
      }
    }
    return found;
  }

  /** The message when no native library could be found. */
  static String notFound(String osName, String osArch, Predicate<String> hasResource, String libraryPath) {
    String platform = platform(osName, osArch);
    List<String> packed = packedPlatforms(hasResource);
    return "m2mauth: no native library for platform " + platform + " (os.name \"" + osName + "\", os.arch \""
        + osArch + "\"): looked for " + String.join(" and ", candidates(platform).stream()
            .map(d -> NATIVE_ROOT.substring(1) + d + "/" + jniLibrary(d)).toArray(String[]::new))
        + " in the jars on the class path, which have " + (packed.isEmpty() ? "no native library"
            : "only " + String.join(", ", packed))
        + ", then " + System.mapLibraryName("m2mauth_jni") + " on java.library.path ("
        + (libraryPath.isEmpty() ? "empty" : libraryPath) + "); this platform needs the jar with classifier "
        + classifier(platform) + " (Maven: io.m2mauth:m2mauth with <classifier>" + classifier(platform)
        + "</classifier>, built on that platform: bindings/README.md, Java) or -D" + LIB_DIR_PROPERTY
        + " pointing at a directory holding the libraries";
  }

  /** The C library's SONAME from m2mauth-native.properties, or null without the file. */
  static String coreLibrary(InputStream properties) throws IOException {
    if (properties == null) {
      return null;
    }
    Properties p = new Properties();
    p.load(properties);
    String soname = p.getProperty("soname");
    if (soname == null || !soname.startsWith("libm2mauth.") || soname.contains("/")) {
      throw new IOException(NATIVE_PROPERTIES + " names no libm2mauth SONAME");
    }
    return soname;
  }

  private static void loadFrom(Path dir, String jniLibrary) {
    Path props = dir.resolve(NATIVE_PROPERTIES);
    if (Files.exists(props)) {
      try (InputStream in = Files.newInputStream(props)) {
        Path core = dir.resolve(coreLibrary(in));
        if (Files.exists(core)) {
          System.load(core.toAbsolutePath().toString());
        }
      } catch (IOException e) {
        throw new UnsatisfiedLinkError("m2mauth: cannot read " + props + ": " + e.getMessage());
      }
    }
    System.load(dir.resolve(jniLibrary).toAbsolutePath().toString());
  }

  private static void loadFromJar(String platform) {
    String base = NATIVE_ROOT + platform + "/";
    String jni = jniLibrary(platform);
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("m2mauth-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      String core;
      try (InputStream in = NativeLoader.class.getResourceAsStream(base + NATIVE_PROPERTIES)) {
        core = coreLibrary(in);
      }
      for (String lib : new String[] {NATIVE_PROPERTIES, core, jni}) {
        if (lib == null) {
          continue;
        }
        try (InputStream in = NativeLoader.class.getResourceAsStream(base + lib)) {
          if (in != null) {
            Files.copy(in, tmp.resolve(lib), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      loadFrom(tmp, jni);
      origin = "jar:" + base;
    } catch (IOException e) {
      throw new UnsatisfiedLinkError("m2mauth: cannot extract the native library: " + e.getMessage());
    } finally {
      // Mapped libraries stay usable after their files are removed (Linux, macOS).
      deleteQuietly(tmp);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      dir.toFile().deleteOnExit();
    }
  }
}
