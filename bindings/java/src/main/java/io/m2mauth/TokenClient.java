package io.m2mauth;

import io.m2mauth.internal.AssertionOptionsStruct;
import io.m2mauth.internal.CertHandle;
import io.m2mauth.internal.HttpHandle;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeRef;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.Secrets;
import io.m2mauth.internal.TokenClientHandle;
import java.lang.ref.Reference;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A client of an OAuth 2.0 token endpoint: the grant, the client authentication and its secret or key,
 * the scope. Read-only once built and thread-safe. A {@link TokenManager} caches its tokens;
 * {@link #fetch()} is one uncached request.
 *
 * <pre>{@code
 * try (TokenClient client = TokenClient.builder(tokenUrl, "svc-basic").clientSecret(secret).scope("api.read").build();
 *     TokenManager tokens = TokenManager.create(client)) {
 *   Response r = tokens.request(Request.get(apiUrl));
 * }
 * }</pre>
 *
 * <p>Failures at the server throw {@link OAuth2Exception}; {@link #toString()} shows the client id only.
 * Managers made from a client keep working after it is closed.
 */
public final class TokenClient implements AutoCloseable {
  private final NativeResource<TokenClientHandle> res;
  private final String clientId;
  private TokenClient(TokenClientHandle h, String clientId) {
    // The native client owns its clock's reference (released when it and its managers are freed).
    this.res = NativeResource.track(this, h, TokenClientHandle::delete, "token client");
    this.clientId = clientId;
  }

  /** Wraps a native client made elsewhere (Config): owns h, system clock. */
  static TokenClient adopt(TokenClientHandle h, String clientId) {
    return new TokenClient(h, clientId);
  }

  /** A client of the token endpoint tokenUrl. */
  public static Builder builder(String tokenUrl, String clientId) {
    return new Builder(Objects.requireNonNull(tokenUrl, "tokenUrl"), null, clientId);
  }

  /** A client whose token endpoint is found by RFC 8414 / OpenID Connect discovery from issuer (at build()). */
  public static Builder discover(String issuer, String clientId) {
    return new Builder(null, Objects.requireNonNull(issuer, "issuer"), clientId);
  }

  /** One token request, no cache (scripts, diagnostics). */
  public Token fetch() {
    return oauth(() -> use(h -> Token.take(M2mauthNative.m2mauth_token_client_fetch(h))));
  }

  /** The same, bounded and cancellable by options (a deadline is on this client's clock). */
  public Token fetch(CallOptions options) {
    CallOptions o = CallOptions.orNone(options);
    return oauth(() -> o.run((timeoutMs, deadlineMs, cancel) -> use(h -> Token.take(
        M2mauthNative.m2mauth_glue_token_client_fetch_with(h, timeoutMs, deadlineMs, cancel)))));
  }

  /** One RFC 8693 token exchange with this client's authentication, not cached. */
  public ExchangedToken exchange(TokenExchange exchange) {
    return exchange(exchange, null);
  }

  /** The same, bounded and cancellable by options (null: none). */
  public ExchangedToken exchange(TokenExchange exchange, CallOptions options) {
    CallOptions o = CallOptions.orNone(options);
    io.m2mauth.internal.TokenExchangeHandle x = Objects.requireNonNull(exchange, "exchange").toNative();
    try {
      return oauth(() -> o.run((timeoutMs, deadlineMs, cancel) -> use(h -> ExchangedToken.take(
          M2mauthNative.m2mauth_glue_token_client_exchange_with(h, x, timeoutMs, deadlineMs, cancel)))));
    } finally {
      x.delete();
    }
  }

  public String clientId() {
    return clientId;
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
    return res.isClosed() ? "TokenClient[closed]" : "TokenClient[" + clientId + "]";
  }

  <T> T use(Function<TokenClientHandle, T> f) {
    TokenClientHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }


  /**
   * Runs a token operation: every server-side failure (OAuth error, HTTP status, protocol) comes out as an
   * {@link OAuth2Exception}.
   */
  static <T> T oauth(Supplier<T> op) {
    try {
      return op.get();
    } catch (M2mauthException e) {
      throw oauth(e);
    }
  }

  /** The exception {@link #oauth(Supplier)} throws for e (also for a failure that completes a future). */
  static M2mauthException oauth(M2mauthException e) {
    if (e instanceof OAuth2Exception) {
      return e;
    }
    if (e instanceof ServerException || e.getCode() == io.m2mauth.internal.m2mauth_error_code.M2MAUTH_EBACKOFF) {
      return OAuth2Exception.of(e);
    }
    return e;
  }

  /** Builds a {@link TokenClient}. A builder builds once: build() wipes its copy of the secret. */
  public static final class Builder {
    private final String tokenUrl;
    private final String issuer;
    private final String clientId;
    private Http http;
    private ClientAuth authMethod;
    private byte[] secret;
    private Key privateKey;
    private KeySource keySource;
    private DPoP dpop;
    private Grant grant;
    private String subject;
    private String scope;
    private String audience;
    private final List<String> resources = new ArrayList<>();
    private final List<String[]> params = new ArrayList<>();
    private AssertionOptions assertion;
    private Duration defaultExpiresIn;
    private Clock clock;
    private boolean built;

    private Builder(String tokenUrl, String issuer, String clientId) {
      this.tokenUrl = tokenUrl;
      this.issuer = issuer;
      this.clientId = Objects.requireNonNull(clientId, "clientId");
    }

    /** The transport (default: one with the default options). It may be closed after build(). */
    public Builder http(Http http) {
      this.http = http;
      return this;
    }

    /** Default: CLIENT_SECRET_BASIC. */
    public Builder authMethod(ClientAuth method) {
      this.authMethod = method;
      return this;
    }

    /** The client secret (copied; the caller may wipe its array). */
    public Builder clientSecret(char[] secret) {
      Secrets.wipe(this.secret);
      this.secret = Secrets.utf8(secret);
      return this;
    }

    /** The private key for private_key_jwt and the jwt-bearer grant (shared; the caller may close it after build()). */
    public Builder privateKey(Key key) {
      this.privateKey = key;
      return this;
    }

    /**
     * Instead of {@link #privateKey}: a rotating key whose current key signs each new assertion (shared; the caller
     * may close it after build()).
     */
    public Builder keySource(KeySource source) {
      this.keySource = source;
      return this;
    }

    /** Default: CLIENT_CREDENTIALS. */
    /** DPoP-bound tokens (RFC 9449) with this proof key (shared; the caller may close it after build()). */
    public Builder dpop(DPoP dpop) {
      this.dpop = dpop;
      return this;
    }

    public Builder grant(Grant grant) {
      this.grant = grant;
      return this;
    }

    /** The jwt-bearer grant's "sub" (default: the client id). */
    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    /** Space-separated scopes requested on every fetch. */
    public Builder scope(String scope) {
      this.scope = scope;
      return this;
    }

    /** The "audience" request parameter. */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    /** Adds an RFC 8707 "resource" parameter. */
    public Builder resource(String resource) {
      resources.add(Objects.requireNonNull(resource, "resource"));
      return this;
    }

    /** Adds a parameter sent on every token request. */
    public Builder param(String name, String value) {
      params.add(new String[] {Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")});
      return this;
    }

    public Builder assertion(AssertionOptions options) {
      this.assertion = options;
      return this;
    }

    /** expires_in assumed when the server omits it (default 1 h). */
    public Builder defaultExpiresIn(Duration d) {
      this.defaultExpiresIn = d;
      return this;
    }

    /**
     * The clock for assertion times and token expiry (default: the system clock). It is called from the
     * library's threads too, so it must be thread-safe and quick.
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Makes the client (with issuer discovery, a request to the issuer). */
    public TokenClient build() {
      if (built) {
        throw new IllegalStateException("m2mauth: a TokenClient.Builder builds once");
      }
      built = true;
      Http own = null;
      try {
        if (http == null) {
          own = Http.create();
        }
        Http transport = http != null ? http : own;
        TokenClientHandle h = oauth(() -> transport.use(this::newHandle));
        TokenClient client = new TokenClient(h, clientId);
        try {
          configure(h);
        } catch (RuntimeException e) {
          client.close();
          throw e;
        }
        return client;
      } finally {
        Secrets.wipe(secret);
        secret = null;
        if (own != null) {
          own.close();
        }
      }
    }

    private TokenClientHandle newHandle(HttpHandle hh) {
      return issuer != null ? M2mauthNative.m2mauth_token_client_discover(issuer, clientId, hh)
          : M2mauthNative.m2mauth_token_client_new(tokenUrl, clientId, hh);
    }

    private void configure(TokenClientHandle h) {
      if (authMethod != null) {
        M2mauthNative.m2mauth_token_client_set_auth_method(h, authMethod.id);
      }
      if (secret != null) {
        M2mauthNative.m2mauth_token_client_set_secret(h, secret);
      }
      if (privateKey != null) {
        privateKey.use(k -> {
          M2mauthNative.m2mauth_token_client_set_private_key(h, k);
          return null;
        });
      }
      if (keySource != null) {
        keySource.use(k -> {
          M2mauthNative.m2mauth_token_client_set_key_source(h, k);
          return null;
        });
      }
      if (dpop != null) {
        dpop.use(d -> {
          M2mauthNative.m2mauth_token_client_set_dpop(h, d);
          return null;
        });
      }
      if (grant != null) {
        M2mauthNative.m2mauth_token_client_set_grant(h, grant.id);
      }
      if (subject != null) {
        M2mauthNative.m2mauth_token_client_set_subject(h, subject);
      }
      if (scope != null) {
        M2mauthNative.m2mauth_token_client_set_scope(h, scope);
      }
      if (audience != null) {
        M2mauthNative.m2mauth_token_client_set_audience(h, audience);
      }
      for (String r : resources) {
        M2mauthNative.m2mauth_token_client_add_resource(h, r);
      }
      for (String[] p : params) {
        M2mauthNative.m2mauth_token_client_add_param(h, p[0], p[1]);
      }
      if (assertion != null) {
        AssertionOptions a = assertion;
        if (a.certificate != null) {
          a.certificate.use(c -> {
            setAssertion(h, a, c);
            return null;
          });
        } else {
          setAssertion(h, a, null);
        }
      }
      if (defaultExpiresIn != null) {
        M2mauthNative.m2mauth_token_client_set_default_expires_in(h, defaultExpiresIn.getSeconds());
      }
      if (clock != null) {
        M2mauthNative.m2mauth_glue_token_client_set_clock(h, NativeRef.handOver(clock));
      }
    }
  }

  /** One m2mauth_assertion_options with the library's defaults; unset values keep them. */
  private static void setAssertion(TokenClientHandle h, AssertionOptions a, CertHandle cert) {
    AssertionOptionsStruct o = new AssertionOptionsStruct();
    try {
      if (o.setAudience(a.audience) != 0 || o.setKid(a.keyId) != 0) {
        throw new OutOfMemoryError("m2mauth: assertion options");
      }
      o.setAlg(a.algorithm == null ? 0 : a.algorithm.id());
      if (a.lifetime != null) {
        o.setLifetime_s(a.lifetime.getSeconds());
      }
      if (a.clockSkew != null) {
        o.setClock_skew_s(a.clockSkew.getSeconds());
      }
      o.setKid_thumbprint(a.keyIdThumbprint ? 1 : 0);
      if (cert != null) {
        o.setCert(cert);
        o.setCert_members(a.certMembers);
      }
      M2mauthNative.m2mauth_token_client_set_assertion(h, o);
    } finally {
      o.delete();
    }
  }
}
