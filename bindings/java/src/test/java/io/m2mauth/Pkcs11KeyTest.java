package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * PKCS#11 keys: a SoftHSM2 token this test makes. SoftHSM2 reads SOFTHSM2_CONF when the module is first
 * loaded and Java cannot set an environment variable, so CTest's java_binding sets it to a folder of the
 * build tree named m2mauth-java-pkcs11 (bindings/java/CMakeLists.txt); elsewhere the test is skipped.
 */
class Pkcs11KeyTest {
  private static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
  }

  @Test
  void ecKeyInSoftHsmSignsTokensThatVerify() throws Exception {
    String conf = System.getenv("SOFTHSM2_CONF");
    Assumptions.assumeTrue(Files.exists(Path.of(MODULE)) && conf != null && conf.contains("m2mauth-java-pkcs11"),
        "SoftHSM2 not installed, or SOFTHSM2_CONF not set for this test by the build");
    Path dir = Path.of(conf).getParent();
    Path tokens = dir.resolve("tokens");
    if (Files.exists(tokens)) {  // a token of an earlier run
      try (var walk = Files.walk(tokens)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(tokens);
    Files.writeString(Path.of(conf),
        "directories.tokendir = " + dir.resolve("tokens") + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    String pin = "112233";
    run(List.of("softhsm2-util", "--init-token", "--free", "--label", "java-test", "--pin", pin, "--so-pin", "44556677"));
    run(List.of("pkcs11-tool", "--module", MODULE, "--token-label", "java-test", "--login", "--pin", pin,
        "--keypairgen", "--key-type", "EC:prime256v1", "--label", "ec1", "--id", "02"));
    String uri = "pkcs11:token=java-test;object=ec1;type=private?module-path=" + MODULE;
    KeyFormatException wrong = assertThrows(KeyFormatException.class, () -> Key.fromPkcs11(uri, "000000".toCharArray()));
    assertFalse(wrong.getMessage().contains("000000"));
    try (Key key = Key.fromPkcs11(uri, pin.toCharArray()); Key pub = key.publicKey()) {
      assertTrue(key.hasPrivate());
      String token = Jwt.encode(Map.of("sub", "svc"), key, Algorithm.ES256, null);
      assertEquals("svc", Jwt.decode(token, pub, Algorithm.setOf(Algorithm.ES256), null).subject());
      assertThrows(KeyTypeException.class, () -> key.privatePem(null));
    }
  }
}
