package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.AbstractMap;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KeySource: a rotated key file signs the next client assertion, named by its new kid. */
class KeySourceTest {
  /** Replaces the key file atomically, as a rotation job would. */
  static void install(Path path, Key key) throws Exception {
    Path tmp = path.resolveSibling(path.getFileName() + ".new");
    Files.writeString(tmp, key.privatePem(null));
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static String kidOf(String assertion) {
    String header = new String(Base64.getUrlDecoder().decode(assertion.split("\\.")[0]), StandardCharsets.UTF_8);
    int at = header.indexOf("\"kid\":\"") + 7;
    return header.substring(at, header.indexOf('"', at));
  }

  @Test
  void aRotatedKeyFileSignsTheNextAssertionWithItsNewKid(@TempDir Path dir) throws Exception {
    List<String> assertions = new CopyOnWriteArrayList<>();
    Http.Transport endpoint = req -> {
      for (String pair : req.bodyText().split("&")) {
        if (pair.startsWith("client_assertion=")) {
          assertions.add(URLDecoder.decode(pair.substring(17), StandardCharsets.UTF_8));
        }
      }
      return Response.of(200, List.of(new AbstractMap.SimpleImmutableEntry<>("Content-Type", "application/json")),
          "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":3600}".getBytes(StandardCharsets.UTF_8));
    };
    Path path = dir.resolve("key.pem");
    try (Key a = Key.generateEc("P-256"); Key b = Key.generateEd25519()) {
      install(path, a);
      try (KeySource source = KeySource.ofFile(path, null); Http http = Http.custom(endpoint);
          TokenClient client = TokenClient.builder("https://as.example/token", "svc").http(http)
              .authMethod(ClientAuth.PRIVATE_KEY_JWT).keySource(source).build()) {
        client.fetch();
        assertEquals(a.thumbprint(), kidOf(assertions.get(0)));
        install(path, b);
        client.fetch();
        assertEquals(a.thumbprint(), kidOf(assertions.get(1))); // not reloaded yet
        source.reload();
        client.fetch();
        assertEquals(b.thumbprint(), kidOf(assertions.get(2)));
        try (Key current = source.current()) {
          assertEquals(b.thumbprint(), current.kid());
        }
        // A failed reload keeps the key.
        Files.writeString(path, "not a key");
        assertThrows(M2mauthException.class, source::reload);
        client.fetch();
        assertEquals(b.thumbprint(), kidOf(assertions.get(3)));
        assertTrue(source.toString().contains(path.toString()));
      }
      Path pub = dir.resolve("pub.pem");
      Files.writeString(pub, a.publicPem());
      assertThrows(KeyTypeException.class, () -> KeySource.ofFile(pub, null));
    }
  }
}
