package io.m2mauth;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.m2mauth.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * The cross-language vectors, tests/vectors/m2mauth/jose.json (format in tests/vectors/README.md). The
 * directory comes from the m2mauth.vectors system property (set by the pom); tests skip if it is absent.
 */
final class Vectors {
  private static Map<String, Object> cache;

  private Vectors() {}

  static synchronized Map<String, Object> load() {
    if (cache == null) {
      String dir = System.getProperty("m2mauth.vectors", "../../tests/vectors");
      Path file = Paths.get(dir, "m2mauth", "jose.json");
      assumeTrue(Files.exists(file), "shared vectors not present: " + file);
      try {
        cache = Json.parseObject(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      String format = (String) cache.get("format");
      if (!format.startsWith("m2mauth JOSE vectors v1,")) {
        throw new IllegalStateException("jose.json format " + format + ", these tests read v1");
      }
    }
    return cache;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  static Map<String, Object> key(String name) {
    return map(map(load().get("keys")).get(name));
  }

  /** A vector key by name; "name:public" is its public form (SPKI PEM). */
  static Key loadKey(String name) {
    boolean pub = name.endsWith(":public");
    String base = pub ? name.substring(0, name.length() - ":public".length()) : name;
    Map<String, Object> k = key(base);
    if (pub && k.containsKey("spki_pem")) {
      return Key.fromPem((String) k.get("spki_pem"));
    }
    return Key.fromJwk(Json.write(k.get("private_jwk")));
  }

  static Algorithm[] algorithms(Object names) {
    return list(names).stream().map(n -> Algorithm.fromJoseName((String) n)).toArray(Algorithm[]::new);
  }
}
