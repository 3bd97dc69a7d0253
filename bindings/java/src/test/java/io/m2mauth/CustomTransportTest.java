package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An application's own HTTP client behind Http.custom: token requests and managed requests go through it. */
class CustomTransportTest {
  @Test
  void tokensAndRequestsGoThroughTheApplicationTransport() {
    AtomicInteger calls = new AtomicInteger();
    Http.Transport app = req -> {
      int n = calls.incrementAndGet();
      if (req.url().endsWith("/token")) {
        assertEquals("POST", req.method());
        assertTrue(req.bodyText().contains("grant_type=client_credentials"));
        String body = "{\"access_token\":\"app-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
        return Response.of(200, List.of(new AbstractMap.SimpleImmutableEntry<>("Content-Type", "application/json")),
            body.getBytes(StandardCharsets.UTF_8));
      }
      if (req.url().endsWith("/down")) {
        throw new java.io.IOException("refused by the application");
      }
      String auth = req.header("Authorization");
      return Response.of("Bearer app-1".equals(auth) ? 200 : 401,
          List.of(new AbstractMap.SimpleImmutableEntry<>("X-App", "yes")), "hello".getBytes(StandardCharsets.UTF_8));
    };
    try (Http http = Http.custom(app);
        TokenClient client = TokenClient.builder("https://as.example/token", "svc").http(http)
            .clientSecret("s3cret".toCharArray()).build();
        TokenManager tokens = TokenManager.create(client)) {
      Response r = tokens.request(Request.get("https://api.example/data"));
      assertEquals(200, r.status());
      assertEquals("hello", r.bodyText());
      assertEquals("yes", r.header("X-App"));
      assertThrows(NetworkException.class, () -> tokens.request(Request.get("https://api.example/down")));
      assertEquals(3, calls.get());
    }
    assertThrows(NullPointerException.class, () -> Http.custom(null));
  }
}
