package io.m2mauth;

import io.m2mauth.internal.ConfigHandle;
import io.m2mauth.internal.HttpHandle;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.Secrets;
import io.m2mauth.internal.Utf8;
import io.m2mauth.senhasegura.A2AClient;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The configuration every m2mauth language reads the same way (README, "Configuration"): a JSON file
 * and/or {@code M2MAUTH_<SECTION>_<KEY>} environment variables, which override the file key by key, with
 * sections "http", "oauth2" and "senhasegura". The C library parses and checks it: unknown keys, wrong
 * types and out-of-range values throw {@link M2mauthException} named "config" with the key in the
 * message. Secrets are given as X, X_file or X_env and are read when the configuration is loaded.
 *
 * <pre>{@code
 * try (Config config = Config.fromEnvironment();            // $M2MAUTH_CONFIG and M2MAUTH_* variables
 *     TokenManager tokens = config.tokenManager(null)) {    // transport from the "http" section
 *   Response r = tokens.request(Request.get(apiUrl));
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe. Never shows a secret: {@link #describe()} redacts them, {@link #get} refuses
 * them, {@link #toString()} names the sections only. Objects built from it keep working after
 * {@link #close()}, which wipes its secrets.
 */
public final class Config implements AutoCloseable {
  private static final String[] SECTIONS = {"http", "oauth2", "senhasegura", "cache"};
  private final NativeResource<ConfigHandle> res;

  private Config(ConfigHandle h) {
    this.res = NativeResource.track(this, h, ConfigHandle::delete, "configuration");
  }

  /** The JSON file at path with the environment applied over it. */
  public static Config load(Path path) {
    return load(path, true);
  }

  /** The JSON file at path, with the M2MAUTH_* variables over it when useEnvironment. */
  public static Config load(Path path, boolean useEnvironment) {
    Objects.requireNonNull(path, "path");
    return new Config(M2mauthNative.m2mauth_config_load(path.toString(), useEnvironment ? 1 : 0));
  }

  /**
   * What the environment says, the way a deployed service is configured: the file named by
   * {@code $M2MAUTH_CONFIG} (if set) and the {@code M2MAUTH_*} variables over it.
   */
  public static Config fromEnvironment() {
    return new Config(M2mauthNative.m2mauth_config_load(null, 1));
  }

  /** JSON text instead of a file, without the environment. */
  public static Config fromJson(String json) {
    return fromJson(json, false);
  }

  /** JSON text instead of a file, with the M2MAUTH_* variables over it when useEnvironment. */
  public static Config fromJson(String json, boolean useEnvironment) {
    byte[] text = Utf8.encode(Objects.requireNonNull(json, "json"));
    try {
      return new Config(M2mauthNative.m2mauth_config_from_json(text, useEnvironment ? 1 : 0));
    } finally {
      Secrets.wipe(text);
    }
  }

  /**
   * The effective configuration (after the environment and the profile) as JSON: every secret
   * "&lt;redacted&gt;" (X_file / X_env name where it came from) and "_sources", the file read and the
   * environment variables used. Safe to log.
   */
  public String describe() {
    return use(M2mauthNative::m2mauth_config_describe);
  }

  /**
   * A non-secret value by "section.key" as text (numbers in decimal, booleans "true"/"false", lists and
   * objects as JSON; for X_file / X_env the file or variable name); empty if it is not set.
   * {@link InvalidArgumentException} for an unknown name or a secret.
   */
  public Optional<String> get(String name) {
    Objects.requireNonNull(name, "name");
    try {
      return Optional.of(use(h -> M2mauthNative.m2mauth_config_get(h, name)));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** Whether "section" has any key set, or "section.key" is set (false for unknown names). */
  public boolean has(String name) {
    Objects.requireNonNull(name, "name");
    if (name.indexOf('\0') >= 0) {
      return false;
    }
    return use(h -> M2mauthNative.m2mauth_config_has(h, name) == 1);
  }

  /** A transport from the "http" section (the defaults when there is none). */
  public Http http() {
    return use(h -> Http.adopt(M2mauthNative.m2mauth_http_new_from_config(h)));
  }

  /**
   * A token client from the "oauth2" section, sending through http (null: a new transport from the "http"
   * section). With "issuer" the token endpoint is discovered now.
   */
  public TokenClient tokenClient(Http http) {
    String clientId = get("oauth2.client_id").orElse("");
    return TokenClient.oauth(() -> build(http,
        (h, hh) -> TokenClient.adopt(M2mauthNative.m2mauth_token_client_new_from_config(h, hh), clientId)));
  }

  /** A token manager (and its client) from the "oauth2" section, its tuning and idempotency header included. */
  public TokenManager tokenManager(Http http) {
    return tokenManager(http, null);
  }

  /** The same, sending the manager's events to listener (null: none) as {@link ManagerOptions} does. */
  public TokenManager tokenManager(Http http, TokenEventListener listener) {
    String clientId = get("oauth2.client_id").orElse("");
    return TokenClient.oauth(() -> build(http, (h, hh) -> TokenManager.adopt(
        M2mauthNative.m2mauth_token_manager_new_from_config(h, hh), clientId, listener)));
  }

  /** A senhasegura A2A client from the "senhasegura" section (http null: a new transport from "http"). */
  public A2AClient a2aClient(Http http) {
    return A2AClient.fromConfig(this, http);
  }

  public boolean isClosed() {
    return res.isClosed();
  }

  /** Releases the configuration and wipes its secrets. */
  @Override
  public void close() {
    res.close();
  }

  /** "Config[http, oauth2]": the sections that are set, never a value. */
  @Override
  public String toString() {
    if (res.isClosed()) {
      return "Config[closed]";
    }
    StringBuilder sb = new StringBuilder("Config[");
    for (String s : SECTIONS) {
      if (has(s)) {
        sb.append(sb.length() > 7 ? ", " : "").append(s);
      }
    }
    return sb.append(']').toString();
  }

  private interface Builder<T> {
    T build(ConfigHandle config, HttpHandle http);
  }

  private <T> T build(Http http, Builder<T> f) {
    return use(h -> http == null ? f.build(h, null) : http.use(hh -> f.build(h, hh)));
  }

  <T> T use(Function<ConfigHandle, T> f) {
    ConfigHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }
}
