package io.m2mauth.testing;

import io.m2mauth.internal.Bridge;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.TestServerHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * A token-endpoint test double for your own tests: a loopback OAuth 2.0 authorization server (libm2mauth's
 * own, in C++) on 127.0.0.1 and a free port, serving discovery, {@code /token} (client_credentials, token
 * exchange), {@code /introspect} (RFC 7662) and {@code /jwks}, with real client authentication and knobs:
 * token lifetime, opaque or JWT tokens with chosen claims, failing or stalling the next token requests,
 * request counters, revoking every token.
 *
 * <pre>{@code
 * try (TokenServer server = TokenServer.start()) {
 *   server.addClient("svc", "s3cret");
 *   server.failNext(1, 503, "temporarily_unavailable", null);
 *   // point the code under test at server.tokenUrl() ...
 *   assertEquals(2, server.requests("token"));
 * }
 * }</pre>
 *
 * <p>With JUnit 5, {@link TokenServerExtension} gives each test a started server as a parameter.
 * Thread-safe. Its tokens are good for nothing but tests.
 */
public final class TokenServer implements AutoCloseable {
  private final NativeResource<TestServerHandle> res;
  private final String url;
  private final boolean tls;
  private volatile Path caFile;

  private TokenServer(TestServerHandle h, boolean tls) {
    this.res = NativeResource.track(this, h, TestServerHandle::delete, "test server");
    this.tls = tls;
    M2mauthNative.m2mauth_test_server_start(h);
    this.url = M2mauthNative.m2mauth_test_server_url(h);
  }

  /** A started plain-HTTP server with opaque tokens valid for an hour. */
  public static TokenServer start() {
    return builder().start();
  }

  public static Builder builder() {
    Bridge.access();  // loads the library and checks its version
    return new Builder();
  }

  /** The issuer, {@code http://127.0.0.1:<port>} (or https). */
  public String url() {
    return url;
  }

  public String tokenUrl() {
    return url + "/token";
  }

  /** The server certificate's PEM ("" for plain HTTP). */
  public String caPem() {
    return use(M2mauthNative::m2mauth_test_server_ca_pem);
  }

