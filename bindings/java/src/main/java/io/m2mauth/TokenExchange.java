package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.TokenExchangeHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One OAuth 2.0 Token Exchange request (RFC 8693): the subject token and its type (required), an actor
 * token with its type, the requested token type, audiences, resources and scope. Send it with
 * {@link TokenClient#exchange(TokenExchange)} or cache the answer with {@link TokenManager#exchange(TokenExchange)}.
 * The tokens are secrets: {@link #toString()} leaves them out. Immutable; the library checks every value
 * when the request is used ({@link InvalidArgumentException} naming the field, never the token).
 */
public final class TokenExchange {
  /** RFC 8693 section 3 token type identifiers (any absolute URI is accepted as a type). */
  public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
  public static final String REFRESH_TOKEN = "urn:ietf:params:oauth:token-type:refresh_token";
  public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
  public static final String SAML1 = "urn:ietf:params:oauth:token-type:saml1";
  public static final String SAML2 = "urn:ietf:params:oauth:token-type:saml2";
  public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

  private final String subjectToken;
  private final String subjectTokenType;
  private final String actorToken;
  private final String actorTokenType;
  private final String requestedTokenType;
  private final List<String> audiences;
  private final List<String> resources;
  private final String scope;

  private TokenExchange(Builder b) {
    subjectToken = b.subjectToken;
    subjectTokenType = b.subjectTokenType;
    actorToken = b.actorToken;
    actorTokenType = b.actorTokenType;
    requestedTokenType = b.requestedTokenType;
    audiences = Collections.unmodifiableList(new ArrayList<>(b.audiences));
    resources = Collections.unmodifiableList(new ArrayList<>(b.resources));
    scope = b.scope;
  }

  /** An exchange of subjectToken (a secret) of type subjectTokenType (e.g. {@link #ACCESS_TOKEN}). */
  public static Builder builder(String subjectToken, String subjectTokenType) {
    return new Builder(Objects.requireNonNull(subjectToken, "subjectToken"),
        Objects.requireNonNull(subjectTokenType, "subjectTokenType"));
  }

  public String subjectTokenType() {
    return subjectTokenType;
  }

  public String requestedTokenType() {
    return requestedTokenType;
  }

  public List<String> audiences() {
    return audiences;
  }

  public List<String> resources() {
    return resources;
  }

  public String scope() {
    return scope;
  }

  /** The library's request, checked there; the caller deletes it. */
  TokenExchangeHandle toNative() {
    TokenExchangeHandle h = M2mauthNative.m2mauth_token_exchange_new(subjectToken, subjectTokenType);
    try {
      if (actorToken != null) {
        M2mauthNative.m2mauth_token_exchange_set_actor(h, actorToken, actorTokenType);
      }
      if (requestedTokenType != null) {
        M2mauthNative.m2mauth_token_exchange_set_requested_type(h, requestedTokenType);
      }
      for (String a : audiences) {
        M2mauthNative.m2mauth_token_exchange_add_audience(h, a);
      }
      for (String r : resources) {
        M2mauthNative.m2mauth_token_exchange_add_resource(h, r);
      }
      if (scope != null) {
        M2mauthNative.m2mauth_token_exchange_set_scope(h, scope);
      }
      return h;
    } catch (RuntimeException e) {
      h.delete();
      throw e;
    }
  }

  /** Everything but the tokens. */
  @Override
  public String toString() {
    return "TokenExchange[subject " + subjectTokenType + " (" + subjectToken.length() + " chars)"
        + (actorToken != null ? ", actor " + actorTokenType : "")
        + (requestedTokenType != null ? ", requested " + requestedTokenType : "")
        + ", audiences " + audiences + ", resources " + resources + (scope != null ? ", scope " + scope : "") + "]";
  }

  /** Builds a {@link TokenExchange}. */
  public static final class Builder {
    private final String subjectToken;
    private final String subjectTokenType;
    private String actorToken;
    private String actorTokenType;
    private String requestedTokenType;
    private final List<String> audiences = new ArrayList<>();
    private final List<String> resources = new ArrayList<>();
    private String scope;

    private Builder(String subjectToken, String subjectTokenType) {
      this.subjectToken = subjectToken;
      this.subjectTokenType = subjectTokenType;
    }

    /** The actor token (a secret) and its type, both required (RFC 8693 section 2.1). */
    public Builder actor(String actorToken, String actorTokenType) {
      this.actorToken = Objects.requireNonNull(actorToken, "actorToken");
      this.actorTokenType = Objects.requireNonNull(actorTokenType, "actorTokenType");
      return this;
    }

    /** The type asked for; the answer's issued_token_type must then equal it. */
    public Builder requestedTokenType(String type) {
      this.requestedTokenType = type;
      return this;
    }

    /** Adds an "audience" parameter. */
    public Builder audience(String audience) {
      audiences.add(Objects.requireNonNull(audience, "audience"));
      return this;
    }

    /** Adds a "resource" parameter (an absolute URI without fragment). */
    public Builder resource(String resource) {
      resources.add(Objects.requireNonNull(resource, "resource"));
      return this;
    }

    /** Space-separated scopes. */
    public Builder scope(String scope) {
      this.scope = scope;
      return this;
    }

    public TokenExchange build() {
      return new TokenExchange(this);
    }
  }
}
