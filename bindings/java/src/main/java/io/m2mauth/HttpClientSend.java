package io.m2mauth;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * {@link TokenManager#send} and {@link TokenManager#sendAsync}: a request of the JDK's
 * {@code java.net.http} client with the manager's token attached, retried once with a new token when the
 * API answers 401 (the rule of m2mauth_token_manager_request, with the JDK's client as the transport).
 */
final class HttpClientSend {
  private HttpClientSend() {}

  static final String AUTHORIZATION = "Authorization";

  /** The caller's builder copied at once, so changing it afterwards changes neither try. */
  static HttpRequest.Builder own(HttpRequest.Builder request) {
    return Objects.requireNonNull(request, "request").copy();
  }

  /** A new request from base with "Authorization: <scheme> <token>" set (replacing any value). */
  static HttpRequest authorized(HttpRequest.Builder base, Token token) {
    return base.copy().setHeader(AUTHORIZATION, token.tokenType() + " " + token.accessToken()).build();
  }

  static <T> HttpResponse<T> send(TokenManager tokens, HttpClient client, HttpRequest.Builder request,
      HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(handler, "handler");
    HttpRequest.Builder base = own(request);
    Token used = tokens.token();
    HttpResponse<T> r = client.send(authorized(base, used), handler);
    if (r.statusCode() != 401) {
      return r;
    }
    discard(r.body());
    tokens.invalidate(used);
    return client.send(authorized(base, tokens.token()), handler);
  }

  static <T> CompletableFuture<HttpResponse<T>> sendAsync(TokenManager tokens, HttpClient client,
      HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(handler, "handler");
    HttpRequest.Builder base = own(request);
    return tokens.tokenAsync().thenCompose(used -> client.sendAsync(authorized(base, used), handler)
        .thenCompose(r -> {
          if (r.statusCode() != 401) {
            return CompletableFuture.completedFuture(r);
          }
          discard(r.body());
          tokens.invalidate(used);
          return tokens.tokenAsync().thenCompose(fresh -> client.sendAsync(authorized(base, fresh), handler));
        }));
  }

  /**
   * Releases the body of a 401 answer that is not returned: a stream or any other closeable body is
   * closed, a publisher (BodyHandlers.ofPublisher) drained, so the connection goes back to the pool.
   */
  @SuppressWarnings("unchecked")
  static void discard(Object body) {
    try {
      if (body instanceof AutoCloseable) {
        ((AutoCloseable) body).close();
      } else if (body instanceof Flow.Publisher) {
        ((Flow.Publisher<List<ByteBuffer>>) body).subscribe(new Flow.Subscriber<List<ByteBuffer>>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(List<ByteBuffer> item) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        });
      }
    } catch (Exception e) {
      // the body of an answer nobody reads: nothing to report
    }
  }
}
