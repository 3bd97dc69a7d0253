package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.m2mauth.internal.Json;
import io.m2mauth.internal.M2mauthNative;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * tests/vectors/m2mauth/errors.json, which the C, Python and Go suites read too: every code lands in the
 * family the file names, through the one category table (ErrorCodes.FAMILIES).
 */
class ErrorFamiliesTest {
  private static Map<String, Object> errorsJson() throws IOException {
    String dir = System.getProperty("m2mauth.vectors", "../../tests/vectors");
    Path file = Paths.get(dir, "m2mauth", "errors.json");
    assumeTrue(Files.exists(file), "shared vectors not present: " + file);
    return Json.parseObject(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
  }

  /** The exception a failed call with this code throws, built as the native status gate builds it. */
  private static M2mauthException thrownFor(int code) {
    byte[] name = M2mauthNative.m2mauth_error_name(code).getBytes(StandardCharsets.UTF_8);
    byte[] empty = new byte[0];
    return M2mauthException.fromNative(code, name, "message".getBytes(StandardCharsets.UTF_8),
        M2mauthNative.m2mauth_error_code_is_transient(code) != 0, 0, empty, empty, empty, 0, 0);
  }

  @Test
  void everyCodeLandsInItsFamily() throws Exception {
    Map<String, Object> doc = errorsJson();
    Map<String, Object> families = Vectors.map(doc.get("families"));
    assertEquals(families.keySet(), ErrorCodes.FAMILIES.keySet());
    Set<Class<?>> distinct = new HashSet<>();
    for (Map.Entry<String, Object> f : families.entrySet()) {
      Class<?> type = Class.forName("io.m2mauth." + Vectors.map(f.getValue()).get("java"));
      assertSame(type, ErrorCodes.FAMILIES.get(f.getKey()).type, f.getKey());
      assertTrue(distinct.add(type), "one class per family: " + type);
    }
    for (Object o : Vectors.list(doc.get("codes"))) {
      Map<String, Object> c = Vectors.map(o);
      int code = ((Number) c.get("value")).intValue();
      String name = (String) c.get("name");
      String category = (String) c.get("category");
      assertEquals(name, M2mauthNative.m2mauth_error_name(code));
      assertEquals(category, M2mauthNative.m2mauth_error_category_name(M2mauthNative.m2mauth_error_category(code)));
      if (c.get("family") == null) {
        assertEquals(0, code, "only ok has no family");
        continue;
      }
      Class<?> family = Class.forName("io.m2mauth." + Vectors.map(families.get((String) c.get("family"))).get("java"));
      M2mauthException e = thrownFor(code);
      assertTrue(family.isInstance(e), name + " gave " + e.getClass().getSimpleName());
      assertEquals(code, e.getCode());
      assertEquals(name, e.getName());
      assertEquals(c.get("transient"), e.isTransient(), name);
    }
    for (Object o : Vectors.list(doc.get("unknown_codes"))) {
      int code = ((Number) o).intValue();
      if (code < 0) {
        M2mauthException e = thrownFor(code);
        assertNotNull(e);
        assertSame(M2mauthException.class, e.getClass(), "an unknown code is an internal failure");
      }
    }
  }

  @Test
  void classesWithinAFamilyStay() {
    // The classes for single codes keep their places under their category's family.
    assertTrue(thrownFor(-23) instanceof ExpiredException);
    assertTrue(thrownFor(-12) instanceof PassphraseException);
    assertTrue(thrownFor(-12) instanceof BadKeyException);
    assertTrue(thrownFor(-13) instanceof KeyTypeException);
    assertTrue(thrownFor(-41) instanceof NetworkException);
    assertTrue(thrownFor(-45) instanceof ServerException);
  }
}
