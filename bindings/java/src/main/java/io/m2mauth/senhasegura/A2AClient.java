package io.m2mauth.senhasegura;

import io.m2mauth.CallOptions;
import io.m2mauth.Config;
import io.m2mauth.Http;
import io.m2mauth.Key;
import io.m2mauth.ManagerOptions;
import io.m2mauth.internal.A2AHandle;
import io.m2mauth.internal.Bridge;
import io.m2mauth.internal.HttpHandle;
import io.m2mauth.internal.Json;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.Secrets;
import io.m2mauth.internal.SecretJson;
import io.m2mauth.internal.TokenManagerOptionsStruct;
import io.m2mauth.internal.m2mauth_a2a_call_flag;
import io.m2mauth.internal.m2mauth_client_auth;
import java.lang.ref.Reference;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A client of the senhasegura WebService A2A API ({@code https://HOST/iso/...}).
 *
 * <pre>{@code
 * try (A2AClient vault = A2AClient.builder("https://vault.example.com").http(http).oauth2(id, secret).build();
 *     Credential c = vault.credential("dbadmin@db01.example.com")) {
 *   char[] password = c.password();
 *   ...
 * }
 * }</pre>
 *
 * <p>Authentication: OAuth 2.0 client credentials (the default and the vendor's advice: the token is
 * cached, refreshed ahead of expiry, and a 401 invalidates it and retries once), OAuth 1.0 HMAC-SHA1, or
 * the consumer key and token in the query string. "Certificate validation" (mTLS) is a transport setting:
 * give {@link Builder#http} a client certificate and register its fingerprint
 * ({@link A2A#certFingerprints}). With a decryption key, protected values come back decrypted.
 *
 * <p>Errors: {@link io.m2mauth.VendorException} ({@code getVendorCode()}: 1010, 1011, 1023, 1024, 1026,
 * 1030, ...; {@code getHttpStatus()}: 400, or 403 for a client certificate that is not registered),
 * {@link io.m2mauth.OAuth2Exception} when the token endpoint refuses the client,
 * {@link io.m2mauth.ServerException} for 401 and other HTTP or protocol failures,
 * {@link io.m2mauth.NetworkException}. Messages never contain a secret.
 *
 * <p>Thread-safe; {@link #close()} waits for no one (calls in flight finish, later ones throw
 * IllegalStateException) and wipes the client's secrets; a Cleaner frees clients never closed.
 */
public final class A2AClient implements AutoCloseable {
  private final NativeResource<A2AHandle> res;
  private final String baseUrl;
  private final AuthMethod authMethod;

  private A2AClient(A2AHandle h, String baseUrl, AuthMethod authMethod) {
    this.res = NativeResource.track(this, h, A2AHandle::delete, "A2A client");
    this.baseUrl = baseUrl;
    this.authMethod = authMethod;
  }

  /** A client of the A2A API at baseUrl ("https://HOST"; a trailing "/iso" is accepted). */
  public static Builder builder(String baseUrl) {
    return new Builder(Objects.requireNonNull(baseUrl, "baseUrl"));
  }

  /**
   * A client from the "senhasegura" section of config, sending through http (null: a new transport from
   * the "http" section). {@link io.m2mauth.ConfigException} names what is missing.
   */
  public static A2AClient fromConfig(Config config, Http http) {
    Objects.requireNonNull(config, "config");
    String baseUrl = config.get("senhasegura.base_url").orElse("");
    AuthMethod auth = AuthMethod.fromConfigName(config.get("senhasegura.auth_method").orElse("oauth2"));
    Bridge.Access access = Bridge.access();
    A2AHandle h = access.useConfig(config, ch -> http == null ? M2mauthNative.m2mauth_a2a_new_from_config(ch, null)
        : access.useHttp(http, hh -> M2mauthNative.m2mauth_a2a_new_from_config(ch, hh)));
    return new A2AClient(h, baseUrl, auth);
  }

  /** {@code GET /iso/pam/credential/{id or username@hostname}}: the credential (password decrypted). */
  public Credential credential(String idOrUserAtHost) {
    Objects.requireNonNull(idOrUserAtHost, "idOrUserAtHost");
    return typed(h -> M2mauthNative.m2mauth_a2a_credential(h, idOrUserAtHost), Credential::new);
  }

  /** {@code GET /iso/pam/info/{id}}: protected information (content decrypted). */
  public ProtectedInfo info(String id) {
    Objects.requireNonNull(id, "id");
    return typed(h -> M2mauthNative.m2mauth_a2a_info(h, id), ProtectedInfo::new);
  }

  /** {@code GET /iso/pam/key/{id}}: an SSH key (private key and passphrase decrypted). */
  public SshKey sshKey(String id) {
    Objects.requireNonNull(id, "id");
    return typed(h -> M2mauthNative.m2mauth_a2a_ssh_key(h, id), SshKey::new);
  }

  /** {@code GET /iso/dapp/application}: the authorization's DSM application with its secrets (decrypted). */
  public DsmApplication dsmApplications() {
    return typed(M2mauthNative::m2mauth_a2a_dsm_application, DsmApplication::new);
  }

  /*
   * The same calls bounded and cancellable by options (null: none): a timeout or deadline bounds the whole
   * call, the OAuth 2.0 token wait included (NetworkTimeoutException); a Cancel stops the transfer in
   * progress (CancelledException).
   */

  /** {@link #credential(String)} bounded and cancellable by options. */
  public Credential credential(String idOrUserAtHost, CallOptions options) {
    Objects.requireNonNull(idOrUserAtHost, "idOrUserAtHost");
    return typed(h -> bounded(options, (t, d, c) -> M2mauthNative.m2mauth_glue_a2a_credential_with(h, idOrUserAtHost,
        t, d, c)), Credential::new);
  }

  /** {@link #info(String)} bounded and cancellable by options. */
  public ProtectedInfo info(String id, CallOptions options) {
    Objects.requireNonNull(id, "id");
    return typed(h -> bounded(options, (t, d, c) -> M2mauthNative.m2mauth_glue_a2a_info_with(h, id, t, d, c)),
        ProtectedInfo::new);
  }

  /** {@link #sshKey(String)} bounded and cancellable by options. */
  public SshKey sshKey(String id, CallOptions options) {
    Objects.requireNonNull(id, "id");
    return typed(h -> bounded(options, (t, d, c) -> M2mauthNative.m2mauth_glue_a2a_ssh_key_with(h, id, t, d, c)),
        SshKey::new);
  }

  /** {@link #dsmApplications()} bounded and cancellable by options. */
  public DsmApplication dsmApplications(CallOptions options) {
    return typed(h -> bounded(options, (t, d, c) -> M2mauthNative.m2mauth_glue_a2a_dsm_application_with(h, t, d, c)),
        DsmApplication::new);
  }

  /** {@link #call(String, String, Map, boolean)} with decryption. */
  public Map<String, Object> call(String method, String path, Map<String, ?> params) {
    return call(method, path, params, true);
  }

  /**
   * Any function: method "GET", "POST", "PUT" or "DELETE"; path "module/function[/argument]" (not
   * percent-encoded), e.g. "pam/device/1"; params (String, Number or Boolean values; null for none) the
   * query string for GET and DELETE, a form body for POST and PUT. Returns the whole response document
   * as plain JSON values (String, Long, Double, Boolean, null, unmodifiable Map and List); with a
   * decryption key and decrypt, the protected fields of its "credential", "info", "key" and
   * "application" members are decrypted. Values here are Strings, which cannot be wiped: read secrets
   * with the typed methods.
   */
  public Map<String, Object> call(String method, String path, Map<String, ?> params, boolean decrypt) {
    return call(method, path, params, decrypt, null);
  }

  /** {@link #call(String, String, Map, boolean)} bounded and cancellable by options (null: none). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> call(String method, String path, Map<String, ?> params, boolean decrypt,
      CallOptions options) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    String json = params == null ? null : Json.write(params);
    long flags = decrypt ? 0 : m2mauth_a2a_call_flag.M2MAUTH_A2A_NO_DECRYPT;
    byte[] out = use(h -> bounded(options, (t, d, c) -> M2mauthNative.m2mauth_glue_a2a_call_with(h, method, path, json,
        flags, t, d, c)));
    Object tree = parse(out);
    try {
      return (Map<String, Object>) SecretJson.plain(tree);
    } finally {
      SecretJson.wipe(tree);
    }
  }

  public String baseUrl() {
    return baseUrl;
  }

  public AuthMethod authMethod() {
    return authMethod;
  }

  public boolean isClosed() {
    return res.isClosed();
  }

  /** Releases the client, stops its token refresh and wipes its secrets. */
  @Override
  public void close() {
    res.close();
  }

  /** The base URL and the method, never a secret. */
  @Override
  public String toString() {
    return res.isClosed() ? "A2AClient[closed]" : "A2AClient[" + baseUrl + ", " + authMethod.configName() + "]";
  }

  private static Object parse(byte[] out) {
    try {
      Object tree = SecretJson.parse(out);
      if (!(tree instanceof Map)) {
        SecretJson.wipe(tree);
        throw new IllegalStateException("m2mauth: the A2A result is not a JSON object");
      }
      return tree;
    } finally {
      Secrets.wipe(out);
    }
  }

  @SuppressWarnings("unchecked")
  private <R> R typed(Function<A2AHandle, byte[]> call, Function<Map<String, Object>, R> record) {
    Object tree = parse(use(call));
    try {
      return record.apply((Map<String, Object>) tree);
    } finally {
      SecretJson.wipe(tree);
    }
  }

  private static <T> T bounded(CallOptions options, Bridge.CallBounds<T> f) {
    return Bridge.access().withCallOptions(options, f);
  }

  private <T> T use(Function<A2AHandle, T> f) {
    A2AHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }

  /**
   * Builds an {@link A2AClient}: one of {@link #oauth2}, {@link #oauth1} and {@link #queryToken}. Secrets
   * are copied (the caller may wipe its arrays) and the builder's copies wiped by {@link #build()}.
   */
  public static final class Builder {
    private final String baseUrl;
    private Http http;
    private AuthMethod auth;
    private String clientId;
    private byte[] clientSecret;
    private boolean bodyCredentials;
    private String tenant;
    private String tokenUrl;
    private ManagerOptions managerOptions;
    private String consumerKey;
    private byte[] consumerSecret;
    private byte[] token;
    private byte[] tokenSecret;
    private Key decryptionKey;
    private boolean built;

    private Builder(String baseUrl) {
      this.baseUrl = baseUrl;
    }

    /** The transport (CA, client certificate, timeouts); default: one with the default options. */
    public Builder http(Http http) {
      this.http = http;
      return this;
    }

    /** OAuth 2.0 client credentials with the authorization's client id and secret (the default method). */
    public Builder oauth2(String clientId, char[] clientSecret) {
      wipeSecrets();
      this.auth = AuthMethod.OAUTH2;
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      this.clientSecret = Secrets.utf8(Objects.requireNonNull(clientSecret, "clientSecret"));
      return this;
    }

    /** OAuth 2.0: client_id and client_secret in the token request's body instead of HTTP Basic. */
    public Builder oauth2BodyCredentials() {
      this.bodyCredentials = true;
      return this;
    }

    /** OAuth 2.0: the "tenant" parameter of the token request (multi-tenant instances). */
    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    /** OAuth 2.0: the token endpoint, when not {@code <baseUrl>/iso/oauth2/token}. */
    public Builder tokenUrl(String tokenUrl) {
      this.tokenUrl = tokenUrl;
      return this;
    }

    /** OAuth 2.0: caching and refresh of the token (the timing options apply; listener and header do not). */
    public Builder tokenManagerOptions(ManagerOptions options) {
      this.managerOptions = options;
      return this;
    }

    /** OAuth 1.0 HMAC-SHA1 with the authorization's consumer key and secret, token and token secret. */
    public Builder oauth1(String consumerKey, char[] consumerSecret, char[] token, char[] tokenSecret) {
      wipeSecrets();
      this.auth = AuthMethod.OAUTH1;
      this.consumerKey = Objects.requireNonNull(consumerKey, "consumerKey");
      this.consumerSecret = Secrets.utf8(Objects.requireNonNull(consumerSecret, "consumerSecret"));
      this.token = Secrets.utf8(Objects.requireNonNull(token, "token"));
      this.tokenSecret = Secrets.utf8(Objects.requireNonNull(tokenSecret, "tokenSecret"));
      return this;
    }

    /** The consumer key and token in the query string (not recommended by the vendor). */
    public Builder queryToken(String consumerKey, char[] token) {
      wipeSecrets();
      this.auth = AuthMethod.QUERY;
      this.consumerKey = Objects.requireNonNull(consumerKey, "consumerKey");
      this.token = Secrets.utf8(Objects.requireNonNull(token, "token"));
      return this;
    }

    /**
     * The authorization's RSA private key when "encryption of sensitive information" is on (the client
     * keeps its own reference: the caller may close the key after build()).
     */
    public Builder decryptionKey(Key key) {
      this.decryptionKey = key;
      return this;
    }

    private void wipeSecrets() {
      Secrets.wipe(clientSecret);
      Secrets.wipe(consumerSecret);
      Secrets.wipe(token);
      Secrets.wipe(tokenSecret);
      clientSecret = consumerSecret = token = tokenSecret = null;
    }

    /** Makes the client (nothing is sent yet). */
    public A2AClient build() {
      if (built) {
        throw new IllegalStateException("m2mauth: an A2AClient.Builder builds once");
      }
      built = true;
      if (auth == null) {
        throw new IllegalStateException("m2mauth: choose oauth2(), oauth1() or queryToken()");
      }
      Bridge.Access access = Bridge.access();
      Http own = null;
      try {
        if (http == null) {
          own = Http.create();
        }
        Http transport = http != null ? http : own;
        A2AHandle h = access.useHttp(transport, (HttpHandle hh) -> M2mauthNative.m2mauth_a2a_new(baseUrl, hh));
        A2AClient client = new A2AClient(h, baseUrl, auth);
        try {
          configure(access, h);
        } catch (RuntimeException e) {
          client.close();
          throw e;
        }
        return client;
      } finally {
        wipeSecrets();
        if (own != null) {
          own.close();
        }
      }
    }

    private void configure(Bridge.Access access, A2AHandle h) {
      M2mauthNative.m2mauth_a2a_set_auth_method(h, auth.id);
      if (auth == AuthMethod.OAUTH2) {
        M2mauthNative.m2mauth_a2a_set_oauth2_client(h, clientId, clientSecret);
        if (bodyCredentials) {
          M2mauthNative.m2mauth_a2a_set_client_auth(h, m2mauth_client_auth.M2MAUTH_AUTH_CLIENT_SECRET_POST);
        }
        if (tenant != null) {
          M2mauthNative.m2mauth_a2a_set_tenant(h, tenant);
        }
        if (tokenUrl != null) {
          M2mauthNative.m2mauth_a2a_set_token_url(h, tokenUrl);
        }
        if (managerOptions != null) {
          TokenManagerOptionsStruct o = access.managerOptions(managerOptions);
          try {
            M2mauthNative.m2mauth_a2a_set_manager_options(h, o);
          } finally {
            o.delete();
          }
        }
      } else {
        M2mauthNative.m2mauth_glue_a2a_set_oauth1_credentials(h, consumerKey, consumerSecret, token, tokenSecret);
      }
      if (decryptionKey != null) {
        access.useKey(decryptionKey, k -> {
          M2mauthNative.m2mauth_a2a_set_decryption_key(h, k);
          return null;
        });
      }
    }
  }
}
