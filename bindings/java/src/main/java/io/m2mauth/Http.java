package io.m2mauth;

import io.m2mauth.internal.HttpHandle;
import io.m2mauth.internal.HttpOptionsStruct;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeCallbacks;
import io.m2mauth.internal.NativeRef;
import io.m2mauth.internal.NativeResource;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The library's HTTP transport (libcurl): keeps connections alive across requests and threads, verifies
 * TLS, refuses plain http:// except to loopback, never follows redirects, bounds response sizes. Token
 * clients send through it. Thread-safe; objects built with it keep what they need alive, so it may be
 * closed once they are built. After {@link #close()} calls throw IllegalStateException.
 */
public final class Http implements AutoCloseable {
  private final NativeResource<HttpHandle> res;

  private Http(HttpHandle h) {
    this.res = NativeResource.track(this, h, HttpHandle::delete, "HTTP transport");
  }

  /** Wraps a native transport made elsewhere (Config); owns h. */
  static Http adopt(HttpHandle h) {
    return new Http(h);
  }

  /** A transport with the default options. */
  public static Http create() {
    return builder().build();
  }

  public static Http create(HttpOptions options) {
    return builder().options(options).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An application's own HTTP client: answers every request m2mauth sends through a custom {@link Http}. */
  @FunctionalInterface
  public interface Transport {
    /**
     * The response whatever its status. May be called from several threads at once, the library's own
     * included. An {@link M2mauthException} keeps its code (e.g. a timeout); any other exception is a
     * network failure.
     */
    Response send(Request request) throws Exception;
  }

  /**
   * A transport that sends through transport instead of libcurl (token requests, managed requests ...).
   * The library keeps transport for as long as this Http or anything made with it lives.
   */
  public static Http custom(Transport transport) {
    Objects.requireNonNull(transport, "transport");
    NativeCallbacks.TransportSink sink = request -> {
      Response resp;
      try {
        resp = transport.send(NativeRequests.read(request));
      } catch (M2mauthException e) {
        throw new NativeCallbacks.TransportFailure(e.getCode(), e.getMessage());
      }
      return NativeRequests.toNative(Objects.requireNonNull(resp, "response"));
    };
    // The native transport owns the reference from here on (released with it, or at once on failure).
    return new Http(M2mauthNative.m2mauth_glue_http_new_custom(NativeRef.handOver(sink)));
  }

  /**
   * Sends request and returns the response, whatever its status. Network failures, timeouts, TLS failures
   * and plain http:// to other hosts than loopback throw {@link NetworkException}.
   */
  public Response send(Request request) {
    return NativeRequests.with(request, r -> use(h -> NativeRequests.take(M2mauthNative.m2mauth_http_send(h, r))));
  }

  /**
   * The same, bounded and cancellable by options: a timeout or deadline (system clock) besides the
   * transport's ({@link NetworkTimeoutException}); a {@link Cancel} aborts the transfer in progress
   * ({@link CancelledException}).
   */
  public Response send(Request request, CallOptions options) {
    CallOptions o = CallOptions.orNone(options);
    return NativeRequests.with(request, r -> o.run((timeoutMs, deadlineMs, cancel) -> use(h -> NativeRequests.take(
        M2mauthNative.m2mauth_glue_http_send_with(h, r, timeoutMs, deadlineMs, cancel)))));
  }

  public boolean isClosed() {
    return res.isClosed();
  }

  @Override
  public void close() {
    res.close();
  }

  @Override
  public String toString() {
    return res.isClosed() ? "Http[closed]" : "Http";
  }

  <T> T use(Function<HttpHandle, T> f) {
    HttpHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }

  /** Builds an {@link Http}: options, and other options for URLs with a given prefix. */
  public static final class Builder {
    private HttpOptions options = HttpOptions.defaults();
    private final List<String> prefixes = new ArrayList<>();
    private final List<HttpOptions> overrides = new ArrayList<>();

    private Builder() {}

    public Builder options(HttpOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Uses options for URLs that start with urlPrefix (the longest prefix wins). */
    public Builder override(String urlPrefix, HttpOptions options) {
      prefixes.add(Objects.requireNonNull(urlPrefix, "urlPrefix"));
      overrides.add(Objects.requireNonNull(options, "options"));
      return this;
    }

    public Http build() {
      HttpOptionsStruct o = options.toNative();
      Http http;
      try {
        http = new Http(M2mauthNative.m2mauth_http_new(o));
      } finally {
        o.delete();
      }
      try {
        for (int i = 0; i < prefixes.size(); i++) {
          HttpOptionsStruct ov = overrides.get(i).toNative();
          String prefix = prefixes.get(i);
          try {
            http.use(h -> {
              M2mauthNative.m2mauth_http_add_override(h, prefix, ov);
              return null;
            });
          } finally {
            ov.delete();
          }
        }
      } catch (RuntimeException e) {
        http.close();
        throw e;
      }
      return http;
    }
  }
}
