package io.m2mauth;

import java.util.Map;

/**
 * A send that starts (telemetry.h, m2mauth_span_start), as the library describes it: the span name and
 * its attributes under OpenTelemetry's names ({@code http.request.method}, {@code url.full} without the
 * query, {@code server.address}, {@code server.port}, {@code m2mauth.operation}, {@code m2mauth.client_id},
 * {@code m2mauth.scope}, {@code m2mauth.token.source}, {@code http.request.resend_count}, each when
 * known). Never a secret: no token, no client secret, no query string, no body.
 */
public final class SpanStart {
  /** What is sent. */
  public enum Kind {
    /** A request to the token endpoint (grant, refresh, exchange). */
    TOKEN_REQUEST,
    /** A managed request to an API ({@link TokenManager#request}). */
    REQUEST
  }

  private final Kind kind;
  private final String name;
  private final Map<String, Object> attributes;
  private final String json;
  private final Object parent;

  SpanStart(Kind kind, String name, Map<String, Object> attributes, String json, Object parent) {
    this.kind = kind;
    this.name = name;
    this.attributes = attributes;
    this.json = json;
    this.parent = parent;
  }

  /** Parses the library's record: {"kind":"token_request","name":"POST","attributes":{...}}. */
  static SpanStart parse(String json) {
    return parse(json, null);
  }

  /** The same, with the parent {@link SpanTracer#capture()} gave for the caller (null: none). */
  static SpanStart parse(String json, Object parent) {
    Map<String, Object> doc = io.m2mauth.internal.Json.parseObject(json);
    Object k = doc.get("kind");
    Kind kind = "token_request".equals(k) ? Kind.TOKEN_REQUEST : Kind.REQUEST;
    Object name = doc.get("name");
    return new SpanStart(kind, name instanceof String ? (String) name : "", Telemetry.attributes(doc.get("attributes")),
        json, parent);
  }

  /**
   * What {@link SpanTracer#capture()} returned on the caller's thread when the token manager's own thread
   * sends this token request for that caller (the read that started it); null: the sending thread's own
   * context is the caller's (or there is none).
   */
  public Object parent() {
    return parent;
  }

  public Kind kind() {
    return kind;
  }

  /** The span name (the HTTP method, as the HTTP semantic conventions say). */
  public String name() {
    return name;
  }

  /** The attributes, in the library's order; each value is a String or a Long. Unmodifiable. */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /** The record as the library wrote it. */
  public String json() {
    return json;
  }

  @Override
  public String toString() {
    return "SpanStart" + json;
  }
}
