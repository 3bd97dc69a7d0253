package io.m2mauth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback API and token endpoint (com.sun.net.httpserver on 127.0.0.1, a daemon thread pool):
 *
 * <ul>
 *   <li>POST /token issues tok-1, tok-2, ... (Bearer, {@link #lifetime} seconds: one hour unless set);
 *       while {@link #refuse} is set it answers 401 {"error":"invalid_client"}; while {@link #hold} holds
 *       a closed latch it waits (at most 20 s) before answering, so a test can keep a fetch in flight;</li>
 *   <li>any other path is the protected API: 200 "ok" for "Authorization: Bearer &lt;a token issued and not
 *       revoked&gt;", else 401 with WWW-Authenticate: Bearer error="invalid_token". Every Authorization
 *       header it receives is recorded.</li>
 * </ul>
 */
final class ApiServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool;
  final AtomicInteger tokenRequests = new AtomicInteger();
  /** expires_in of the tokens issued from now on, in seconds. */
  final AtomicLong lifetime = new AtomicLong(3600);
  final AtomicInteger apiRequests = new AtomicInteger();
  /** Token requests answered 401 (not counted in tokenRequests). */
  final AtomicInteger refused = new AtomicInteger();
  final AtomicBoolean refuse = new AtomicBoolean();
  /** Every API request answers 401. */
  final AtomicBoolean alwaysUnauthorized = new AtomicBoolean();
  final AtomicReference<CountDownLatch> hold = new AtomicReference<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  /** The traceparent header of every API request ("" when absent). */
  final List<String> traceparents = new CopyOnWriteArrayList<>();
  /** The form of every token request, in order. */
  final List<String> tokenForms = new CopyOnWriteArrayList<>();
  private final Set<String> issued = ConcurrentHashMap.newKeySet();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();

  ApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "api-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/token", this::token);
    server.createContext("/", this::api);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Later API requests with token get 401. */
  void revoke(String token) {
    revoked.add(token);
  }

  /** A closed latch that holds token answers until {@link #release()}. */
  void holdTokens() {
    hold.set(new CountDownLatch(1));
  }

  void release() {
    CountDownLatch l = hold.getAndSet(null);
    if (l != null) {
      l.countDown();
    }
  }

  private void token(HttpExchange ex) throws IOException {
    try {
      tokenForms.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      CountDownLatch l = hold.get();
      if (l != null) {
        try {
          l.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (refuse.get()) {
        refused.incrementAndGet();
        answer(ex, 401, "application/json", "{\"error\":\"invalid_client\"}");
        return;
      }
      String t = "tok-" + tokenRequests.incrementAndGet();
      issued.add(t);
      answer(ex, 200, "application/json",
          "{\"access_token\":\"" + t + "\",\"token_type\":\"Bearer\",\"expires_in\":" + lifetime.get() + "}");
    } finally {
      ex.close();
    }
  }

  private void api(HttpExchange ex) throws IOException {
    try {
      ex.getRequestBody().readAllBytes();
      apiRequests.incrementAndGet();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "" : auth);
      String tp = ex.getRequestHeaders().getFirst("traceparent");
      traceparents.add(tp == null ? "" : tp);
      String t = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
      if (alwaysUnauthorized.get() || !issued.contains(t) || revoked.contains(t)) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        answer(ex, 401, "text/plain", "unauthorized");
        return;
      }
      answer(ex, 200, "text/plain", "ok " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
    } finally {
      ex.close();
    }
  }

  private static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    pool.shutdownNow();
  }
}
