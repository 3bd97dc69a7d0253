package io.m2mauth;

import static org.junit.jupiter.api.Assertions.fail;

import io.m2mauth.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The loopback servers of tests/servers (oidc-provider, the fault server, the A2A emulator), for the
 * test classes that declare {@code @ExtendWith(LoopbackServers.class)}: started once per test run with
 * {@code harness.py up} (which waits for them, bounded; this process waits at most 120 s for it) and
 * stopped by pid with {@code harness.py down} when the run ends (the root store closes this resource).
 * They listen on 127.0.0.1 only. The folder comes from the m2mauth.servers system property (set by the pom).
 */
public final class LoopbackServers implements BeforeAllCallback, AutoCloseable,
    ExtensionContext.Store.CloseableResource {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LoopbackServers.class);
  private static volatile LoopbackServers running;

  private final Path dir;
  private final Path state;
  private Map<String, Object> servers;
  private Map<String, Object> pki;
  private boolean stopped;

  /** For JUnit (the extension instance itself holds nothing). */
  public LoopbackServers() {
    this.dir = null;
    this.state = null;
  }

  private LoopbackServers(Path dir) {
    this.dir = dir;
    this.state = dir.resolve("servers.json");
  }

  static Path serversDir() {
    return Paths.get(System.getProperty("m2mauth.servers", "../../tests/servers")).toAbsolutePath().normalize();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(NS).getOrComputeIfAbsent("servers", k -> start(), LoopbackServers.class);
  }

  /** The running servers (after the extension started them). */
  static LoopbackServers get() {
    LoopbackServers s = running;
    if (s == null) {
      fail("loopback servers not started: add @ExtendWith(LoopbackServers.class)");
    }
    return s;
  }

  private static LoopbackServers start() {
    try {
      LoopbackServers s = new LoopbackServers(Files.createTempDirectory("m2mauth-java-test-"));
      Path log = s.dir.resolve("harness.log");
      // tls: the fault server over HTTPS with a client certificate from the test PKI's CA required.
      Process p = new ProcessBuilder("python3", serversDir().resolve("harness.py").toString(), "up", "--state",
          s.state.toString(), "--pki", s.dir.resolve("pki").toString(), "oidc", "fault", "a2a", "tls=fault",
          "--opt", "tls.tls_cert={pki}/server.pem", "--opt", "tls.tls_key={pki}/server.key",
          "--opt", "tls.client_ca={pki}/ca.pem")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        s.close();
        throw new IllegalStateException("harness.py up did not finish within 120 s");
      }
      if (p.exitValue() != 0) {
        String out = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        s.close();
        throw new IllegalStateException("loopback servers did not start:\n" + out);
      }
      Map<String, Object> state = Json.parseObject(new String(Files.readAllBytes(s.state), StandardCharsets.UTF_8));
      @SuppressWarnings("unchecked")
      Map<String, Object> servers = (Map<String, Object>) state.get("servers");
      @SuppressWarnings("unchecked")
      Map<String, Object> pki = (Map<String, Object>) state.get("pki");
      s.servers = servers;
      s.pki = pki;
      running = s;
      return s;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the servers by pid (harness.py down, at most 60 s) and removes the work folder. */
  @Override
  public synchronized void close() {
    if (stopped || dir == null) {
      return;
    }
    stopped = true;
    running = null;
    try {
      Process p = new ProcessBuilder("python3", serversDir().resolve("harness.py").toString(), "down", "--state",
          state.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      // nothing more to do: the servers also exit with their process group's session
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind
    }
  }

  /** A ready-file field of one server. */
  String field(String server, String name) {
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) servers.get(server);
    Object v = s == null ? null : s.get(name);
    if (v == null) {
      fail("server " + server + " has no " + name);
    }
    return v.toString();
  }

  /** The test PKI's manifest (tests/servers/pki.py). */
  Map<String, Object> pki() {
    return pki;
  }

  private static final HttpClient CONTROL = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Calls a /_control endpoint with java.net.http (independent of the library under test). */
  static String control(String url, String method, String body) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .build();
      HttpResponse<String> resp = CONTROL.send(req, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() / 100 != 2) {
        fail(method + " " + url + ": " + resp.statusCode() + " " + resp.body());
      }
      return resp.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The fault server's control URL, after resetting its script, statistics and tokens. */
  String resetFault() {
    String url = field("fault", "control_url");
    control(url + "/reset", "POST", "{}");
    return url;
  }

  static long stat(String controlUrl, String name) {
    Object v = Json.parseObject(control(controlUrl + "/stats", "GET", null)).get(name);
    return v instanceof Number ? ((Number) v).longValue() : -1;
  }

  /** tests/servers/clients.json. */
  static Map<String, Object> clients() {
    try {
      return Json.parseObject(new String(Files.readAllBytes(serversDir().resolve("clients.json")),
          StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> oauth2Client(String id) {
    return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) clients().get("oauth2"))
        .get("clients")).get(id);
  }

  static char[] secret(String id) {
    return ((String) oauth2Client(id).get("client_secret")).toCharArray();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> a2aOAuth1() {
    return ((List<Map<String, Object>>) ((Map<String, Object>) clients().get("a2a")).get("oauth1")).get(0);
  }
}
