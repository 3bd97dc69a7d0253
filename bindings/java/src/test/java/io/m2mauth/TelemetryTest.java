package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.m2mauth.testing.AuthMethod;
import io.m2mauth.testing.TokenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dependency-free hook (issue 15): Telemetry.setTracer with a plain SpanTracer against the library's
 * token-endpoint double, Telemetry.metrics(), and TokenEvent.duration().
 */
class TelemetryTest {
  private static final String SECRET = "telemetry-s3cret-telemetry-s3cret";
  private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  /** Records what the library reports, answering each start with a fixed traceparent. */
  static class Recorder implements SpanTracer {
    final List<SpanStart> starts = Collections.synchronizedList(new ArrayList<>());
    final List<Object[]> ends = Collections.synchronizedList(new ArrayList<>());
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());
    final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
    volatile String traceparent = TRACEPARENT;
    volatile boolean startThrows;
    volatile boolean nullSpan;

    @Override
    public Object start(SpanStart start) {
      if (startThrows) {
        throw new IllegalStateException("tracer down");
      }
      starts.add(start);
      threads.add(Thread.currentThread().getName());
      return nullSpan ? null : "span-" + count.incrementAndGet() + "@" + Thread.currentThread().getName();
    }

    @Override
    public String traceparent(Object span) {
      return traceparent;
    }

