package io.m2mauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.m2mauth.otel.M2mauthOpenTelemetry;
import io.m2mauth.testing.AuthMethod;
import io.m2mauth.testing.TokenServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * io.m2mauth.otel against the OpenTelemetry SDK with in-memory exporters (issue 15): spans of token and
 * managed requests with the library's attributes, parent and traceparent; the histograms and the
 * observable instruments; close() uninstalls. Servers: the library's TokenServer and ApiServer, on
 * 127.0.0.1.
 */
class OpenTelemetryAdapterTest {
  private static final String SECRET = "otel-s3cret-otel-s3cret-otel-s3cret";

  private InMemorySpanExporter spans;
  private InMemoryMetricReader metrics;
  private OpenTelemetrySdk sdk;

  @BeforeEach
  void sdk() {
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  @AfterEach
  void closeSdk() {
    Telemetry.setTracer(null);
    sdk.close();
  }

  private static TokenClient client(TokenServer server, String id) {
    return TokenClient.builder(server.tokenUrl(), id).clientSecret(SECRET.toCharArray()).scope("read").build();
  }

  private List<SpanData> clientSpans() {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
        .collect(Collectors.toList());
  }

  /**
   * callerRefresh: the first caller sends the token request on its own thread, in its context (by
   * default the manager's thread sends it with the caller's captured context, see
   * aRefreshOnTheLibrarysOwnThreadIsAChildOfTheReadThatStartedIt).
   */
  @Test
  void aTokenFetchedInsideTheCallersSpanIsItsChildAndCarriesItsTraceparent() {
    try (TokenServer server = TokenServer.start(); M2mauthOpenTelemetry otel = M2mauthOpenTelemetry.install(sdk);
        TokenClient c = client(server, "svc-o1");
        TokenManager m = TokenManager.create(c,
            ManagerOptions.builder().callerRefresh(true).reportCacheHits(true).build())) {
      server.addClient("svc-o1", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
      Span parent = sdk.getTracer("app").spanBuilder("work").startSpan();
      Token t;
      try (Scope s = parent.makeCurrent()) {
        t = m.token();
        m.token();  // a cache hit: no span
      } finally {
        parent.end();
      }
      List<SpanData> client = clientSpans();
      assertEquals(1, client.size(), client.toString());
      SpanData span = client.get(0);
      assertEquals("POST", span.getName());
      assertEquals("io.m2mauth", span.getInstrumentationScopeInfo().getName());
      assertEquals(M2mauth.version(), span.getInstrumentationScopeInfo().getVersion());
      assertEquals(parent.getSpanContext().getTraceId(), span.getTraceId());
      assertEquals(parent.getSpanContext().getSpanId(), span.getParentSpanId());
      Attributes a = span.getAttributes();
      assertEquals("POST", a.get(AttributeKey.stringKey("http.request.method")));
      assertEquals("127.0.0.1", a.get(AttributeKey.stringKey("server.address")));
      assertEquals(Long.valueOf(server.url().replaceAll(".*:", "")), a.get(AttributeKey.longKey("server.port")));
      assertEquals(server.tokenUrl(), a.get(AttributeKey.stringKey("url.full")));
      assertEquals("token_request", a.get(AttributeKey.stringKey("m2mauth.operation")));
      assertEquals("svc-o1", a.get(AttributeKey.stringKey("m2mauth.client_id")));
      assertEquals("fetched", a.get(AttributeKey.stringKey("m2mauth.token.source")));
      assertEquals(200L, a.get(AttributeKey.longKey("http.response.status_code")));
      assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
      assertEquals(1, server.requests("traced"));
      String everything = spans.getFinishedSpanItems().toString() + metrics.collectAllMetrics();
      assertFalse(everything.contains(SECRET));
      assertFalse(everything.contains(t.accessToken()));

      Collection<MetricData> data = metrics.collectAllMetrics();
      HistogramPointData duration = histogramPoint(data, "m2mauth.token.request.duration", "svc-o1");
      assertEquals(1, duration.getCount());
      assertTrue(duration.getSum() > 0 && duration.getSum() < 30);
      assertEquals("s", metric(data, "m2mauth.token.request.duration").getUnit());
      // The library's bucket advice, not the SDK's default (0, 5, 10 ... seconds).
      assertEquals(java.util.List.of(0.005, 0.01, 0.025), duration.getBoundaries().subList(0, 3));
      assertEquals(200L, duration.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
      assertEquals(1, longPoint(data, "m2mauth.token.requests", "svc-o1", "ok").getValue());
      assertEquals(0, longPoint(data, "m2mauth.token.requests", "svc-o1", "permanent").getValue());
      assertEquals(1, longPoint(data, "m2mauth.token.cache.hits", "svc-o1", null).getValue());
      assertEquals("{request}", metric(data, "m2mauth.token.requests").getUnit());
      assertTrue(metric(data, "m2mauth.token.requests").getLongSumData().isMonotonic());
      double left = metric(data, "m2mauth.token.time_to_expiry").getDoubleGaugeData().getPoints().stream()
          .filter(p -> "svc-o1".equals(p.getAttributes().get(AttributeKey.stringKey("m2mauth.client_id"))))
          .findFirst().orElseThrow().getValue();
      assertTrue(left > 3000 && left <= 3600, "time to expiry " + left);
    }
  }

  @Test
  void aFailedTokenRequestIsAnErrorSpanWithItsErrorType() {
    try (TokenServer server = TokenServer.start(); M2mauthOpenTelemetry otel = M2mauthOpenTelemetry.install(sdk);
        TokenClient c = client(server, "svc-o2")) {
      server.addClient("svc-o2", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
      server.failNext(1, 503, "temporarily_unavailable", null);
      try {
        c.fetch();
      } catch (M2mauthException expected) {
        // the injected 503
      }
      SpanData span = clientSpans().get(0);
      assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
      assertEquals("503", span.getStatus().getDescription());
      assertEquals("503", span.getAttributes().get(AttributeKey.stringKey("error.type")));
      assertEquals(503L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
      assertTrue(span.getParentSpanContext().isValid() == false);  // no caller span: a root span
      HistogramPointData d = histogramPoint(metrics.collectAllMetrics(), "m2mauth.token.request.duration", "svc-o2");
      assertEquals("503", d.getAttributes().get(AttributeKey.stringKey("error.type")));
    }
  }

  @Test
  void aManagedRequestIsASpanOfItsOwnWithTheRequestHistogram() throws Exception {
    try (ApiServer api = new ApiServer(); M2mauthOpenTelemetry otel = M2mauthOpenTelemetry.install(sdk);
        TokenClient c = TokenClient.builder(api.url("/token"), "svc-o3").clientSecret(SECRET.toCharArray()).build();
        TokenManager m = TokenManager.create(c)) {
      Span parent = sdk.getTracer("app").spanBuilder("handler").startSpan();
      try (Scope s = parent.makeCurrent()) {
        assertEquals(200, m.request(Request.get(api.url("/v1/items?secret=x"))).status());
      } finally {
        parent.end();
      }
      List<SpanData> client = clientSpans();
      assertEquals(2, client.size(), client.toString());  // the token request, then the API request
      SpanData request = client.stream()
          .filter(sp -> "request".equals(sp.getAttributes().get(AttributeKey.stringKey("m2mauth.operation"))))
          .findFirst().orElseThrow();
      assertEquals("GET", request.getName());
      assertEquals(parent.getSpanContext().getSpanId(), request.getParentSpanId());
      assertEquals(api.url("/v1/items"), request.getAttributes().get(AttributeKey.stringKey("url.full")));  // no query
      assertEquals(1, api.traceparents.size());
      String tp = api.traceparents.get(0);
      // the SDK's flags: sampled, and (W3C Trace Context level 2) a random trace id
      assertEquals("00-" + request.getTraceId() + "-" + request.getSpanId() + "-", tp.substring(0, 53));
      assertEquals(request.getSpanContext().getTraceFlags().asHex(), tp.substring(53));
      MetricData d = metric(metrics.collectAllMetrics(), "m2mauth.request.duration");
      assertEquals(1, d.getHistogramData().getPoints().iterator().next().getCount());
    }
  }

  @Test
  void aRefreshOnTheLibrarysOwnThreadIsAChildOfTheReadThatStartedIt() throws Exception {
    OAuth2Test.MovableClock clock = new OAuth2Test.MovableClock();
    try (TokenServer server = TokenServer.start(); M2mauthOpenTelemetry otel = M2mauthOpenTelemetry.install(sdk);
        TokenClient c = TokenClient.builder(server.tokenUrl(), "svc-o4").clientSecret(SECRET.toCharArray())
            .clock(clock).build();
        TokenManager m = TokenManager.create(c)) {
      server.addClient("svc-o4", AuthMethod.CLIENT_SECRET_BASIC, SECRET);
      Span parent = sdk.getTracer("app").spanBuilder("work").startSpan();
      try (Scope s = parent.makeCurrent()) {
        m.token();
        clock.offsetMillis.set(3600_000L * 85 / 100);  // past the refresh point: the manager's thread refreshes
        m.token();
      } finally {
        parent.end();
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (clientSpans().size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<SpanData> client = clientSpans();
      assertEquals(2, client.size(), client.toString());
      for (SpanData span : client) {  // both sent by the manager's thread, for reads inside "work"
        assertEquals(parent.getSpanContext().getSpanId(), span.getParentSpanId());
        assertEquals(parent.getSpanContext().getTraceId(), span.getTraceId());
      }
      SpanData refresh = client.get(1);
      assertEquals("refreshed", refresh.getAttributes().get(AttributeKey.stringKey("m2mauth.token.source")));
      // A read outside any span starts a refresh of its own trace.
      clock.offsetMillis.set(3600_000L * 2 * 85 / 100 + 60_000L);
      m.token();
      long until = System.nanoTime() + 10_000_000_000L;
      while (clientSpans().size() < 3 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertEquals(3, clientSpans().size(), clientSpans().toString());
      assertFalse(clientSpans().get(2).getParentSpanContext().isValid());
      assertEquals(3, server.requests("traced"));
      assertTrue(clock.threads.contains("m2mauth-native"), clock.threads.toString());
    }
  }

  @Test
  void afterCloseNoSpanIsMadeAndNoTraceparentSent() {
    try (TokenServer server = TokenServer.start(); TokenClient c = client(server, "svc-o5");
        TokenManager m = TokenManager.create(c)) {
      server.addClient("svc-o5", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
      M2mauthOpenTelemetry otel = M2mauthOpenTelemetry.install(sdk);
      m.token();
      assertEquals(1, clientSpans().size());
      assertTrue(metrics.collectAllMetrics().stream().anyMatch(d -> d.getName().equals("m2mauth.token.requests")));
      otel.close();
      otel.close();  // idempotent
      assertNotNull(c.fetch());
      assertEquals(1, clientSpans().size());
      assertEquals(2, server.requests("token"));
      assertEquals(1, server.requests("traced"));
      assertTrue(metrics.collectAllMetrics().stream().noneMatch(d -> d.getName().equals("m2mauth.token.requests")),
          "observable instruments removed");
    }
  }

  /** The application's propagator decides: one without W3C trace context sends no traceparent. */
  @Test
  void aPropagatorWithoutTraceContextSendsNoTraceparent() {
    OpenTelemetrySdk noPropagation = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.noop())
        .build();
    try (TokenServer server = TokenServer.start(); TokenClient c = client(server, "svc-o6")) {
      server.addClient("svc-o6", AuthMethod.CLIENT_SECRET_BASIC, SECRET, "read");
      try (M2mauthOpenTelemetry otel = M2mauthOpenTelemetry.install(noPropagation)) {
        assertNotNull(c.fetch());
      }
      assertEquals(1, clientSpans().size());  // traced, not propagated
      assertEquals(0, server.requests("traced"));
      try (M2mauthOpenTelemetry otel = M2mauthOpenTelemetry.install(io.opentelemetry.api.OpenTelemetry.noop())) {
        assertNotNull(c.fetch());  // the no-op API: nothing recorded, nothing sent, the request unchanged
      }
      assertEquals(1, clientSpans().size());
      assertEquals(0, server.requests("traced"));
      assertEquals(2, server.requests("token"));
    } finally {
      noPropagation.close();
    }
  }

  private static MetricData metric(Collection<MetricData> data, String name) {
    return data.stream().filter(d -> d.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + data));
  }

  private static HistogramPointData histogramPoint(Collection<MetricData> data, String name, String clientId) {
    return metric(data, name).getHistogramData().getPoints().stream()
        .filter(p -> clientId.equals(p.getAttributes().get(AttributeKey.stringKey("m2mauth.client_id"))))
        .findFirst().orElseThrow(() -> new AssertionError("no point of " + clientId + " in " + name));
  }

  private static LongPointData longPoint(Collection<MetricData> data, String name, String clientId, String outcome) {
    return metric(data, name).getLongSumData().getPoints().stream()
        .filter(p -> clientId.equals(p.getAttributes().get(AttributeKey.stringKey("m2mauth.client_id")))
            && (outcome == null || outcome.equals(p.getAttributes().get(AttributeKey.stringKey("m2mauth.outcome")))))
        .findFirst().orElseThrow(() -> new AssertionError("no point of " + clientId + "/" + outcome + " in " + name));
  }
}
