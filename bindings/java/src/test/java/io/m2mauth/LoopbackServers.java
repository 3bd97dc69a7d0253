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
  /** The second harness run: servers that need the first run's PKI (a2a_tls). */
  private final Path tlsState;
  private Map<String, Object> servers;
  private Map<String, Object> pki;
  private boolean stopped;

  /** For JUnit (the extension instance itself holds nothing). */
  public LoopbackServers() {
    this.dir = null;
    this.state = null;
    this.tlsState = null;
  }

  private LoopbackServers(Path dir) {
    this.dir = dir;
    this.state = dir.resolve("servers.json");
    this.tlsState = dir.resolve("servers-tls.json");
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
      // tls: the fault server over HTTPS with a client certificate from the test PKI's CA required;
      // a2a_enc: the A2A emulator with sensitive values encrypted with keys/a2a-encryption.pub.pem.
      String pub = serversDir().resolve("keys").resolve("a2a-encryption.pub.pem").toString();
      Map<String, Object> first = s.up(s.state, "harness.log", "--pki", s.dir.resolve("pki").toString(), "oidc",
          "fault", "a2a", "tls=fault", "a2a_enc=a2a", "rsn=dpop", "--opt", "rsn.nonce=true",
          "--opt", "tls.tls_cert={pki}/server.pem", "--opt", "tls.tls_key={pki}/server.key",
          "--opt", "tls.client_ca={pki}/ca.pem", "--opt", "a2a_enc.encrypt_with_public_key=" + pub);
      @SuppressWarnings("unchecked")
      Map<String, Object> servers = new java.util.LinkedHashMap<>((Map<String, Object>) first.get("servers"));
      @SuppressWarnings("unchecked")
      Map<String, Object> pki = (Map<String, Object>) first.get("pki");
      s.servers = servers;
      s.pki = pki;
      // a2a_tls: the A2A emulator over HTTPS, a client certificate from the CA required, and only
      // client_rsa's SHA-256 fingerprint registered (other CA-issued certificates get 403).
      String p = s.dir.resolve("pki").toString();
      Map<String, Object> second = s.up(s.tlsState, "harness-tls.log", "a2a_tls=a2a",
          "--opt", "a2a_tls.tls_cert=" + p + "/server.pem", "--opt", "a2a_tls.tls_key=" + p + "/server.key",
          "--opt", "a2a_tls.client_ca=" + p + "/ca.pem",
          "--opt", "a2a_tls.require_client_cert_fingerprint=" + s.cert("client_rsa", "sha256_colon"));
      @SuppressWarnings("unchecked")
      Map<String, Object> tlsServers = (Map<String, Object>) second.get("servers");
      servers.putAll(tlsServers);
      running = s;
      return s;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** harness.py up with args, bounded by 120 s; the parsed state file. Stops everything on failure. */
  private Map<String, Object> up(Path stateFile, String logName, String... args)
      throws IOException, InterruptedException {
    Path log = dir.resolve(logName);
    List<String> cmd = new java.util.ArrayList<>(List.of("python3", serversDir().resolve("harness.py").toString(),
        "up", "--state", stateFile.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      close();
      throw new IllegalStateException("harness.py up did not finish within 120 s");
    }
    if (p.exitValue() != 0) {
      String out = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      close();
      throw new IllegalStateException("loopback servers did not start:\n" + out);
    }
    return Json.parseObject(new String(Files.readAllBytes(stateFile), StandardCharsets.UTF_8));
  }

  /** A field of a certificate of the PKI manifest, e.g. cert("client_rsa", "sha256_colon"). */
  @SuppressWarnings("unchecked")
  String cert(String name, String field) {
    Map<String, Object> c = (Map<String, Object>) ((Map<String, Object>) pki.get("certs")).get(name);
    return c == null ? null : (String) c.get(field);
  }

  /** Stops the servers by pid (harness.py down, at most 60 s) and removes the work folder. */
  @Override
  public synchronized void close() {
    if (stopped || dir == null) {
      return;
    }
    stopped = true;
    running = null;
    for (Path st : new Path[] {tlsState, state}) {
      if (!Files.exists(st)) {
        continue;
      }
      try {
        Process p = new ProcessBuilder("python3", serversDir().resolve("harness.py").toString(), "down", "--state",
            st.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (IOException e) {
        // nothing more to do: the servers also exit with their process group's session
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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

  private HttpClient tlsControl;

  /**
   * A /_control call to a server that requires a client certificate (a2a_tls): java.net.http with the
   * test PKI's CA and its PKCS#12 client certificate (client_rsa, registered).
   */
  synchronized String controlTls(String url, String method, String body) {
    try {
      if (tlsControl == null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> p12 = (Map<String, Object>) pki.get("client_p12");
        char[] password = ((String) p12.get("password")).toCharArray();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(Paths.get((String) p12.get("path")))) {
          ks.load(in, password);
        }
        javax.net.ssl.KeyManagerFactory kmf =
            javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trust.load(null, null);
        try (java.io.InputStream in = Files.newInputStream(Paths.get((String) pki.get("ca_bundle")))) {
          int i = 0;
          for (java.security.cert.Certificate c
              : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            trust.setCertificateEntry("ca" + i++, c);
          }
        }
        javax.net.ssl.TrustManagerFactory tmf =
            javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        tlsControl = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
      }
      HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .build();
      HttpResponse<String> resp = tlsControl.send(req, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() / 100 != 2) {
        fail(method + " " + url + ": " + resp.statusCode() + " " + resp.body());
      }
      return resp.body();
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
