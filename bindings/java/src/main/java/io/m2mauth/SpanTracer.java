package io.m2mauth;

/**
 * Observes every token request and every managed request the library sends, in the whole process
 * ({@link Telemetry#setTracer}); an OpenTelemetry adapter is one ({@code io.m2mauth.otel}), and needs no
 * more than this. The library decides every span name, attribute and metric name; a tracer only hands
 * them on.
 *
 * <p>{@link #start} runs on the sending thread just before the send: the caller's thread for a first
 * fetch, a caller refresh or a managed request (so a context held in a ThreadLocal, OpenTelemetry's
 * {@code Context.current()} among them, is the caller's), or the token manager's own refresh thread,
 * which then passes the context {@link #capture()} took from the reader that started the request. {@link #end} runs exactly once for every start, on the same thread, when the
 * send returned or failed. Both must be quick and thread-safe; whatever they throw is dropped and never
 * changes the request's outcome.
 */
public interface SpanTracer {
  /**
   * Called on a caller's thread whose token request the token manager's own thread will make (background
   * refresh, the default): the caller's context (e.g. OpenTelemetry's {@code Context.current()}), given
   * to that request's {@link #start} as {@link SpanStart#parent()}. Null (the default): none.
   */
  default Object capture() {
    return null;
  }

  /** A send starts: returns the span (any object, null allowed), handed back to {@link #end}. */
  Object start(SpanStart start);

  /**
   * The W3C traceparent the request should carry for the span {@link #start} just returned (called
   * right after it, on the same thread), or null for none. The library sends it only when it is a valid
   * version-00 value (lower-case hex, trace and parent id not all zeros), never anything else.
   */
  default String traceparent(Object span) {
    return null;
  }

  /** The send ended (returned or failed). */
  void end(Object span, SpanEnd end);
}
