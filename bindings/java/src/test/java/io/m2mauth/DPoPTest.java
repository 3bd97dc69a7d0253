package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** DPoP (RFC 9449): proof keys, and a DPoP-bound token from oidc-provider used at a nonce-checking resource server. */
@LoopbackTest
class DPoPTest {
  @Test
  void proofKeysAndProofs() {
    try (DPoP d = DPoP.generate(); Key ed = Key.generateEd25519(); DPoP e = DPoP.of(ed, null)) {
      assertEquals(43, d.thumbprint().length());
      assertTrue(d.publicJwk().contains("\"crv\":\"P-256\""));
      assertFalse(d.publicJwk().contains("\"d\""));
      String proof = e.proof("GET", "https://Example.com:443/x?y#z", "tok", "n1");
      String[] parts = proof.split("\\.");
      String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
      assertTrue(claims.contains("\"htu\":\"https://example.com/x\""), claims);
      assertTrue(claims.contains("\"nonce\":\"n1\"") && claims.contains("\"ath\":"), claims);
      String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
      assertTrue(header.contains("\"typ\":\"dpop+jwt\"") && header.contains("\"alg\":\"EdDSA\""), header);
      assertEquals("DPoP[jkt=" + d.thumbprint() + "]", d.toString());
    }
    try (Key hmac = Key.generateHmac(32)) {
      KeyTypeException x = assertThrows(KeyTypeException.class, () -> DPoP.of(hmac, null));
      assertEquals("key_type", x.getName());
    }
  }

  @Test
  void dpopBoundTokenAtANonceResourceServer() {
    LoopbackServers s = LoopbackServers.get();
    try (Http http = OAuth2Test.loopbackHttp(); DPoP d = DPoP.generate();
        TokenClient client = TokenClient.builder(s.field("oidc", "token_endpoint"), "svc-basic").http(http)
            .clientSecret(LoopbackServers.secret("svc-basic")).dpop(d).build();
        TokenManager m = TokenManager.create(client)) {
      assertEquals("DPoP", m.token().tokenType());
      Response r = m.request(Request.get(s.field("rsn", "api_url") + "/java"));
      assertEquals(200, r.status(), r.bodyText());
      assertTrue(r.bodyText().contains("\"scheme\": \"DPoP\""));
    }
  }

  /** POSTs to (or for "stats" GETs) the DPoP resource server's /_control/what; returns the JSON text. */
  static String control(HttpClient hc, String what) throws Exception {
    String url = LoopbackServers.get().field("rsn", "control_url") + "/" + what;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (!what.equals("stats")) {
      b.POST(HttpRequest.BodyPublishers.ofString("{}"));
    }
    return hc.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static int stat(HttpClient hc, String name) throws Exception {
    Matcher m = Pattern.compile("\"" + name + "\":\\s*(\\d+)").matcher(control(hc, "stats"));
    assertTrue(m.find(), name);
    return Integer.parseInt(m.group(1));
  }

  @Test
  void sendAndSendAsyncProveWithTheManagersKeyAndAnswerANonceChallengeOnce() throws Exception {
    LoopbackServers s = LoopbackServers.get();
    HttpClient hc = HttpClient.newHttpClient();
    try (Http http = OAuth2Test.loopbackHttp(); DPoP d = DPoP.generate();
        TokenClient client = TokenClient.builder(s.field("oidc", "token_endpoint"), "svc-basic").http(http)
            .clientSecret(LoopbackServers.secret("svc-basic")).dpop(d).build();
        TokenManager m = TokenManager.create(client)) {
      try (DPoP mine = m.dpop()) {
        assertEquals(d.thumbprint(), mine.thumbprint());
      }
      control(hc, "reset");
      String url = s.field("rsn", "api_url") + "/java-send?x=1";
      HttpResponse<String> r = m.send(hc, HttpRequest.newBuilder(URI.create(url))
          .POST(HttpRequest.BodyPublishers.ofString("body")), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"scheme\": \"DPoP\"") && r.body().contains("\"htm\": \"POST\""), r.body());
      assertEquals(2, stat(hc, "requests")); // one use_dpop_nonce challenge, one retry with the same token
      assertEquals(1, stat(hc, "nonce_challenges"));
      r = m.sendAsync(hc, HttpRequest.newBuilder(URI.create(url)), HttpResponse.BodyHandlers.ofString())
          .get(30, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(3, stat(hc, "requests")); // the nonce was learnt
      control(hc, "rotate_nonce");
      r = m.sendAsync(hc, HttpRequest.newBuilder(URI.create(url)), HttpResponse.BodyHandlers.ofString())
          .get(30, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(2, stat(hc, "nonce_challenges"));
      // A server that asks for a new nonce every time: a bounded failure, exactly two requests.
      control(hc, "nonce_loop");
      int before = stat(hc, "requests");
      r = m.send(hc, HttpRequest.newBuilder(URI.create(url)), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, r.statusCode());
      assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"use_dpop_nonce\""));
      assertEquals(2, stat(hc, "requests") - before);
      before = stat(hc, "requests");
      r = m.sendAsync(hc, HttpRequest.newBuilder(URI.create(url)), HttpResponse.BodyHandlers.ofString())
          .get(30, TimeUnit.SECONDS);
      assertEquals(401, r.statusCode());
      assertEquals(2, stat(hc, "requests") - before);
    } finally {
      control(hc, "reset");
    }
  }

  @Test
  void observeFollowsTheLibraryRuleAndAManagerWithoutDpopHasNoKey() {
    try (DPoP d = DPoP.generate()) {
      Response challenge = Response.of(401, List.of(Map.entry("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\""),
          Map.entry("DPoP-Nonce", "n-7")), null);
      assertTrue(d.observe("https://rs.example/a", challenge));
      String proof = d.proof("GET", "https://rs.example/b", null, null);
      String claims = new String(Base64.getUrlDecoder().decode(proof.split("\\.")[1]), StandardCharsets.UTF_8);
      assertTrue(claims.contains("\"nonce\":\"n-7\""), claims);
      assertFalse(d.observe("https://rs.example/a", Response.of(200, List.of(), null)));
    }
    try (Http http = OAuth2Test.loopbackHttp();
        TokenClient client = TokenClient.builder("http://127.0.0.1:9/token", "c").http(http)
            .clientSecret("s".toCharArray()).build();
        TokenManager m = TokenManager.create(client)) {
      assertEquals(null, m.dpop());
    }
  }
}
