package io.m2mauth;

import io.m2mauth.internal.Json;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeCallbacks;
import io.m2mauth.internal.NativeRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenTelemetry's data without OpenTelemetry (telemetry.h): the process's {@link SpanTracer} and the
 * metrics of every live token manager, with the names, units and attributes the library decides. This
 * needs no dependency; {@code io.m2mauth.otel.M2mauthOpenTelemetry} hands it all to an OpenTelemetry SDK
 * (opentelemetry-api is an optional dependency: without it nothing of it is loaded). With no tracer
 * installed a send costs one atomic load in the library and nothing in Java.
 */
public final class Telemetry {
  private static SpanTracer current;

  private Telemetry() {}

  /**
   * Installs the tracer for the whole process, replacing any other (null: none). Sends already started
   * end with the tracer they started with.
   */
  public static synchronized void setTracer(SpanTracer tracer) {
    // The library owns the reference to the sink from here on (released once no send uses it).
    M2mauthNative.m2mauth_glue_set_tracer(tracer == null ? 0 : NativeRef.handOver(new Sink(tracer)));
    current = tracer;
  }

  /** Removes the tracer if it is still tracer (one another call installed since stays); true if removed. */
  public static synchronized boolean clearTracer(SpanTracer tracer) {
    if (tracer == null || current != tracer) {
      return false;
    }
    setTracer(null);
    return true;
  }

  /** The installed tracer, or null. */
  public static synchronized SpanTracer tracer() {
    return current;
  }

  /**
   * The library's metrics JSON: {"scope":"io.m2mauth","instruments":[{"name":...,"kind":"counter",
   * "value_type":"int","unit":...,"description":...,"points":[{"attributes":{...},"value":3}]}]}.
   */
  public static String metricsJson() {
    return M2mauthNative.m2mauth_telemetry_metrics_json();
  }

  /** The instrumentation scope the library names ("io.m2mauth"). */
  public static String scope() {
    return text(Json.parseObject(metricsJson()).get("scope"));
  }

  /**
   * Every instrument with the points of every live token manager, read now (one native call). The list
   * of instruments and their order are the same in every call.
   */
  public static List<MetricInstrument> metrics() {
    return instruments(metricsJson());
  }

  static List<MetricInstrument> instruments(String json) {
    Map<String, Object> doc = Json.parseObject(json);
    List<MetricInstrument> out = new ArrayList<>();
    Object list = doc.get("instruments");
    if (!(list instanceof List)) {
      return out;
    }
    for (Object o : (List<?>) list) {
      if (!(o instanceof Map)) {
        continue;
      }
      Map<?, ?> in = (Map<?, ?>) o;
      String kind = text(in.get("kind"));
      MetricInstrument.Kind k = "counter".equals(kind) ? MetricInstrument.Kind.COUNTER
          : "gauge".equals(kind) ? MetricInstrument.Kind.GAUGE
          : "histogram".equals(kind) ? MetricInstrument.Kind.HISTOGRAM : null;
      if (k == null) {
        continue;  // a kind this binding does not know: left out
      }
      List<MetricInstrument.Point> points = new ArrayList<>();
      Object ps = in.get("points");
      if (ps instanceof List) {
        for (Object p : (List<?>) ps) {
          if (p instanceof Map) {
            Object v = ((Map<?, ?>) p).get("value");
            points.add(new MetricInstrument.Point(attributes(((Map<?, ?>) p).get("attributes")),
                v instanceof Number ? ((Number) v).doubleValue() : 0));
          }
        }
      }
      List<Double> buckets = new ArrayList<>();
      Object bs = in.get("bucket_boundaries");
      if (bs instanceof List) {
        for (Object b : (List<?>) bs) {
          if (b instanceof Number) {
            buckets.add(((Number) b).doubleValue());
          }
        }
      }
      out.add(new MetricInstrument(text(in.get("name")), k, "double".equals(in.get("value_type")),
          text(in.get("unit")), text(in.get("description")), Collections.unmodifiableList(points),
          Collections.unmodifiableList(buckets)));
    }
    return Collections.unmodifiableList(out);
  }

  static String text(Object o) {
    return o instanceof String ? (String) o : "";
  }

  /** A JSON object of attributes: String and whole-number values kept (as Long), others left out. */
  static Map<String, Object> attributes(Object o) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (o instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        Object v = e.getValue();
        if (v instanceof String || v instanceof Long) {
          out.put(String.valueOf(e.getKey()), v);
        }
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The native tracer's Java half: parses each record and calls the tracer. A span the tracer answered
   * null for is carried as NO_SPAN (null would mean "no span, skip the end").
   */
  private static final class Sink implements NativeCallbacks.SpanSink {
    private static final Object NO_SPAN = new Object();
    private final SpanTracer tracer;

    Sink(SpanTracer tracer) {
      this.tracer = tracer;
    }

    @Override
    public Object capture() {
      return tracer.capture();
    }

    @Override
    public Object start(String json, Object parent, byte[] traceparent) {
      Object span = tracer.start(SpanStart.parse(json, parent));
      try {
        String tp = tracer.traceparent(span);
        if (tp != null && tp.length() == traceparent.length) {
          byte[] b = tp.getBytes(StandardCharsets.US_ASCII);
          System.arraycopy(b, 0, traceparent, 0, b.length);  // the library checks it before sending it
        }
      } catch (RuntimeException e) {
        // no traceparent; the span still ends
      }
      return span == null ? NO_SPAN : span;
    }

    @Override
    public void end(Object span, String json) {
      tracer.end(span == NO_SPAN ? null : span, SpanEnd.parse(json));
    }
  }
}
