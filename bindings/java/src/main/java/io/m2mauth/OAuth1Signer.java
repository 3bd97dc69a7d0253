package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeRef;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.OAuth1Handle;
import io.m2mauth.internal.Secrets;
import java.lang.ref.Reference;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Signs requests with OAuth 1.0 (RFC 5849), as the senhasegura A2A API and other OAuth 1.0 services
 * require. Immutable once built and thread-safe.
 *
 * <pre>{@code
 * try (OAuth1Signer signer = OAuth1Signer.builder(consumerKey).consumerSecret(cs).token(token, ts).build()) {
 *   Response r = http.send(signer.sign(Request.get(url)));
 * }
 * }</pre>
 *
 * <p>Secrets are wiped when the signer is closed and never shown by {@link #toString()}.
 */
public final class OAuth1Signer implements AutoCloseable {
  private final NativeResource<OAuth1Handle> res;
  private final String consumerKey;

  private OAuth1Signer(OAuth1Handle h, String consumerKey) {
    // The native signer owns its clock's reference (released when it is freed).
    this.res = NativeResource.track(this, h, OAuth1Handle::delete, "OAuth 1.0 signer");
    this.consumerKey = consumerKey;
  }

  public static Builder builder(String consumerKey) {
    return new Builder(consumerKey);
  }

  /**
   * request signed: its Authorization header set (replacing any), or the protocol parameters and
   * oauth_signature appended to its query or form body. A new value; request is unchanged.
   */
  public Request sign(Request request) {
    return NativeRequests.with(request, r -> use(h -> {
      M2mauthNative.m2mauth_oauth1_sign(h, r);
      return NativeRequests.read(r);
    }));
  }

  /**
   * The RFC 5849 section 3.4.1.1 signature base string {@link #sign} would sign for request with this nonce
   * and timestamp (Unix seconds): compare it with the server's when a signature is refused.
   */
  public String baseString(Request request, String nonce, long timestamp) {
    return NativeRequests.with(request, r -> use(h -> M2mauthNative.m2mauth_oauth1_base_string(h, r, nonce, timestamp)));
  }

  /**
   * The oauth_signature value (before percent-encoding) for the same inputs. For PLAINTEXT it is the
   * signing key, i.e. the secrets.
   */
  public String signature(Request request, String nonce, long timestamp) {
    return NativeRequests.with(request, r -> use(h -> M2mauthNative.m2mauth_oauth1_signature(h, r, nonce, timestamp)));
  }

  public boolean isClosed() {
    return res.isClosed();
  }

  /** Releases the signer and wipes its secrets. */
  @Override
  public void close() {
    res.close();
  }

  @Override
  public String toString() {
    return res.isClosed() ? "OAuth1Signer[closed]" : "OAuth1Signer[" + consumerKey + "]";
  }

  private <T> T use(Function<OAuth1Handle, T> f) {
    OAuth1Handle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }

  /** Builds an {@link OAuth1Signer}. A builder builds once: build() wipes its copies of the secrets. */
  public static final class Builder {
    private final String consumerKey;
    private byte[] consumerSecret;
    private String token;
    private byte[] tokenSecret;
    private OAuth1Method method;
    private OAuth1Placement placement;
    private String realm;
    private Boolean includeVersion;
    private String callback;
    private String verifier;
    private final List<String[]> params = new ArrayList<>();
    private Key rsaKey;
    private Clock clock;
    private String fixedNonce;
    private Long fixedTimestamp;
    private boolean bodyHash;
    private boolean built;

    private Builder(String consumerKey) {
      this.consumerKey = Objects.requireNonNull(consumerKey, "consumerKey");
    }

    /** The consumer (client) secret (copied; the caller may wipe its array). */
    public Builder consumerSecret(char[] secret) {
      Secrets.wipe(consumerSecret);
      consumerSecret = Secrets.utf8(secret);
      return this;
    }

    /** The token and its secret (copied); token null for two-legged requests. */
    public Builder token(String token, char[] tokenSecret) {
      this.token = token;
      Secrets.wipe(this.tokenSecret);
      this.tokenSecret = Secrets.utf8(tokenSecret);
      return this;
    }

    /** Default HMAC_SHA1. */
    public Builder method(OAuth1Method method) {
      this.method = method;
      return this;
    }

    /** Default HEADER. */
    public Builder placement(OAuth1Placement placement) {
      this.placement = placement;
      return this;
    }

    /** The Authorization header's realm (never signed). */
    public Builder realm(String realm) {
      this.realm = realm;
      return this;
    }

    /** Send oauth_version="1.0" (default true; RFC 5849 section 1.2 leaves it out). */
    public Builder includeVersion(boolean on) {
      this.includeVersion = on;
      return this;
    }

    /** oauth_callback (temporary credential requests). */
    public Builder callback(String callback) {
      this.callback = callback;
      return this;
    }

    /** oauth_verifier (token requests). */
    public Builder verifier(String verifier) {
      this.verifier = verifier;
      return this;
    }

    /** One more oauth_* protocol parameter, sent and signed. */
    public Builder param(String name, String value) {
      params.add(new String[] {Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")});
      return this;
    }

    /** The RSA private key for RSA_SHA1 / RSA_SHA256 (the signer keeps its own reference). */
    public Builder rsaKey(Key key) {
      this.rsaKey = key;
      return this;
    }

    /** The clock for oauth_timestamp; called on every signing thread, so thread-safe and quick. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Tests only: this nonce for every request. */
    public Builder fixedNonce(String nonce) {
      this.fixedNonce = nonce;
      return this;
    }

    /** Tests only: this oauth_timestamp (Unix seconds) for every request. */
    public Builder fixedTimestamp(long unixSeconds) {
      this.fixedTimestamp = unixSeconds;
      return this;
    }

    /**
     * Signs oauth_body_hash (base64 SHA-1 of the body, as oauthlib sends it) for a non-empty body whose
     * Content-Type is not form data (default: off).
     */
    public Builder bodyHash(boolean on) {
      this.bodyHash = on;
      return this;
    }

    public OAuth1Signer build() {
      if (built) {
        throw new IllegalStateException("m2mauth: an OAuth1Signer.Builder builds once");
      }
      built = true;
      try {
        OAuth1Handle h = M2mauthNative.m2mauth_oauth1_new(consumerKey);
        OAuth1Signer signer = new OAuth1Signer(h, consumerKey);
        try {
          configure(h);
        } catch (RuntimeException e) {
          signer.close();
          throw e;
        }
        return signer;
      } finally {
        Secrets.wipe(consumerSecret);
        Secrets.wipe(tokenSecret);
        consumerSecret = null;
        tokenSecret = null;
      }
    }

    private void configure(OAuth1Handle h) {
      if (consumerSecret != null) {
        M2mauthNative.m2mauth_oauth1_set_consumer_secret(h, consumerSecret);
      }
      if (token != null || tokenSecret != null) {
        M2mauthNative.m2mauth_oauth1_set_token(h, token, tokenSecret);
      }
      if (rsaKey != null) {
        rsaKey.use(k -> {
          M2mauthNative.m2mauth_oauth1_set_rsa_key(h, k);
          return null;
        });
      }
      if (method != null) {
        M2mauthNative.m2mauth_oauth1_set_method(h, method.id);
      }
      if (placement != null) {
        M2mauthNative.m2mauth_oauth1_set_placement(h, placement.id);
      }
      if (realm != null) {
        M2mauthNative.m2mauth_oauth1_set_realm(h, realm);
      }
      if (includeVersion != null) {
        M2mauthNative.m2mauth_oauth1_set_include_version(h, includeVersion ? 1 : 0);
      }
      if (callback != null) {
        M2mauthNative.m2mauth_oauth1_set_callback(h, callback);
      }
      if (verifier != null) {
        M2mauthNative.m2mauth_oauth1_set_verifier(h, verifier);
      }
      for (String[] p : params) {
        M2mauthNative.m2mauth_oauth1_add_param(h, p[0], p[1]);
      }
      if (clock != null) {
        M2mauthNative.m2mauth_glue_oauth1_set_clock(h, NativeRef.handOver(clock));
      }
      if (fixedNonce != null) {
        M2mauthNative.m2mauth_oauth1_set_fixed_nonce(h, fixedNonce);
      }
      if (fixedTimestamp != null) {
        M2mauthNative.m2mauth_oauth1_set_fixed_timestamp(h, fixedTimestamp);
      }
      if (bodyHash) {
        M2mauthNative.m2mauth_oauth1_set_body_hash(h, 1);
      }
    }
  }
}
