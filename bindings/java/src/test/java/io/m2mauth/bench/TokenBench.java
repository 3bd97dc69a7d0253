package io.m2mauth.bench;

import com.sun.net.httpserver.HttpServer;
import io.m2mauth.Http;
import io.m2mauth.TokenClient;
import io.m2mauth.TokenManager;
import io.m2mauth.TokenScope;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Per-call cost of a cached token read through the Java binding (not a test; surefire skips this
 * package): TokenManager.token() on a token of an hour fetched once from a loopback token endpoint,
 * served from the Java-side snapshot without a JNI call; then the configured key against another key,
 * and tokenAsync() on the same cached token (a completed future, no native call).
 *
 * <pre>
 *   java -cp CLASSES:TEST_CLASSES io.m2mauth.bench.TokenBench [seconds]   (bindings/README.md, "Benchmarks")
 * </pre>
 * Rounds alternate as in {@link SignBench}; each case keeps its fastest round. Single thread.
 */
public final class TokenBench {
  private static volatile long sink;

  private TokenBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/token", ex -> {
      ex.getRequestBody().readAllBytes();
      byte[] body = "{\"access_token\":\"bench-access-token-0123456789abcdef\",\"token_type\":\"Bearer\",\"expires_in\":3600}"
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    TokenScope other = TokenScope.of("api.write");
    try (Http http = Http.create();
        TokenClient client = TokenClient.builder(url, "svc").http(http).clientSecret("s3cret".toCharArray())
            .scope("api.read").build();
        TokenManager m = TokenManager.create(client)) {
      m.token();
      m.token(other);
      SignBench.measure("token", seconds, 100000, new String[] {"TokenManager.token(), cached", "token(TokenScope), cached",
          "tokenAsync().join(), cached"},
          new SignBench.Case[] {
            () -> sink += m.token().expiresAt().getEpochSecond(),
            () -> sink += m.token(other).expiresAt().getEpochSecond(),
            () -> sink += m.tokenAsync().join().expiresAt().getEpochSecond()});
    } finally {
      server.stop(0);
    }
  }
}
