package io.m2mauth;

import io.m2mauth.internal.HttpOptionsStruct;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Transport settings for {@link Http}; unset fields keep the library's defaults (read from the C
 * library's m2mauth_http_options_init): TLS verified against the system CAs, plain http:// only to
 * loopback hosts, no redirects, connect timeout 10 s, whole request 30 s, responses up to 4 MiB, no
 * proxy (environment variables are ignored). A value that is set means what the C library says, 0
 * included (connect timeout 0: libcurl's own; timeout 0 and maximum response size 0: no limit); the
 * library checks the ranges ({@link InvalidArgumentException} naming the field).
 *
 * <p>An immutable value. It keeps its own copy of a client-key passphrase (as UTF-8 bytes) for as long
 * as it lives; {@link #toString()} never shows it, nor key paths or PEM text.
 */
public final class HttpOptions {
  private final String caFile;
  private final String caDir;
  private final String clientCert;
  private final String clientKey;
  private final byte[] passphrase;
  private final boolean pkcs12;
  private final String proxy;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final Long maxResponseBytes;
  private final boolean insecureSkipVerify;
  private final boolean allowPlainHttp;
  private final String userAgent;

  private HttpOptions(Builder b) {
    caFile = b.caFile;
    caDir = b.caDir;
    clientCert = b.clientCert;
    clientKey = b.clientKey;
    passphrase = b.passphrase == null ? null : b.passphrase.clone();
    pkcs12 = b.pkcs12;
    proxy = b.proxy;
    connectTimeout = b.connectTimeout;
    timeout = b.timeout;
    maxResponseBytes = b.maxResponseBytes;
    insecureSkipVerify = b.insecureSkipVerify;
    allowPlainHttp = b.allowPlainHttp;
    userAgent = b.userAgent;
  }

  public static HttpOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The native struct for one call, starting from the C defaults; the caller deletes it. */
  HttpOptionsStruct toNative() {
    HttpOptionsStruct o = new HttpOptionsStruct();
    try {
      o.setCa_file(caFile);
      o.setCa_dir(caDir);
      o.setClient_cert(clientCert);
      o.setClient_key(clientKey);
      o.setClient_cert_type(pkcs12 ? "P12" : null);
      o.setProxy(proxy);
      o.setUser_agent(userAgent);
      o.setInsecure_skip_verify(insecureSkipVerify ? 1 : 0);
      o.setAllow_plain_http(allowPlainHttp ? 1 : 0);
      if (connectTimeout != null) {
        o.setConnect_timeout_ms(Durations.millis(connectTimeout));
      }
      if (timeout != null) {
        o.setTimeout_ms(Durations.millis(timeout));
      }
      if (maxResponseBytes != null) {
        o.setMax_response_bytes(maxResponseBytes);
      }
      if (passphrase != null) {
        M2mauthNative.m2mauth_glue_http_options_set_passphrase(o, passphrase);
      }
      return o;
    } catch (RuntimeException e) {
      o.delete();
      throw e;
    }
  }

  /**
   * The effective configuration as the C library renders it (m2mauth_http_options_describe): compact
   * JSON with the C member names, durations in milliseconds, the passphrase, PEM text and proxy
   * credentials as "&lt;redacted&gt;". {@link InvalidArgumentException} for a value out of range.
   */
  public String describe() {
    HttpOptionsStruct n = toNative();
    try {
      return M2mauthNative.m2mauth_http_options_describe(n);
    } finally {
      n.delete();
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("HttpOptions[");
    if (caFile != null || caDir != null) {
      sb.append("custom CA, ");
    }
    if (clientCert != null) {
      sb.append(pkcs12 ? "client PKCS#12, " : "client certificate, ");
    }
    if (proxy != null) {
      sb.append("proxy, ");
    }
    if (insecureSkipVerify) {
      sb.append("INSECURE (no TLS verification), ");
    }
    if (allowPlainHttp) {
      sb.append("plain http allowed, ");
    }
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.setLength(sb.length() - 2);
    }
    return sb.append(']').toString();
  }

  /** Builds {@link HttpOptions}. */
  public static final class Builder {
    private String caFile;
    private String caDir;
    private String clientCert;
    private String clientKey;
    private byte[] passphrase;
    private boolean pkcs12;
    private String proxy;
    private Duration connectTimeout;
    private Duration timeout;
    private Long maxResponseBytes;
    private boolean insecureSkipVerify;
    private boolean allowPlainHttp;
    private String userAgent;

    private Builder() {}

    /** A CA bundle (PEM) instead of the system's. */
    public Builder caFile(Path file) {
      this.caFile = file == null ? null : file.toString();
      return this;
    }

    /** A hashed CA directory instead of the system's. */
    public Builder caDir(Path dir) {
      this.caDir = dir == null ? null : dir.toString();
      return this;
    }

    /** Mutual TLS: the client certificate, a file path or PEM text. */
    public Builder clientCertificate(String pathOrPem) {
      this.clientCert = pathOrPem;
      this.pkcs12 = false;
      return this;
    }

    /** Mutual TLS: the client key, a file path or PEM text (null: inside the certificate's file or text). */
    public Builder clientKey(String pathOrPem) {
      this.clientKey = pathOrPem;
      return this;
    }

    /** The passphrase of an encrypted client key (copied; the caller may wipe its array). */
    public Builder clientKeyPassphrase(char[] passphrase) {
      Secrets.wipe(this.passphrase);
      this.passphrase = Secrets.utf8(passphrase);
      return this;
    }

    /** Mutual TLS from a PKCS#12 file and its password (copied). */
    public Builder pkcs12(Path file, char[] password) {
      this.clientCert = Objects.requireNonNull(file, "file").toString();
      this.clientKey = null;
      this.pkcs12 = true;
      return clientKeyPassphrase(password);
    }

    /** A proxy URL (environment variables are never used). */
    public Builder proxy(String url) {
      this.proxy = url;
      return this;
    }

    /** Connecting (default 10 s; 0: libcurl's own, 300 s). */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    /** The whole request, connection included (default 30 s; 0: no limit). */
    public Builder timeout(Duration d) {
      this.timeout = d;
      return this;
    }

    /** Larger responses fail (default 4 MiB; 0: no limit). */
    public Builder maxResponseBytes(long n) {
      if (n < 0) {
        throw new IllegalArgumentException("m2mauth: maximum response size must not be negative");
      }
      this.maxResponseBytes = n;
      return this;
    }

    /** Turns off TLS certificate and host name checks. For tests only. */
    public Builder insecureSkipVerify(boolean on) {
      this.insecureSkipVerify = on;
      return this;
    }

    /** Allows http:// to hosts that are not loopback (discouraged). */
    public Builder allowPlainHttp(boolean on) {
      this.allowPlainHttp = on;
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    public HttpOptions build() {
      return new HttpOptions(this);
    }
  }

  /** Wipes this value's copy of the passphrase (it can no longer make a transport with it). */
  public void wipePassphrase() {
    if (passphrase != null) {
      Arrays.fill(passphrase, (byte) 0);
    }
  }
}
