package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.m2mauth.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * tests/vectors/m2mauth/options.json: the builders (Durations, unset = the C default) give the same
 * effective configuration as the C structs, and the same refusals. Cases with a "version" are C only.
 */
class OptionsVectorsTest {
  private static List<Object> cases() throws IOException {
    String dir = System.getProperty("m2mauth.vectors", "../../tests/vectors");
    Path file = Paths.get(dir, "m2mauth", "options.json");
    assumeTrue(Files.exists(file), "shared vectors not present: " + file);
    Map<String, Object> doc = Json.parseObject(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    return Vectors.list(doc.get("cases"));
  }

  private static long num(Object v) {
    return ((Number) v).longValue();
  }

  private static ManagerOptions managerOptions(Map<String, Object> given) {
    ManagerOptions.Builder b = ManagerOptions.builder();
    for (Map.Entry<String, Object> e : given.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "refresh_fraction": b.refreshFraction(((Number) v).doubleValue()); break;
        case "jitter_fraction": b.jitterFraction(((Number) v).doubleValue()); break;
        case "refresh_margin_ms": b.refreshMargin(Duration.ofMillis(num(v))); break;
        case "expiry_skew_ms": b.expirySkew(Duration.ofMillis(num(v))); break;
        case "wait_timeout_ms": b.waitTimeout(Duration.ofMillis(num(v))); break;
        case "backoff_base_ms": b.backoffBase(Duration.ofMillis(num(v))); break;
        case "backoff_max_ms": b.backoffMax(Duration.ofMillis(num(v))); break;
        case "permanent_backoff_ms": b.permanentBackoff(Duration.ofMillis(num(v))); break;
        case "min_fetch_interval_ms": b.minFetchInterval(Duration.ofMillis(num(v))); break;
        case "max_keys": b.maxKeys(num(v)); break;
        case "caller_refresh": b.callerRefresh(num(v) != 0); break;
        case "report_cache_hits": b.reportCacheHits(num(v) != 0); break;
        default: throw new IllegalStateException("unknown token manager field " + e.getKey());
      }
    }
    return b.build();
  }

  private static HttpOptions httpOptions(Map<String, Object> given) {
    HttpOptions.Builder b = HttpOptions.builder();
    String passphrase = (String) given.get("client_key_passphrase");
    for (Map.Entry<String, Object> e : given.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "insecure_skip_verify": b.insecureSkipVerify(num(v) != 0); break;
        case "allow_plain_http": b.allowPlainHttp(num(v) != 0); break;
        case "ca_file": b.caFile(Paths.get((String) v)); break;
        case "ca_dir": b.caDir(Paths.get((String) v)); break;
        case "client_cert": b.clientCertificate((String) v); break;
        case "client_key": b.clientKey((String) v); break;
        case "client_key_passphrase": b.clientKeyPassphrase(((String) v).toCharArray()); break;
        case "client_cert_type": break; // below: PKCS#12 is its own builder call
        case "proxy": b.proxy((String) v); break;
        case "user_agent": b.userAgent((String) v); break;
        case "connect_timeout_ms": b.connectTimeout(Duration.ofMillis(num(v))); break;
        case "timeout_ms": b.timeout(Duration.ofMillis(num(v))); break;
        case "max_response_bytes": b.maxResponseBytes(num(v)); break;
        default: throw new IllegalStateException("unknown HTTP field " + e.getKey());
      }
    }
    if ("P12".equals(given.get("client_cert_type"))) {
      b.pkcs12(Paths.get((String) given.get("client_cert")), passphrase == null ? null : passphrase.toCharArray());
    }
    return b.build();
  }

  /** Equal as JSON values: numbers compared by value (1 and 1.0 alike). */
  private static boolean same(Object a, Object b) {
    if (a instanceof Number && b instanceof Number) {
      return ((Number) a).doubleValue() == ((Number) b).doubleValue();
    }
    if (a instanceof Map && b instanceof Map) {
      Map<String, Object> x = Vectors.map(a);
      Map<String, Object> y = Vectors.map(b);
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      for (String k : x.keySet()) {
        if (!same(x.get(k), y.get(k))) {
          return false;
        }
      }
      return true;
    }
    return a == null ? b == null : a.equals(b);
  }

  @Test
  void everyCaseDescribesOrFailsAsInC() throws IOException {
    int manager = 0;
    int http = 0;
    for (Object o : cases()) {
      Map<String, Object> c = Vectors.map(o);
      Map<String, Object> given = Vectors.map(c.get("given"));
      if (given.containsKey("version")) {
        continue;
      }
      String name = c.get("struct") + ": " + c.get("name");
      boolean isManager = "token_manager".equals(c.get("struct"));
      if (isManager) {
        manager++;
      } else {
        http++;
      }
      if (c.containsKey("error")) {
        assertEquals("invalid_argument", c.get("error"), name);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> {
          if (isManager) {
            managerOptions(given).describe();
          } else {
            httpOptions(given).describe();
          }
        }, name);
        assertFalse(e.getMessage().isEmpty(), name);
      } else {
        String got = isManager ? managerOptions(given).describe() : httpOptions(given).describe();
        assertTrue(same(Json.parseObject(got), c.get("effective")), name + ": " + got);
      }
    }
    assertTrue(manager >= 30 && http >= 15, "cases read: " + manager + " + " + http);
  }

  @Test
  void defaultsComeFromTheLibraryAndZeroJitterIsNone() {
    Map<String, Object> d = Json.parseObject(ManagerOptions.defaults().describe());
    assertEquals(0.1, ((Number) d.get("jitter_fraction")).doubleValue());
    Map<String, Object> none = Json.parseObject(ManagerOptions.builder().jitterFraction(0).build().describe());
    assertEquals(0.0, ((Number) none.get("jitter_fraction")).doubleValue());
    Map<String, Object> h = Json.parseObject(HttpOptions.defaults().describe());
    assertEquals(4194304L, num(h.get("max_response_bytes")));
    String shown = HttpOptions.builder().clientKeyPassphrase("hunter2-pass".toCharArray()).build().describe();
    assertFalse(shown.contains("hunter2"));
  }
}
