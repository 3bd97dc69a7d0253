package io.m2mauth;

import io.m2mauth.internal.DpopHandle;
import io.m2mauth.internal.DpopOptionsStruct;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.ResponseHandle;
import java.lang.ref.Reference;
import java.util.Objects;
import java.util.function.Function;

/**
 * A DPoP proof key (RFC 9449). Give it to {@link TokenClient.Builder#dpop(DPoP)} for DPoP-bound tokens: token
 * requests carry a proof, a token of type DPoP is sent as {@code Authorization: DPoP <token>} with a fresh proof
 * by {@link TokenManager} requests, and a {@code use_dpop_nonce} challenge is retried once. {@link #proof} makes a
 * proof for any other request. Thread-safe; close it when done (clients given it keep their own reference).
 */
public final class DPoP implements AutoCloseable {
  private final NativeResource<DpopHandle> res;

  private DPoP(DpopHandle handle) {
    this.res = NativeResource.track(this, handle, DpopHandle::delete, "dpop");
  }

  /** A proof key with a fresh EC P-256 key pair. */
  public static DPoP generate() {
    try (Key key = Key.generateEc("P-256")) {
      return of(key, null);
    }
  }

  /**
   * A proof key from a private EC, Ed25519 or RSA key (shared; the caller may close it). algorithm null: the key's
   * default (ES256, EdDSA, RS256). An HMAC key or a public key throws {@link KeyTypeException}
   * (names "key_type", "no_private_key").
   */
  public static DPoP of(Key key, Algorithm algorithm) {
    DpopOptionsStruct o = new DpopOptionsStruct();
    try {
      o.setAlg(algorithm == null ? 0 : algorithm.id());
      return key.use(k -> new DPoP(M2mauthNative.m2mauth_dpop_new(k, o)));
    } finally {
      o.delete();
    }
  }

  /** The RFC 7638 SHA-256 thumbprint of the public key, base64url: the cnf.jkt of bound tokens (for logs). */
  public String thumbprint() {
    return use(M2mauthNative::m2mauth_dpop_thumbprint);
  }

  /** The public JWK the proofs carry (no private member). */
  public String publicJwk() {
    return use(M2mauthNative::m2mauth_dpop_public_jwk);
  }

  /**
   * A proof for one request: htm method, htu url without query and fragment, iat now, a fresh jti, ath when
   * accessToken is not null, and nonce (null: the newest this key has seen from url's origin).
   */
  public String proof(String method, String url, String accessToken, String nonce) {
    return use(h -> M2mauthNative.m2mauth_dpop_proof(h, method, url, accessToken, nonce));
  }

  /**
   * For requests the application sends itself, after a response to a request for url that carried a proof of this
   * key: remembers the response's {@code DPoP-Nonce} as the newest nonce of url's origin and returns true when the
   * response asks for a nonce (a 401 with {@code WWW-Authenticate: DPoP error="use_dpop_nonce"}, or a 400 whose JSON
   * error is {@code use_dpop_nonce}): then one new {@link #proof} (nonce null) answers it. Retry once at most. The
   * rule is the library's (m2mauth_dpop_observe); {@link TokenManager#send} follows it.
   */
  public boolean observe(String url, Response response) {
    Objects.requireNonNull(response, "response");
    ResponseHandle r = NativeRequests.toNative(response);
    try {
      return use(h -> M2mauthNative.m2mauth_dpop_observe(h, url, r) != 0);
    } finally {
      r.delete();
    }
  }

  /** Wraps a handle the library made (a manager's key); null for none. */
  static DPoP adopt(DpopHandle handle) {
    return handle == null ? null : new DPoP(handle);
  }

  @Override
  public void close() {
    res.close();
  }

  @Override
  public String toString() {
    return res.isClosed() ? "DPoP[closed]" : "DPoP[jkt=" + thumbprint() + "]";
  }

  <T> T use(Function<DpopHandle, T> f) {
    DpopHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }
}
