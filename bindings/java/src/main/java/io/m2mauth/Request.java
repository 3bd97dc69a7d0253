package io.m2mauth;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request as m2mauth signs, authorizes and sends it: an immutable value, crossed into the
 * library only for the call that needs it ({@link Http#send}, {@link OAuth1Signer#sign},
 * {@link TokenManager#authorize}, {@link TokenManager#request}), which return a new value.
 *
 * <p>Header names compare case-insensitively; headers keep their order. {@link #toString()} shows the
 * method, the URL without its query and the header names only: values and queries may hold credentials.
 */
public final class Request {
  private final String method;
  private final String url;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;

  private Request(String method, String url, List<Map.Entry<String, String>> headers, byte[] body) {
    this.method = method;
    this.url = url;
    this.headers = Collections.unmodifiableList(headers);
    this.body = body;
  }

  /** A builder for method ("GET", "POST", ...; letters only, upper-cased by the library) and an absolute URL. */
  public static Builder builder(String method, String url) {
    return new Builder(method, url);
  }

  public static Request get(String url) {
    return builder("GET", url).build();
  }

  /** A POST with a body of the given content type. */
  public static Request post(String url, String contentType, byte[] body) {
    return builder("POST", url).header("Content-Type", contentType).body(body).build();
  }

  /** A POST of application/x-www-form-urlencoded text (already encoded). */
  public static Request postForm(String url, String form) {
    return post(url, "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8));
  }

  public String method() {
    return method;
  }

  public String url() {
    return url;
  }

  /** Every header, in order (immutable). */
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

  /** A copy of the body (empty if none). */
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  byte[] bodyUnsafe() {
    return body;
  }

  /** A builder starting from this request. */
  public Builder toBuilder() {
    Builder b = new Builder(method, url);
    b.headers.addAll(headers);
    b.body = body;
    return b;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Request[").append(method).append(' ');
    int q = indexOfQuery(url);
    sb.append(q < 0 ? url : url.substring(0, q) + "?…");
    if (!headers.isEmpty()) {
      sb.append(" headers=");
      for (int i = 0; i < headers.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(headers.get(i).getKey());
      }
    }
    if (body.length > 0) {
      sb.append(", ").append(body.length).append(" bytes");
    }
    return sb.append(']').toString();
  }

  private static int indexOfQuery(String u) {
    int q = u.indexOf('?');
    int f = u.indexOf('#');
    return q < 0 ? f : (f < 0 ? q : Math.min(q, f));
  }

  /** Builds a {@link Request}. */
  public static final class Builder {
    private String method;
    private String url;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private byte[] body = new byte[0];

    private Builder(String method, String url) {
      this.method = Objects.requireNonNull(method, "method");
      this.url = Objects.requireNonNull(url, "url");
    }

    public Builder method(String method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    public Builder url(String url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    /** Replaces every header of that name (case-insensitive) with this one. */
    public Builder header(String name, String value) {
      removeHeader(name);
      return addHeader(name, value);
    }

    /** Adds a header, keeping others of the same name. */
    public Builder addHeader(String name, String value) {
      headers.add(new AbstractMap.SimpleImmutableEntry<>(Objects.requireNonNull(name, "name"),
          Objects.requireNonNull(value, "value")));
      return this;
    }

    /** Removes every header of that name. */
    public Builder removeHeader(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      headers.removeIf(h -> h.getKey().toLowerCase(Locale.ROOT).equals(n));
      return this;
    }

    /** The body (copied); null for none. Set Content-Type with {@link #header}. */
    public Builder body(byte[] body) {
      this.body = body == null ? new byte[0] : body.clone();
      return this;
    }

    /** The body as UTF-8 text. */
    public Builder body(String text) {
      this.body = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    public Request build() {
      return new Request(method, url, new ArrayList<>(headers), body);
    }
  }

  /** From the library: every field already owned. */
  static Request of(String method, String url, List<Map.Entry<String, String>> headers, byte[] body) {
    return new Request(method, url, headers, body == null ? new byte[0] : body);
  }
}
