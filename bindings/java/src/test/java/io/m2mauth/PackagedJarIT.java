package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The packaged jars, after `mvn package` (failsafe runs this in the integration-test phase): the native
 * libraries sit under io/m2mauth/native/&lt;platform&gt;/, the -sources and -javadoc jars exist, and a new
 * JVM with only the jar on its class path and an empty environment loads the library from the jar; the same
 * for the platform jar m2mauth-&lt;version&gt;-&lt;classifier&gt;.jar on its own.
 */
class PackagedJarIT {
  private static Path jar() {
    String p = System.getProperty("m2mauth.jar");
    assertNotNull(p, "m2mauth.jar (set by the pom)");
    return Paths.get(p);
  }

  private static Path classifierJar() {
    String p = System.getProperty("m2mauth.classifierJar");
    assertNotNull(p, "m2mauth.classifierJar (set by the pom)");
    return Paths.get(p);
  }

  @Test
  void nativeLibrariesUnderThePlatformDirectory() throws IOException {
    checkLayout(jar());
  }

  @Test
  void thePlatformJarHasTheClassesAndThisPlatformsLibraries() throws IOException {
    String classifier = System.getProperty("m2mauth.classifier");
    assertTrue(classifierJar().getFileName().toString().endsWith("-" + classifier + ".jar"), classifierJar().toString());
    // named as os-maven-plugin's os.detected.classifier names this platform
    assertEquals(System.getProperty("m2mauth.platform").replace("-aarch64", "-aarch_64"), classifier);
    checkLayout(classifierJar());
  }

  private static void checkLayout(Path jarFile) throws IOException {
    String platform = System.getProperty("m2mauth.platform");
    try (JarFile j = new JarFile(jarFile.toFile())) {
      List<String> natives = j.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/m2mauth/native/"))
          .filter(n -> !n.endsWith("/")).sorted().collect(Collectors.toList());
      String dir = "io/m2mauth/native/" + platform + "/";
      String jni = platform.startsWith("osx-") ? "libm2mauth_jni.dylib" : "libm2mauth_jni.so";
      assertTrue(natives.contains(dir + jni), natives.toString());
      assertTrue(natives.contains(dir + "m2mauth-native.properties"), natives.toString());
      assertTrue(natives.stream().anyMatch(n -> n.startsWith(dir + "libm2mauth.")
          && !n.equals(dir + jni)), natives.toString());
      assertEquals(3, natives.size(), natives.toString());
      assertNotNull(j.getEntry("io/m2mauth/TokenManager.class"));
      assertNotNull(j.getEntry("io/m2mauth/internal/M2mauthNative.class"));
      assertNotNull(j.getEntry("io/m2mauth/otel/M2mauthOpenTelemetry.class"));
    }
  }

  @Test
  void sourcesAndJavadocJars() throws IOException {
    String base = jar().getFileName().toString().replaceAll("\\.jar$", "");
    Path sources = jar().resolveSibling(base + "-sources.jar");
    Path javadoc = jar().resolveSibling(base + "-javadoc.jar");
    try (JarFile j = new JarFile(sources.toFile())) {
      assertNotNull(j.getEntry("io/m2mauth/TokenManager.java"));
      assertNotNull(j.getEntry("io/m2mauth/internal/M2mauthNative.java"), "the generated sources too");
    }
    try (JarFile j = new JarFile(javadoc.toFile())) {
      assertNotNull(j.getEntry("io/m2mauth/TokenManager.html"));
      assertNotNull(j.getEntry("index.html"));
    }
  }

  @Test
  void aNewJvmLoadsTheLibraryFromTheJarWithAnEmptyEnvironment() throws Exception {
    loadsInANewJvm(jar());
  }

  @Test
  void aNewJvmLoadsTheLibraryFromThePlatformJarAlone() throws Exception {
    loadsInANewJvm(classifierJar());
  }

  private static void loadsInANewJvm(Path jarFile) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Path childClasses = Paths.get(PackagedJarChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp",
        jarFile + File.pathSeparator + childClasses, PackagedJarChild.class.getName());
    pb.environment().clear();
    pb.redirectErrorStream(true);
    Path out = Files.createTempFile("m2mauth-packaged-", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    try {
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), text);
      String platform = System.getProperty("m2mauth.platform");
      assertTrue(text.contains("origin=jar:/io/m2mauth/native/" + platform + "/"), text);
      assertTrue(text.contains("verified=child"), text);
      // Telemetry without OpenTelemetry on the class path (it is an optional dependency).
      assertTrue(text.contains("opentelemetry=absent"), text);
      assertTrue(text.contains("spans=1 traced=1"), text);
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }

  /** What the child JVM runs: the jar's classes only (and this class). */
  public static final class PackagedJarChild {
    public static void main(String[] args) {
      try (Key key = Key.generateHmac(32)) {
        String jwt = Jwt.encode(Claims.builder().subject("child").issuedNowFor(java.time.Duration.ofMinutes(5))
            .build(), key, Algorithm.HS256, null);
        Claims c = Jwt.decode(jwt, key, EnumSet.of(Algorithm.HS256), null);
        System.out.println("origin=" + M2mauth.nativeOrigin());
        System.out.println("version=" + M2mauth.version());
        System.out.println("verified=" + c.subject());
      }
      try {
        Class.forName("io.opentelemetry.api.OpenTelemetry");
        System.out.println("opentelemetry=present");
      } catch (ClassNotFoundException e) {
        System.out.println("opentelemetry=absent");
      }
      java.util.concurrent.atomic.AtomicInteger spans = new java.util.concurrent.atomic.AtomicInteger();
      Telemetry.setTracer(new SpanTracer() {
        @Override
        public Object start(SpanStart start) {
          return spans.incrementAndGet();
        }

        @Override
        public String traceparent(Object span) {
          return "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        }

        @Override
        public void end(Object span, SpanEnd end) {}
      });
      try (io.m2mauth.testing.TokenServer server = io.m2mauth.testing.TokenServer.start();
          TokenClient client = TokenClient.builder(server.tokenUrl(), "child").clientSecret("child-secret".toCharArray())
              .build()) {
        server.addClient("child", "child-secret");
        client.fetch();
        System.out.println("spans=" + spans.get() + " traced=" + server.requests("traced"));
      } finally {
        Telemetry.setTracer(null);
      }
    }
  }
}
