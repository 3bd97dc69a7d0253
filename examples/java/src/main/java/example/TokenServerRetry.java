package example;

import io.m2mauth.M2mauthException;
import io.m2mauth.Token;
import io.m2mauth.TokenClient;
import io.m2mauth.testing.AuthMethod;
import io.m2mauth.testing.TokenServer;
import java.time.Duration;

/**
 * Testing your own code against the token-endpoint test double: "a token fetch fails with 503, then
 * recovers". In a JUnit 5 test, {@code @ExtendWith(TokenServerExtension.class)} hands each test a started
 * {@link TokenServer} as a parameter; this program does the same steps with its own server.
 *
 * <p>Run: java -cp target/classes:target/lib/* example.TokenServerRetry (exit status 0: the test passed)
 */
public final class TokenServerRetry {
  /** The code under test: fetches a token, retrying once when the failure is transient. */
  static Token fetchWithOneRetry(TokenClient client) {
    try {
      return client.fetch();
    } catch (M2mauthException e) {
      if (!e.isTransient()) {
        throw e;
      }
      return client.fetch();
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  public static void main(String[] args) {
    try (TokenServer server = TokenServer.start()) {
      server.addClient("orders-service", AuthMethod.CLIENT_SECRET_BASIC, "test-secret", "orders.read");
      server.failNext(1, 503, "temporarily_unavailable", Duration.ofSeconds(1));
      try (TokenClient client = TokenClient.builder(server.tokenUrl(), "orders-service")
          .clientSecret("test-secret".toCharArray()).build()) {
        Token token = fetchWithOneRetry(client);
        check("orders.read".equals(token.scope()), "scope");
      }
      check(server.requests("token") == 2, "two token requests");
      check(server.requests("failed") == 1, "one injected failure");
      System.out.println("ok: one transient failure, one retry, " + server.requests("token") + " token requests");
    }
  }
}
