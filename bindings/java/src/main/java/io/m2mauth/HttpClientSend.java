package io.m2mauth;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * {@link TokenManager#send} and {@link TokenManager#sendAsync}: a request of the JDK's
 * {@code java.net.http} client with the manager's token attached (and, for a DPoP-bound token, a fresh proof
 * of the manager's DPoP key), sent once more with a new token when the API answers 401, or with the same
 * token and a new proof when it asks for a DPoP nonce (the rule of m2mauth_token_manager_request, with the
 * JDK's client as the transport; the nonce rule is the library's, m2mauth_dpop_observe). At most one send of
 * each kind.
 */
final class HttpClientSend {
  private HttpClientSend() {}

  static final String AUTHORIZATION = "Authorization";
  static final String DPOP = "DPoP";

  /** The caller's builder copied at once, so changing it afterwards changes neither try. */
  static HttpRequest.Builder own(HttpRequest.Builder request) {
    return Objects.requireNonNull(request, "request").copy();
  }

  /**
   * A new request from base with "Authorization: <scheme> <token>" set (replacing any value) and, for a
   * DPoP-bound token, "DPoP: <proof>" for the request's method and URI (ath, the origin's newest nonce).
   */
  static HttpRequest authorized(HttpRequest.Builder base, Token token, Optional<DPoP> key) {
    HttpRequest.Builder b = base.copy().setHeader(AUTHORIZATION, token.tokenType() + " " + token.accessToken());
    if (!DPOP.equals(token.tokenType())) {
      return b.build();
    }
    DPoP k = key.orElseThrow(() -> new IllegalStateException("a DPoP-bound token but the manager has no DPoP key"));
    HttpRequest probe = b.build();
    return b.setHeader(DPOP, k.proof(probe.method(), probe.uri().toString(), token.accessToken(), null)).build();
  }

  /** What answers a response: one more proof (same token), a new token, or nothing (it is returned). */
  enum Next { NONCE, TOKEN, DONE }

  static Next next(Optional<DPoP> key, Token used, HttpRequest sent, HttpResponse<?> r, boolean nonceRetried,
      boolean tokenRetried) {
    boolean nonce = nonceChallenge(key, used, sent, r);
    if (nonce && !nonceRetried) {
      return Next.NONCE;
    }
    if (r.statusCode() == 401 && !nonce && !tokenRetried) {
      return Next.TOKEN;
    }
    return Next.DONE;
  }

  /**
   * Remembers r's DPoP-Nonce for the origin of the request sent and says whether r asks for a nonce that
   * one more proof answers; false for a Bearer token. The body counts for a 400 (the token endpoint form)
   * when the handler made it a String or a byte[].
   */
  static boolean nonceChallenge(Optional<DPoP> key, Token used, HttpRequest sent, HttpResponse<?> r) {
    if (key.isEmpty() || !DPOP.equals(used.tokenType())) {
      return false;
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    r.headers().map().forEach((name, values) -> {
      if (!name.startsWith(":")) { // HTTP/2 pseudo-headers are no headers
        values.forEach(v -> headers.add(Map.entry(name, v)));
      }
    });
    byte[] body = null;
    if (r.statusCode() == 400) {
      Object b = r.body();
      if (b instanceof byte[]) {
        body = (byte[]) b;
      } else if (b instanceof String) {
        body = ((String) b).getBytes(StandardCharsets.UTF_8);
      }
    }
    try {
      return key.get().observe(sent.uri().toString(), Response.of(r.statusCode(), headers, body));
    } catch (InvalidArgumentException e) {
      return false; // a header the library refuses (e.g. a control character): no nonce taken from it
    }
  }

  static <T> HttpResponse<T> send(TokenManager tokens, HttpClient client, HttpRequest.Builder request,
      HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(handler, "handler");
    HttpRequest.Builder base = own(request);
    Optional<DPoP> key = tokens.sendKey();
    Token used = tokens.token();
    HttpRequest sent = authorized(base, used, key);
    HttpResponse<T> r = client.send(sent, handler);
    boolean nonceRetried = false;
    boolean tokenRetried = false;
    while (true) {
      Next n = next(key, used, sent, r, nonceRetried, tokenRetried);
      if (n == Next.DONE) {
        return r;
      }
      discard(r.body());
      if (n == Next.NONCE) {
        nonceRetried = true;
      } else {
        tokenRetried = true;
        tokens.invalidate(used);
        used = tokens.token();
      }
      sent = authorized(base, used, key);
      r = client.send(sent, handler);
    }
  }

  static <T> CompletableFuture<HttpResponse<T>> sendAsync(TokenManager tokens, HttpClient client,
      HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(handler, "handler");
    HttpRequest.Builder base = own(request);
    Optional<DPoP> key = tokens.sendKey();
    return tokens.tokenAsync().thenCompose(used -> {
      HttpRequest sent = authorized(base, used, key);
      return client.sendAsync(sent, handler)
          .thenCompose(r -> afterAsync(tokens, client, base, handler, key, used, sent, r, false, false));
    });
  }

  private static <T> CompletableFuture<HttpResponse<T>> afterAsync(TokenManager tokens, HttpClient client,
      HttpRequest.Builder base, HttpResponse.BodyHandler<T> handler, Optional<DPoP> key, Token used,
      HttpRequest sent, HttpResponse<T> r, boolean nonceRetried, boolean tokenRetried) {
    Next n = next(key, used, sent, r, nonceRetried, tokenRetried);
    if (n == Next.DONE) {
      return CompletableFuture.completedFuture(r);
    }
    discard(r.body());
    if (n == Next.NONCE) {
      HttpRequest again = authorized(base, used, key);
      return client.sendAsync(again, handler)
          .thenCompose(r2 -> afterAsync(tokens, client, base, handler, key, used, again, r2, true, tokenRetried));
    }
    tokens.invalidate(used);
    return tokens.tokenAsync().thenCompose(fresh -> {
      HttpRequest again = authorized(base, fresh, key);
      return client.sendAsync(again, handler)
          .thenCompose(r2 -> afterAsync(tokens, client, base, handler, key, fresh, again, r2, nonceRetried, true));
    });
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
