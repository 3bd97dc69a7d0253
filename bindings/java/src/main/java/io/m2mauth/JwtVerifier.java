package io.m2mauth;

import io.m2mauth.internal.ClaimsHandle;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.VerifierHandle;
import java.lang.ref.Reference;
import java.util.Set;

/**
 * A configured JWT verifier, reusable and thread-safe: build it once, call {@link #verify} from any
 * number of threads. {@link Jwt#decode} is the one-shot form.
 */
public final class JwtVerifier implements AutoCloseable {
  private final NativeResource<VerifierHandle> res;

  private JwtVerifier(VerifierHandle h, DecodeOptions opts) {
    this.res = NativeResource.track(this, h, VerifierHandle::delete, "verifier");
    try {
      configure(h, opts == null ? DecodeOptions.defaults() : opts);
    } catch (RuntimeException e) {
      res.close();
      throw e;
    }
  }

  /** Tokens signed by key with one of allowed. */
  public static JwtVerifier create(Key key, Set<Algorithm> allowed, DecodeOptions opts) {
    int bits = Algorithm.bits(allowed);
    return new JwtVerifier(key.use(k -> M2mauthNative.m2mauth_verifier_new(k, bits)), opts);
  }

  /** Tokens signed by the key of a JWKS chosen by the token's kid. */
  public static JwtVerifier fromJwks(String jwks, Set<Algorithm> allowed, DecodeOptions opts) {
    return new JwtVerifier(M2mauthNative.m2mauth_verifier_from_jwks(jwks, Algorithm.bits(allowed)), opts);
  }

  private static void configure(VerifierHandle h, DecodeOptions o) {
    for (String aud : o.audiences) {
      M2mauthNative.m2mauth_verifier_add_audience(h, aud);
    }
    if (o.issuer != null) {
      M2mauthNative.m2mauth_verifier_set_issuer(h, o.issuer);
    }
    if (o.subject != null) {
      M2mauthNative.m2mauth_verifier_set_subject(h, o.subject);
    }
    if (o.type != null) {
      M2mauthNative.m2mauth_verifier_set_typ(h, o.type);
    }
    if (o.leeway != null) {
      M2mauthNative.m2mauth_verifier_set_leeway(h, o.leeway.getSeconds());
    }
    for (String name : o.requiredClaims) {
      M2mauthNative.m2mauth_verifier_require_claim(h, name);
    }
    if (o.maxSize != null) {
      M2mauthNative.m2mauth_verifier_set_max_size(h, o.maxSize);
    }
    if (o.at != null) {
      M2mauthNative.m2mauth_glue_verifier_set_fixed_time(h, o.at.toEpochMilli());
    }
  }

  /** The token's claims (with its header), or an InvalidTokenException saying why it was refused. */
  public Claims verify(String token) {
    VerifierHandle h = res.acquire();
    try {
      ClaimsHandle c = M2mauthNative.m2mauth_verifier_verify(h, token);
      try {
        return Claims.decoded(M2mauthNative.m2mauth_claims_to_json(c), M2mauthNative.m2mauth_claims_header_json(c));
      } finally {
        c.delete();
      }
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }

  @Override
  public void close() {
    res.close();
  }

  @Override
  public String toString() {
    return res.isClosed() ? "JwtVerifier[closed]" : "JwtVerifier";
  }
}
