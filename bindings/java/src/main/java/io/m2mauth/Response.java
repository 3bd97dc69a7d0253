package io.m2mauth;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An HTTP response as the library received it, whatever its status: an immutable value.
 * {@link #toString()} shows the status, the header names and the body's size, never the body (it may
 * hold a token).
 */
public final class Response {
  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;

  /** A response value, e.g. for an application transport ({@link Http#custom}). */
  public static Response of(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    return new Response(status, headers == null ? List.of() : List.copyOf(headers), body == null ? new byte[0] : body.clone());
  }

  Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    this.status = status;
    this.headers = Collections.unmodifiableList(headers);
    this.body = body == null ? new byte[0] : body;
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** Every header, in the order received (immutable). */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** The first value of header name (case-insensitive), or null. */
  public String header(String name) {
    return Headers.first(headers, name);
  }

  /** Every value of header name, in order. */
  public List<String> headerValues(String name) {
    return Headers.all(headers, name);
  }

  /** A copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Response[").append(status);
    if (!headers.isEmpty()) {
      sb.append(" headers=");
      for (int i = 0; i < headers.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(headers.get(i).getKey());
      }
    }
    return sb.append(", ").append(body.length).append(" bytes]").toString();
  }
}
