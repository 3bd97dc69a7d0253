package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.m2mauth.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The transport's TLS options crossing into the library: the fault server over HTTPS requires a client
 * certificate from the test PKI's CA and echoes the one it got.
 */
@LoopbackTest
class TlsTest {
  private static String echoedFingerprint(HttpOptions.Builder options) {
    LoopbackServers s = LoopbackServers.get();
    try (Http http = Http.create(options.timeout(Duration.ofSeconds(10)).build())) {
      Response r = http.send(Request.get(s.field("tls", "echo_url") + "/mtls"));
      assertEquals(200, r.status(), r.bodyText());
      return (String) Json.parseObject(r.bodyText()).get("tls_client_cert_sha256");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cert(String name) {
    return (Map<String, Object>) ((Map<String, Object>) LoopbackServers.get().pki().get("certs")).get(name);
  }

  @Test
  void clientCertificatesFromPathsPemTextAndPkcs12() throws IOException {
    Map<String, Object> pki = LoopbackServers.get().pki();
    String ca = (String) pki.get("ca_bundle");
    Map<String, Object> client = cert("client_rsa");
    String certPath = (String) client.get("cert");
    String keyPath = (String) client.get("key");
    String sha256 = (String) client.get("sha256");

    assertEquals(sha256, echoedFingerprint(HttpOptions.builder().caFile(Paths.get(ca)).clientCertificate(certPath)
        .clientKey(keyPath)));
    String certPem = new String(Files.readAllBytes(Paths.get(certPath)), StandardCharsets.UTF_8);
    String keyPem = new String(Files.readAllBytes(Paths.get(keyPath)), StandardCharsets.UTF_8);
    assertEquals(sha256, echoedFingerprint(HttpOptions.builder().caFile(Paths.get(ca)).clientCertificate(certPem)
        .clientKey(keyPem)));

    @SuppressWarnings("unchecked")
    Map<String, Object> p12 = (Map<String, Object>) pki.get("client_p12");
    char[] password = ((String) p12.get("password")).toCharArray();
    HttpOptions.Builder withP12 = HttpOptions.builder().caFile(Paths.get(ca))
        .pkcs12(Paths.get((String) p12.get("path")), password);
    assertEquals(cert((String) p12.get("cert")).get("sha256"), echoedFingerprint(withP12));

    assertThrows(M2mauthException.class, () -> echoedFingerprint(HttpOptions.builder().caFile(Paths.get(ca))
        .pkcs12(Paths.get((String) p12.get("path")), "wrong".toCharArray())));
    assertThrows(NetworkException.class, () -> echoedFingerprint(HttpOptions.builder().caFile(Paths.get(ca))));
    NetworkException untrusted = assertThrows(NetworkException.class,
        () -> echoedFingerprint(HttpOptions.builder().clientCertificate(certPath).clientKey(keyPath)));
    assertEquals("tls", untrusted.getName());
    assertEquals(sha256, echoedFingerprint(HttpOptions.builder().insecureSkipVerify(true).clientCertificate(certPath)
        .clientKey(keyPath)));
    HttpOptions shown = HttpOptions.builder().clientCertificate(certPem).clientKey(keyPem)
        .clientKeyPassphrase("pw".toCharArray()).build();
    assertEquals(false, shown.toString().contains("PRIVATE KEY") || shown.toString().contains("pw"));
  }
}
