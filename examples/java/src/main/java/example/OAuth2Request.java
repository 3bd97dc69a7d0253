package example;

import io.m2mauth.Config;
import io.m2mauth.Http;
import io.m2mauth.M2mauthException;
import io.m2mauth.Token;
import io.m2mauth.TokenEvent;
import io.m2mauth.TokenManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * An authenticated API call with a cached OAuth 2.0 token, configured the way every m2mauth language
 * is: a JSON file named by $M2MAUTH_CONFIG and/or M2MAUTH_* environment variables (README,
 * "Configuration"). Secrets come from files or the environment, never from the command line. The token
 * is used, never printed. The token manager fetches and refreshes the token through m2mauth's own
 * transport; the API calls go through the JDK's {@link HttpClient}, with {@link TokenManager#send}
 * attaching the token and retrying once after a 401.
 *
 * <pre>
 * M2MAUTH_CONFIG=service.json java -cp "target/classes:target/lib/*" example.OAuth2Request https://api.example.com/v1/accounts [count]
 * </pre>
 */
public final class OAuth2Request {
  private OAuth2Request() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: OAuth2Request URL [count]");
      System.exit(2);
    }
    String url = args[0];
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String step = "configuration";
    try (Config config = Config.fromEnvironment()) {
      step = "transport";
      try (Http http = config.http()) {
        step = "token manager";
        try (TokenManager tokens = config.tokenManager(http, OAuth2Request::onEvent)) {
          step = "token";
          Token token = tokens.token();
          System.out.printf("   token: %s, %d characters (not shown), expires at %s%n", token.tokenType(),
              token.accessToken().length(), token.expiresAt());
          step = "API call";
          HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
          HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
          for (int i = 0; i < count; i++) {
            // Authorization added; one retry with a new token after a 401.
            HttpResponse<byte[]> r = tokens.send(client, get, HttpResponse.BodyHandlers.ofByteArray());
            System.out.printf("   GET %s -> HTTP %d, %d bytes%n", url, r.statusCode(), r.body().length);
            if (r.statusCode() != 200) {
              System.exit(1);
            }
          }
        }
      }
    } catch (IOException e) {
      System.err.println("error: " + step + ": " + e);
      System.exit(1);
    } catch (M2mauthException e) {
      StringBuilder sb = new StringBuilder("error: " + step + ": " + e.getMessage() + " (" + e.getName());
      if (!e.getOauthError().isEmpty()) {
        sb.append(", oauth error ").append(e.getOauthError());
      }
      if (e.getHttpStatus() != 0) {
        sb.append(", HTTP ").append(e.getHttpStatus());
      }
      System.err.println(sb.append(e.isTransient() ? ", transient)" : ")"));
      System.exit(1);
    }
  }

  /** Token events carry no secret: client id, scope, expiry, error names. */
  private static void onEvent(TokenEvent ev) {
    System.out.printf("   [event] %s client=%s scope=\"%s\"%s%n", ev.kind().name().toLowerCase(), ev.clientId(),
        ev.scope(), ev.kind() == TokenEvent.Kind.FAILED ? " error=" + ev.errorName() : "");
  }
}
