package io.m2mauth;

import java.util.Map;

/**
 * A send that ended (telemetry.h, m2mauth_span_end): whether it failed, with OpenTelemetry's
 * {@code error.type} ("503" for an HTTP status of 400 or more, else the error category such as "timeout",
 * "network", "tls"), the attributes to add to the span ({@code http.response.status_code},
 * {@code error.type}), its duration and the histogram to record it into with that histogram's
 * attributes (low cardinality: no URL path).
 */
public final class SpanEnd {
  private final boolean error;
  private final String errorType;
  private final double durationSeconds;
  private final Map<String, Object> attributes;
  private final String histogram;
  private final Map<String, Object> metricAttributes;
  private final String json;

  private SpanEnd(boolean error, String errorType, double durationSeconds, Map<String, Object> attributes,
      String histogram, Map<String, Object> metricAttributes, String json) {
    this.error = error;
    this.errorType = errorType;
    this.durationSeconds = durationSeconds;
    this.attributes = attributes;
    this.histogram = histogram;
    this.metricAttributes = metricAttributes;
    this.json = json;
  }

  /** Parses the library's record: {"error":false,"error_type":"","duration_s":0.012,...}. */
  static SpanEnd parse(String json) {
    Map<String, Object> doc = io.m2mauth.internal.Json.parseObject(json);
    Object d = doc.get("duration_s");
    return new SpanEnd(Boolean.TRUE.equals(doc.get("error")), Telemetry.text(doc.get("error_type")),
        d instanceof Number ? ((Number) d).doubleValue() : 0, Telemetry.attributes(doc.get("attributes")),
        Telemetry.text(doc.get("histogram")), Telemetry.attributes(doc.get("metric_attributes")), json);
  }

  /** The span's status is Error. */
  public boolean error() {
    return error;
  }

  /** {@code error.type}; "" on success. */
  public String errorType() {
    return errorType;
  }

  /** The send's duration on a monotonic clock, in seconds. */
  public double durationSeconds() {
    return durationSeconds;
  }

  /** To add to the span; each value is a String or a Long. Unmodifiable. */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /** The histogram to record {@link #durationSeconds} into ({@code m2mauth.token.request.duration} or
   * {@code m2mauth.request.duration}), one of {@link Telemetry#metrics()}' instruments. */
  public String histogram() {
    return histogram;
  }

  /** The histogram point's attributes; each value is a String or a Long. Unmodifiable. */
  public Map<String, Object> metricAttributes() {
    return metricAttributes;
  }

  /** The record as the library wrote it. */
  public String json() {
    return json;
  }

  @Override
  public String toString() {
    return "SpanEnd" + json;
  }
}