    @Override
    public void end(Object span, SpanEnd end) {
      ends.add(new Object[] {span, end, Thread.currentThread().getName()});
    }
  }

  @AfterEach
  void removeTracer() {
    Telemetry.setTracer(null);
  }

  private static TokenClient client(TokenServer server, String id) {
    return TokenClient.builder(server.tokenUrl(), id).clientSecret(SECRET.toCharArray()).scope("read").build();
  }

  @Test
  void aTokenRequestStartsAndEndsASpanAndCarriesTheTraceparent() {
    Recorder rec = new Recorder();
    Telemetry.setTracer(rec);
    assertSame(rec, Telemetry.tracer());
    try (TokenServer server = TokenServer.start(); TokenClient c = client(server, "svc-t1")) {
      server.addClient("svc-t1", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
      Token t = c.fetch();
      assertEquals(1, rec.starts.size());
      SpanStart s = rec.starts.get(0);
      assertEquals(SpanStart.Kind.TOKEN_REQUEST, s.kind());
      assertEquals("POST", s.name());
      Map<String, Object> a = s.attributes();
      assertEquals("POST", a.get("http.request.method"));
      assertEquals(server.tokenUrl(), a.get("url.full"));
      assertEquals("127.0.0.1", a.get("server.address"));
      assertEquals((long) Integer.parseInt(server.url().replaceAll(".*:", "")), a.get("server.port"));
      assertEquals("token_request", a.get("m2mauth.operation"));
      assertEquals("svc-t1", a.get("m2mauth.client_id"));
      assertEquals("read", a.get("m2mauth.scope"));
      assertEquals(1, rec.ends.size());
      assertEquals("span-1@" + Thread.currentThread().getName(), rec.ends.get(0)[0]);
      assertEquals(Thread.currentThread().getName(), rec.ends.get(0)[2]);  // start and end on the caller's thread
      SpanEnd e = (SpanEnd) rec.ends.get(0)[1];
      assertFalse(e.error());
      assertEquals("", e.errorType());
      assertEquals(200L, e.attributes().get("http.response.status_code"));
      assertEquals("m2mauth.token.request.duration", e.histogram());
      assertEquals("svc-t1", e.metricAttributes().get("m2mauth.client_id"));
      assertFalse(e.metricAttributes().containsKey("url.full"));
      assertTrue(e.durationSeconds() > 0 && e.durationSeconds() < 30, e.toString());
      assertEquals(1, server.requests("traced"));
      String all = s.json() + e.json() + a + e.attributes() + e.metricAttributes();
      assertFalse(all.contains(SECRET));
      assertFalse(all.contains(t.accessToken()));

      // An invalid traceparent is never sent; the request still succeeds.
      rec.traceparent = TRACEPARENT.toUpperCase();
      assertNotNull(c.fetch());
      assertEquals(2, server.requests("token"));
      assertEquals(1, server.requests("traced"));

      // A failure: status error with error.type, the HTTP status.
      rec.traceparent = TRACEPARENT;
      server.failNext(1, 503, "temporarily_unavailable", null);
      try {
        c.fetch();
      } catch (M2mauthException expected) {
        // the injected 503
      }
      SpanEnd failed = (SpanEnd) rec.ends.get(2)[1];
      assertTrue(failed.error());
      assertEquals("503", failed.errorType());
      assertEquals("503", failed.attributes().get("error.type"));
      assertEquals(503L, failed.attributes().get("http.response.status_code"));
    }
  }

  @Test
  void aTracerThatThrowsOrAnswersNullNeverChangesTheRequest() {
    Recorder rec = new Recorder();
    Telemetry.setTracer(rec);
    try (TokenServer server = TokenServer.start(); TokenClient c = client(server, "svc-t2")) {
      server.addClient("svc-t2", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
      rec.startThrows = true;
      assertNotNull(c.fetch());
      assertEquals(0, rec.ends.size());  // no span started: no end
      assertEquals(0, server.requests("traced"));
      rec.startThrows = false;
      rec.nullSpan = true;
      assertNotNull(c.fetch());
      assertEquals(1, rec.ends.size());
      assertNull(rec.ends.get(0)[0]);  // the null span comes back as null
      assertEquals(1, server.requests("traced"));
      // Removed: nothing more is seen or sent.
      assertTrue(Telemetry.clearTracer(rec));
      assertFalse(Telemetry.clearTracer(rec));
      assertNull(Telemetry.tracer());
      assertNotNull(c.fetch());
      assertEquals(1, rec.starts.size());
      assertEquals(1, server.requests("traced"));
      assertEquals(3, server.requests("token"));
    }
  }

  @Test
  void sixteenThreadsEachGetTheirOwnSpansAndATracerThatThrowsAtEndChangesNothing() throws Exception {
    Recorder rec = new Recorder() {
      @Override
      public void end(Object span, SpanEnd end) {
        super.end(span, end);
        throw new IllegalStateException("exporter down");
      }
    };
    Telemetry.setTracer(rec);
    try (TokenServer server = TokenServer.start(); TokenClient c = client(server, "svc-t5")) {
      server.addClient("svc-t5", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
      try {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          done.add(pool.submit(() -> {
            for (int j = 0; j < 5; j++) {
              assertNotNull(c.fetch());
            }
            return null;
          }));
        }
        for (java.util.concurrent.Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(80, rec.starts.size());
      assertEquals(80, rec.ends.size());
      // Each end ran on the thread of its start, with its own span.
      List<Object> spans = new ArrayList<>();
      for (Object[] e : rec.ends) {
        spans.add(e[0]);
        assertTrue(((String) e[0]).endsWith("@" + e[2]), e[0] + " ended on " + e[2]);
      }
      assertEquals(80, spans.stream().distinct().count());
      assertEquals(80, server.requests("traced"));
    }
  }

  @Test
  void clearTracerLeavesAnotherTracerInstalled() {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    Telemetry.setTracer(first);
    Telemetry.setTracer(second);
    assertFalse(Telemetry.clearTracer(first));
    assertSame(second, Telemetry.tracer());
  }

  @Test
  void metricsListEveryInstrumentWithTheLiveManagersPoints() {
    List<String> names = Telemetry.metrics().stream().map(MetricInstrument::name).collect(Collectors.toList());
    assertTrue(names.containsAll(List.of("m2mauth.token.cache.hits", "m2mauth.token.requests",
        "m2mauth.token.request.duration", "m2mauth.request.duration")), names.toString());
    assertEquals("io.m2mauth", Telemetry.scope());
    try (TokenServer server = TokenServer.start(); TokenClient c = client(server, "svc-t3");
        TokenManager m = TokenManager.create(c, ManagerOptions.builder().reportCacheHits(true).build())) {
      server.addClient("svc-t3", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
      m.token();
      m.token();
      MetricInstrument requests = instrument("m2mauth.token.requests");
      assertEquals(MetricInstrument.Kind.COUNTER, requests.kind());
      assertFalse(requests.isDouble());
      assertEquals("{request}", requests.unit());
      assertEquals(1.0, value(requests, "svc-t3", "ok"));
      assertEquals(0.0, value(requests, "svc-t3", "transient"));
      assertEquals(1.0, value(instrument("m2mauth.token.cache.hits"), "svc-t3", null));
      MetricInstrument expiry = instrument("m2mauth.token.time_to_expiry");
      assertEquals(MetricInstrument.Kind.GAUGE, expiry.kind());
      assertTrue(expiry.isDouble());
      assertEquals("s", expiry.unit());
      double left = value(expiry, "svc-t3", null);
      assertTrue(left > 3000 && left <= 3600, "time to expiry " + left);
      MetricInstrument histogram = instrument("m2mauth.token.request.duration");
      assertEquals(MetricInstrument.Kind.HISTOGRAM, histogram.kind());
      assertTrue(histogram.points().isEmpty());
      assertFalse(Telemetry.metricsJson().contains(SECRET));
    }
    // A closed manager's points are gone.
    assertTrue(instrument("m2mauth.token.requests").points().stream()
        .noneMatch(p -> "svc-t3".equals(p.attributes().get("m2mauth.client_id"))));
  }

  @Test
  void tokenEventsCarryHowLongGettingTheTokenTook() throws Exception {
    LinkedBlockingQueue<TokenEvent> events = new LinkedBlockingQueue<>();
    try (TokenServer server = TokenServer.start(); TokenClient c = client(server, "svc-t4");
        TokenManager m = TokenManager.create(c, ManagerOptions.builder().eventListener(events::add).build())) {
      server.addClient("svc-t4", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
      server.stall(1, Duration.ofMillis(300));
      Token t = m.token();
      TokenEvent fetched = events.poll(10, TimeUnit.SECONDS);
      assertNotNull(fetched);
      assertEquals(TokenEvent.Kind.FETCHED, fetched.kind());
      assertTrue(fetched.duration().compareTo(Duration.ofMillis(300)) >= 0, fetched.toString());
      assertTrue(fetched.duration().compareTo(Duration.ofSeconds(30)) < 0, fetched.toString());
      assertTrue(fetched.toString().contains(" duration="), fetched.toString());
      m.invalidate(t);
      TokenEvent invalidated = events.poll(10, TimeUnit.SECONDS);
      assertNotNull(invalidated);
      assertEquals(TokenEvent.Kind.INVALIDATED, invalidated.kind());
      assertEquals(Duration.ZERO, invalidated.duration());
    }
  }

  static MetricInstrument instrument(String name) {
    return Telemetry.metrics().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
  }

  /** The value of the point of clientId (and outcome, when not null); fails when there is none. */
  static double value(MetricInstrument in, String clientId, String outcome) {
    for (MetricInstrument.Point p : in.points()) {
      if (clientId.equals(p.attributes().get("m2mauth.client_id"))
          && (outcome == null || outcome.equals(p.attributes().get("m2mauth.outcome")))) {
        return p.value();
      }
    }
    throw new AssertionError("no point for " + clientId + "/" + outcome + " in " + in);
  }
}
