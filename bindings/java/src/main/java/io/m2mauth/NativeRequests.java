package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.RequestHandle;
import io.m2mauth.internal.ResponseHandle;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** Requests and responses across JNI: a native request for one call, and values copied back. */
final class NativeRequests {
  private NativeRequests() {}

  /** Runs f with a native copy of req, freed afterwards. */
  static <T> T with(Request req, Function<RequestHandle, T> f) {
    Objects.requireNonNull(req, "request");
    RequestHandle h = M2mauthNative.m2mauth_request_new(req.method(), req.url());
    try {
      for (Map.Entry<String, String> e : req.headers()) {
        M2mauthNative.m2mauth_request_add_header(h, e.getKey(), e.getValue());
      }
      byte[] body = req.bodyUnsafe();
      if (body.length > 0) {
        M2mauthNative.m2mauth_request_set_body(h, body);
      }
      return f.apply(h);
    } finally {
      h.delete();
    }
  }

  /** The native request as a value (after signing or authorizing). */
  static Request read(RequestHandle h) {
    long n = M2mauthNative.m2mauth_request_header_count(h);
    List<Map.Entry<String, String>> headers = new ArrayList<>((int) n);
    for (long i = 0; i < n; i++) {
      headers.add(new AbstractMap.SimpleImmutableEntry<>(M2mauthNative.m2mauth_request_header_name(h, i),
          M2mauthNative.m2mauth_request_header_value(h, i)));
    }
    return Request.of(M2mauthNative.m2mauth_request_method(h), M2mauthNative.m2mauth_request_url(h), headers,
        M2mauthNative.m2mauth_request_body(h));
  }

  /** A new native response with resp's status, headers and body (for application transports). */
  static ResponseHandle toNative(Response resp) {
    ResponseHandle h = M2mauthNative.m2mauth_response_new(resp.status());
    try {
      for (Map.Entry<String, String> e : resp.headers()) {
        M2mauthNative.m2mauth_response_add_header(h, e.getKey(), e.getValue());
      }
      byte[] body = resp.body();
      if (body.length > 0) {
        M2mauthNative.m2mauth_response_set_body(h, body);
      }
      return h;
    } catch (RuntimeException e) {
      h.delete();
      throw e;
    }
  }

  /** Copies a native response and frees it. */
  static Response take(ResponseHandle h) {
    try {
      long n = M2mauthNative.m2mauth_response_header_count(h);
      List<Map.Entry<String, String>> headers = new ArrayList<>((int) n);
      for (long i = 0; i < n; i++) {
        headers.add(new AbstractMap.SimpleImmutableEntry<>(M2mauthNative.m2mauth_response_header_name(h, i),
            M2mauthNative.m2mauth_response_header_value(h, i)));
      }
      return new Response(M2mauthNative.m2mauth_response_status(h), headers, M2mauthNative.m2mauth_response_body(h));
    } finally {
      h.delete();
    }
  }
}
