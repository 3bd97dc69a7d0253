package io.m2mauth.otel;

import io.m2mauth.M2mauth;
import io.m2mauth.MetricInstrument;
import io.m2mauth.SpanEnd;
import io.m2mauth.SpanStart;
import io.m2mauth.SpanTracer;
import io.m2mauth.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Hands m2mauth's telemetry to OpenTelemetry. Everything it names comes from the library (the
 * instrumentation scope, span names, attributes, metric names, units and descriptions): this class only
 * translates.
 *
 * <ul>
 *   <li><b>Spans</b>: every token request and every managed request is a {@link SpanKind#CLIENT} span of
 *       the tracer "io.m2mauth" (version: the library's), child of the caller's {@link Context#current()}
 *       (taken on the caller's thread also when the token manager's own thread makes the token request the
 *       caller's read started), with the library's attributes. The request carries the span's {@code traceparent},
 *       made by the application's propagator ({@code getPropagators().getTextMapPropagator()}), so its
 *       configuration is respected (a propagator without W3C trace context sends none). At the end: the
 *       end attributes ({@code http.response.status_code}, {@code error.type}), status ERROR with the
 *       error type on failure, and the duration recorded into the histogram the library names
 *       ({@code m2mauth.token.request.duration} or {@code m2mauth.request.duration}, unit "s").</li>
 *   <li><b>Metrics</b>: every other instrument of {@link Telemetry#metrics()} as an observable one of the
 *       meter "io.m2mauth" (counters by value type, gauges), read with one native call per collection.</li>
 * </ul>
 *
 * <p>The tracer is process-wide: a second install replaces the first one's tracer (the first one's
 * {@link #close} then leaves it alone). {@link #close} removes the tracer and the observable instruments.
 */
public final class M2mauthOpenTelemetry implements AutoCloseable {
  private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.put(key, value);
    }
  };

  private final OtelTracer tracer;
  private final BatchCallback observer;
  private boolean closed;

  private M2mauthOpenTelemetry(OtelTracer tracer, BatchCallback observer) {
    this.tracer = tracer;
    this.observer = observer;
  }

  /** Installs the adapter with otel's tracer, meter and propagator providers; close() uninstalls it. */
  public static M2mauthOpenTelemetry install(OpenTelemetry otel) {
    Objects.requireNonNull(otel, "otel");
    List<MetricInstrument> instruments = Telemetry.metrics();
    String scope = Telemetry.scope();
    String version = M2mauth.version();
    Meter meter = otel.getMeterProvider().meterBuilder(scope).setInstrumentationVersion(version).build();
    Map<String, Recorder> histograms = new HashMap<>();
    Map<String, ObservableMeasurement> observables = new LinkedHashMap<>();
    for (MetricInstrument in : instruments) {
      switch (in.kind()) {
        case HISTOGRAM:
          histograms.put(in.name(), histogram(meter, in));
          break;
        case COUNTER:
          if (in.isDouble()) {
            observables.put(in.name(), meter.counterBuilder(in.name()).ofDoubles().setUnit(in.unit())
                .setDescription(in.description()).buildObserver());
          } else {
            observables.put(in.name(), meter.counterBuilder(in.name()).setUnit(in.unit())
                .setDescription(in.description()).buildObserver());
          }
          break;
        case GAUGE:
          if (in.isDouble()) {
            observables.put(in.name(), meter.gaugeBuilder(in.name()).setUnit(in.unit())
                .setDescription(in.description()).buildObserver());
          } else {
            observables.put(in.name(), meter.gaugeBuilder(in.name()).ofLongs().setUnit(in.unit())
                .setDescription(in.description()).buildObserver());
          }
          break;
        default:
          break;
      }
    }
    BatchCallback observer = null;
    if (!observables.isEmpty()) {
      List<ObservableMeasurement> list = new ArrayList<>(observables.values());
      observer = meter.batchCallback(() -> observe(observables), list.get(0),
          list.subList(1, list.size()).toArray(new ObservableMeasurement[0]));
    }
    Tracer t = otel.getTracerProvider().tracerBuilder(scope).setInstrumentationVersion(version).build();
    OtelTracer tracer = new OtelTracer(t, otel.getPropagators().getTextMapPropagator(), histograms);
    Telemetry.setTracer(tracer);
    return new M2mauthOpenTelemetry(tracer, observer);
  }

  /** Removes the tracer (unless another install replaced it) and the observable instruments; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Telemetry.clearTracer(tracer);
    if (observer != null) {
      observer.close();
    }
  }

  /**
   * One collection: one read of every live manager's points. The SDK's observers implement both
   * measurement interfaces: the instrument's value type (the library's) decides which record is called.
   */
  private static void observe(Map<String, ObservableMeasurement> observables) {
    for (MetricInstrument in : Telemetry.metrics()) {
      ObservableMeasurement m = observables.get(in.name());
      if (m == null) {
        continue;
      }
      for (MetricInstrument.Point p : in.points()) {
        Attributes a = attributes(p.attributes());
        if (in.isDouble()) {
          ((ObservableDoubleMeasurement) m).record(p.value(), a);
        } else {
          ((ObservableLongMeasurement) m).record(Math.round(p.value()), a);
        }
      }
    }
  }

  /** Records one duration into a histogram of the library's value type. */
  private interface Recorder {
    void record(double value, Attributes attributes, Context context);
  }

  private static Recorder histogram(Meter meter, MetricInstrument in) {
    DoubleHistogramBuilder b = meter.histogramBuilder(in.name()).setUnit(in.unit()).setDescription(in.description());
    if (in.isDouble()) {
      if (!in.bucketBoundaries().isEmpty()) {
        b.setExplicitBucketBoundariesAdvice(in.bucketBoundaries());  // the library's advice
      }
      DoubleHistogram h = b.build();
      return h::record;
    }
    LongHistogramBuilder lb = b.ofLongs();
    if (!in.bucketBoundaries().isEmpty()) {
      List<Long> bounds = new ArrayList<>();
      for (double d : in.bucketBoundaries()) {
        bounds.add(Math.round(d));
      }
      lb.setExplicitBucketBoundariesAdvice(bounds);
    }
    LongHistogram h = lb.build();
    return (v, a, c) -> h.record(Math.round(v), a, c);
  }

  static Attributes attributes(Map<String, Object> map) {
    AttributesBuilder b = Attributes.builder();
    for (Map.Entry<String, Object> e : map.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Long) {
        b.put(AttributeKey.longKey(e.getKey()), (Long) v);
      } else if (v instanceof String) {
        b.put(AttributeKey.stringKey(e.getKey()), (String) v);
      }
    }
    return b.build();
  }

  /** A started span and the traceparent the application's propagator wrote for it. */
  private static final class Started {
    final Span span;
    final Context context;
    final String traceparent;

    Started(Span span, Context context, String traceparent) {
      this.span = span;
      this.context = context;
      this.traceparent = traceparent;
    }
  }

  private static final class OtelTracer implements SpanTracer {
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final Map<String, Recorder> histograms;

    OtelTracer(Tracer tracer, TextMapPropagator propagator, Map<String, Recorder> histograms) {
      this.tracer = tracer;
      this.propagator = propagator;
      this.histograms = histograms;
    }

    @Override
    public Object capture() {
      return Context.current();
    }

    @Override
    public Object start(SpanStart start) {
      Context parent = start.parent() instanceof Context ? (Context) start.parent() : Context.current();
      Span span = tracer.spanBuilder(start.name()).setSpanKind(SpanKind.CLIENT).setParent(parent)
          .setAllAttributes(attributes(start.attributes())).startSpan();
      Context context = parent.with(span);
      Map<String, String> carrier = new HashMap<>();
      propagator.inject(context, carrier, SETTER);
      return new Started(span, context, carrier.get("traceparent"));
    }

    @Override
    public String traceparent(Object span) {
      return span instanceof Started ? ((Started) span).traceparent : null;
    }

    @Override
    public void end(Object span, SpanEnd end) {
      if (!(span instanceof Started)) {
        return;
      }
      Started s = (Started) span;
      s.span.setAllAttributes(attributes(end.attributes()));
      if (end.error()) {
        s.span.setStatus(StatusCode.ERROR, end.errorType());
      }
      Recorder h = histograms.get(end.histogram());
      if (h != null) {
        h.record(end.durationSeconds(), attributes(end.metricAttributes()), s.context);
      }
      s.span.end();
    }
  }
}
