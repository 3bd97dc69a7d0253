package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** OAuth 1.0: the known-answer vectors of tests/vectors/oauth1, and requests the A2A emulator (oauthlib) accepts. */
@LoopbackTest
class OAuth1Test {
  /** The cases of oauth1_vectors.txt (format described at its top) that carry a request. */
  static Stream<Map<String, String>> vectors() throws IOException {
    Path file = Paths.get(System.getProperty("m2mauth.vectors", "../../tests/vectors"), "oauth1", "oauth1_vectors.txt");
    assumeTrue(Files.exists(file), "OAuth 1.0 vectors not present: " + file);
    List<Map<String, String>> cases = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("#") || line.trim().isEmpty()) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("name", line.substring(1, line.length() - 1));
        cases.add(c);
        continue;
      }
      int eq = line.indexOf(" = ");
      String key = eq < 0 ? line.replaceAll(" =$", "") : line.substring(0, eq);
      cases.get(cases.size() - 1).put(key, eq < 0 ? "" : line.substring(eq + 3));
    }
    return cases.stream().filter(c -> c.containsKey("method"));
  }

  static OAuth1Signer vectorSigner(Map<String, String> c) {
    OAuth1Signer.Builder b = OAuth1Signer.builder(c.get("consumer_key"))
        .consumerSecret(c.getOrDefault("consumer_secret", "").toCharArray())
        .token(c.get("token"), c.getOrDefault("token_secret", "").toCharArray())
        .includeVersion("yes".equals(c.get("version")))
        .fixedNonce(c.get("nonce"))
        .fixedTimestamp(Long.parseLong(c.get("timestamp")));
    for (OAuth1Method m : OAuth1Method.values()) {
      if (m.protocolName().equals(c.get("signature_method"))) {
        b.method(m);
      }
    }
    if (c.containsKey("realm")) {
      b.realm(c.get("realm"));
    }
    if (c.containsKey("callback")) {
      b.callback(c.get("callback"));
    }
    if (c.containsKey("verifier")) {
      b.verifier(c.get("verifier"));
    }
    return b.build();
  }

  static Request vectorRequest(Map<String, String> c) {
    Request.Builder b = Request.builder(c.get("method"), c.get("url"));
    if (c.containsKey("content_type")) {
      b.header("Content-Type", c.get("content_type")).body(c.getOrDefault("body", ""));
    }
    return b.build();
  }

  /** "OAuth k="v", ..." as decoded parameters. */
  static Map<String, String> authParams(String header) {
    assertTrue(header != null && header.startsWith("OAuth "), header);
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : header.substring(6).split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      String v = p.substring(eq + 1).replaceAll("^\"|\"$", "");
      out.put(p.substring(0, eq), URLDecoder.decode(v.replace("+", "%2B"), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static final Set<String> SIGNATURES_CHECKED = new HashSet<>();

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void vector(Map<String, String> c) {
    try (OAuth1Signer s = vectorSigner(c)) {
      Request req = vectorRequest(c);
      long ts = Long.parseLong(c.get("timestamp"));
      if (c.containsKey("base_string")) {
        assertEquals(c.get("base_string"), s.baseString(req, c.get("nonce"), ts));
      }
      String want = c.get("signature");
      if (want == null) {
        return;
      }
      assertEquals(want, s.signature(req, c.get("nonce"), ts));
      Request signed = s.sign(req);
      Map<String, String> p = authParams(signed.header("Authorization"));
      assertEquals(want, p.get("oauth_signature"));
      assertEquals(c.get("nonce"), p.get("oauth_nonce"));
      assertEquals(c.get("timestamp"), p.get("oauth_timestamp"));
      assertEquals("yes".equals(c.get("version")), p.containsKey("oauth_version"));
      if (c.containsKey("realm")) {
        assertEquals(c.get("realm"), p.get("realm"));
      }
      assertNull(req.header("Authorization"));
      synchronized (SIGNATURES_CHECKED) {
        SIGNATURES_CHECKED.add(want);
      }
    }
  }

  /** RFC 5849 section 1.2 without oauth_version and OAuth Core 1.0 A.5 with it, named explicitly. */
  @Test
  void theTwoReferenceSignatures() throws IOException {
    Map<String, String> rfc = null;
    Map<String, String> core = null;
    for (Map<String, String> c : (Iterable<Map<String, String>>) vectors()::iterator) {
      if (c.get("name").equals("rfc5849-1.2-protected-resource")) {
        rfc = c;
      } else if (c.get("name").equals("oauth-core-1.0-A.5")) {
        core = c;
      }
    }
    for (Object[] v : new Object[][] {{rfc, "MdpQcU8iPSUjWoN/UDMsK2sui9I=", false},
        {core, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=", true}}) {
      @SuppressWarnings("unchecked")
      Map<String, String> c = (Map<String, String>) v[0];
      try (OAuth1Signer s = vectorSigner(c)) {
        Map<String, String> p = authParams(s.sign(vectorRequest(c)).header("Authorization"));
        assertEquals(v[1], p.get("oauth_signature"));
        assertEquals(v[2], p.containsKey("oauth_version"));
      }
    }
  }

  static OAuth1Signer a2aSigner(Consumer<OAuth1Signer.Builder> more) {
    Map<String, Object> cred = LoopbackServers.a2aOAuth1();
    OAuth1Signer.Builder b = OAuth1Signer.builder((String) cred.get("consumer_key"))
        .consumerSecret(((String) cred.get("consumer_secret")).toCharArray())
        .token((String) cred.get("token"), ((String) cred.get("token_secret")).toCharArray());
    if (more != null) {
      more.accept(b);
    }
    return b.build();
  }

  @Test
  void signedRequestsAreAcceptedByTheA2AEmulator() {
    LoopbackServers s = LoopbackServers.get();
    String base = s.field("a2a", "base_url");
    try (Http http = OAuth2Test.loopbackHttp()) {
      for (boolean version : new boolean[] {true, false}) {
        try (OAuth1Signer signer = a2aSigner(b -> b.includeVersion(version))) {
          Request signed = signer.sign(Request.get(base + "/pam/credential/5"));
          Response r = http.send(signed);
          assertEquals(200, r.status(), r.bodyText());
          assertTrue(r.bodyText().contains("credential"));
          assertEquals(401, http.send(signed).status(), "a replayed nonce was accepted");
        }
      }
      try (OAuth1Signer signer = a2aSigner(null)) {
        Request form = signer.sign(Request.postForm(base + "/pam/info", "content=hello+world&tag=a%26b"));
        assertEquals(201, http.send(form).status());
      }
      try (OAuth1Signer signer = a2aSigner(b -> b.placement(OAuth1Placement.QUERY))) {
        Request q = signer.sign(Request.get(base + "/pam/device/1"));
        assertTrue(q.url().contains("oauth_signature="));
        assertNull(q.header("Authorization"));
        assertEquals(200, http.send(q).status());
      }
      try (OAuth1Signer bad = a2aSigner(b -> b.consumerSecret("not-the-secret".toCharArray()))) {
        assertEquals(401, http.send(bad.sign(Request.get(base + "/pam/credential/5"))).status());
      }
    }
  }

  @Test
  void clockAndSecretsNotShown() {
    Map<String, Object> cred = LoopbackServers.a2aOAuth1();
    Clock fixed = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    try (OAuth1Signer s = a2aSigner(b -> b.clock(fixed))) {
      Request signed = s.sign(Request.get("https://api.example.test/x"));
      Map<String, String> p = authParams(signed.header("Authorization"));
      assertEquals("1700000000", p.get("oauth_timestamp"));
      assertEquals(cred.get("consumer_key"), p.get("oauth_consumer_key"));
      for (String text : new String[] {s.toString(), signed.toString()}) {
        assertFalse(text.contains((String) cred.get("consumer_secret")));
        assertFalse(text.contains((String) cred.get("token_secret")));
        assertFalse(text.contains(p.get("oauth_signature")));
      }
    }
    try (Key ec = Key.generateEc("P-256")) {
      assertThrows(KeyTypeException.class,
          () -> OAuth1Signer.builder("k").method(OAuth1Method.RSA_SHA256).rsaKey(ec).build());
    }
    try (Key rsa = Key.generateRsa(2048);
        OAuth1Signer s = a2aSigner(b -> b.method(OAuth1Method.RSA_SHA256).rsaKey(rsa))) {
      assertTrue(s.sign(Request.get("https://api.example.test/x")).header("Authorization")
          .contains("oauth_signature_method=\"RSA-SHA256\""));
    }
  }
}
