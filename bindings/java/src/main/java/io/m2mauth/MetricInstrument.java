package io.m2mauth;

import java.util.List;
import java.util.Map;

/**
 * One instrument of {@link Telemetry#metrics()}, named by the library (telemetry.h), with the points of
 * every live token manager: {@code m2mauth.token.cache.hits}, {@code m2mauth.token.requests} (by
 * {@code m2mauth.outcome}), {@code m2mauth.token.waits}, {@code m2mauth.token.wait.time},
 * {@code m2mauth.token.time_to_expiry}, {@code m2mauth.token.clock_offset}, and the two duration
 * histograms, which have no points here (each span's end records one: {@link SpanEnd#histogram()}).
 */
public final class MetricInstrument {
  /** What kind of instrument. */
  public enum Kind {
    /** Monotonic: the points are totals since each manager was made. */
    COUNTER,
    /** The current value. */
    GAUGE,
    /** Recorded at each span's end, no points here. */
    HISTOGRAM
  }

  /** One point: its attributes (String or Long values, unmodifiable) and its value. */
  public static final class Point {
    private final Map<String, Object> attributes;
    private final double value;

    Point(Map<String, Object> attributes, double value) {
      this.attributes = attributes;
      this.value = value;
    }

    public Map<String, Object> attributes() {
      return attributes;
    }

    /** The value (a whole number when the instrument is not {@link MetricInstrument#isDouble()}). */
    public double value() {
      return value;
    }

    @Override
    public String toString() {
      return attributes + "=" + value;
    }
  }

  private final String name;
  private final Kind kind;
  private final boolean isDouble;
  private final String unit;
  private final String description;
  private final List<Point> points;
  private final List<Double> bucketBoundaries;

  MetricInstrument(String name, Kind kind, boolean isDouble, String unit, String description, List<Point> points,
      List<Double> bucketBoundaries) {
    this.name = name;
    this.kind = kind;
    this.isDouble = isDouble;
    this.unit = unit;
    this.description = description;
    this.points = points;
    this.bucketBoundaries = bucketBoundaries;
  }

  /**
   * For a histogram, the explicit bucket boundaries (in {@link #unit()}) the library advises the SDK to
   * use; empty otherwise (unmodifiable).
   */
  public List<Double> bucketBoundaries() {
    return bucketBoundaries;
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  /** The value type: double ({@code "value_type":"double"}) or whole numbers ({@code "int"}). */
  public boolean isDouble() {
    return isDouble;
  }

  /** The UCUM unit ("s", "{request}", ...). */
  public String unit() {
    return unit;
  }

  public String description() {
    return description;
  }

  /** The points (unmodifiable; none for a histogram). */
  public List<Point> points() {
    return points;
  }

  @Override
  public String toString() {
    return name + " " + kind + " " + unit + " " + points;
  }
}