  /** A file holding {@link #caPem()} (for {@code HttpOptions caFile}), removed by {@link #close()}; null for plain HTTP. */
  public synchronized Path caFile() {
    if (!tls) {
      return null;
    }
    if (caFile == null) {
      try {
        Path p = Files.createTempFile("m2mauth-testserver-", ".pem");
        Files.write(p, caPem().getBytes(StandardCharsets.US_ASCII));
        caFile = p;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return caFile;
  }

  /** Registers a client_secret_basic client. */
  public TokenServer addClient(String clientId, String secret) {
    return addClient(clientId, AuthMethod.CLIENT_SECRET_BASIC, secret);
  }

  /**
   * Registers (or replaces) a client: credential is the secret for the client_secret_* methods, the public
   * key (PEM or JWK) for PRIVATE_KEY_JWT; scopes are those it may ask for (none: any).
   */
  public TokenServer addClient(String clientId, AuthMethod method, String credential, String... scopes) {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(method, "method");
    if (method == AuthMethod.TLS_CLIENT_AUTH) {
      throw new IllegalArgumentException("register TLS clients with addTlsClient");
    }
    boolean key = method == AuthMethod.PRIVATE_KEY_JWT;
    String c = credential == null ? "" : credential;
    use(h -> {
      M2mauthNative.m2mauth_glue_test_server_add_client(h, clientId, method.id, key ? "" : c, key ? c : "", "", "",
          String.join(" ", scopes));
      return null;
    });
    return this;
  }

  /** Registers a tls_client_auth client by its certificate's RFC 2253 subject or SHA-256 thumbprint (base64url). */
  public TokenServer addTlsClient(String clientId, String subject, String thumbprint, String... scopes) {
    Objects.requireNonNull(clientId, "clientId");
    use(h -> {
      M2mauthNative.m2mauth_glue_test_server_add_client(h, clientId, AuthMethod.TLS_CLIENT_AUTH.id, "", "",
          subject == null ? "" : subject, thumbprint == null ? "" : thumbprint, String.join(" ", scopes));
      return null;
    });
    return this;
  }

  /**
   * The next count token requests fail with HTTP status; with oauthError (null: none) a JSON error body,
   * with retryAfter (null: none) a Retry-After header in whole seconds.
   */
  public void failNext(int count, int status, String oauthError, Duration retryAfter) {
    if (count < 0) {
      throw new IllegalArgumentException("count is negative");
    }
    long ra = retryAfter == null ? -1 : retryAfter.getSeconds();
    use(h -> {
      M2mauthNative.m2mauth_test_server_fail_next(h, count, status, oauthError == null ? "" : oauthError, ra);
      return null;
    });
  }

  /** The next count token requests wait delay before they are answered. */
  public void stall(int count, Duration delay) {
    if (count < 0) {
      throw new IllegalArgumentException("count is negative");
    }
    long ms = delay.toMillis();
    use(h -> {
      M2mauthNative.m2mauth_test_server_stall(h, count, ms);
      return null;
    });
  }

  /**
   * Requests received: "" all; "token", "introspection", "jwks", "discovery"; "grant:client_credentials";
   * "failed" (injected failures); "rejected" (refused unread); "dpop" (accepted DPoP proofs), "dpop_refused".
   */
  public long requests(String counter) {
    return use(h -> M2mauthNative.m2mauth_test_server_requests(h, counter == null ? "" : counter)).longValue();
  }

  /** Every token issued so far becomes inactive (introspection says so). */
  public void revokeAll() {
    use(h -> {
      M2mauthNative.m2mauth_test_server_revoke_all(h);
      return null;
    });
  }

  /** Stops the server (stalled requests end at once), releases it and removes {@link #caFile()}. Idempotent. */
  @Override
  public synchronized void close() {
    res.close();
    if (caFile != null) {
      try {
        Files.deleteIfExists(caFile);
      } catch (IOException ignored) {
        // a temporary file: nothing more to do
      }
      caFile = null;
    }
  }

  @Override
  public String toString() {
    return "TokenServer[" + url + "]";
  }

  private <T> T use(Function<TestServerHandle, T> f) {
    TestServerHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }

  /** Configures a server; {@link #start()} makes and starts it. */
  public static final class Builder {
    private boolean tls;
    private boolean mtls;
    private long lifetimeSeconds = 3600;
    private boolean jwt;
    private String claimsJson = "";
    private String audience = "";
    private long clockOffsetSeconds;
    private String dpopNonce = "";

    private Builder() {}

    /** HTTPS with a generated self-signed certificate (trust {@link TokenServer#caFile()}). */
    public Builder tls() {
      tls = true;
      return this;
    }

    /** HTTPS asking for a client certificate, for {@link TokenServer#addTlsClient}. */
    public Builder mtls() {
      tls = mtls = true;
      return this;
    }

    public Builder tokenLifetime(Duration lifetime) {
      lifetimeSeconds = lifetime.getSeconds();
      return this;
    }

    /** JWT access tokens (ES256, typ at+jwt, key at /jwks) with these extra claims (a JSON object, or null). */
    public Builder jwtTokens(String extraClaimsJson) {
      jwt = true;
      claimsJson = extraClaimsJson == null ? "" : extraClaimsJson;
      return this;
    }

    /** "aud" of JWT access tokens (default: the server's URL). */
    public Builder audience(String aud) {
      audience = aud == null ? "" : aud;
      return this;
    }

    /** The server's clock runs this far ahead (negative: behind). */
    public Builder clockOffset(Duration offset) {
      clockOffsetSeconds = offset.getSeconds();
      return this;
    }

    /**
     * A DPoP server nonce (RFC 9449 section 8): every DPoP proof must carry it; one without it is answered 400
     * use_dpop_nonce with a DPoP-Nonce header, which this library's clients retry once with (null: none).
     */
    public Builder dpopNonce(String nonce) {
      dpopNonce = nonce == null ? "" : nonce;
      return this;
    }

    public TokenServer start() {
      TestServerHandle h = M2mauthNative.m2mauth_glue_test_server_new(tls ? 1 : 0, mtls ? 1 : 0, lifetimeSeconds,
          jwt ? 2 : 1, claimsJson, audience, clockOffsetSeconds, dpopNonce);
      try {
        return new TokenServer(h, tls);
      } catch (RuntimeException e) {
        h.delete();
        throw e;
      }
    }
  }
}
