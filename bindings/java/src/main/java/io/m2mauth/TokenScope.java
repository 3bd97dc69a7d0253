package io.m2mauth;

import java.util.Objects;

/**
 * Another token a {@link TokenManager} caches besides the client's configured one: the scope, audience
 * and resource sent with its token request instead (null = none). Each distinct key has its own cached
 * token and refresh (at most 64 keys per manager). Immutable; equal keys name the same cached token.
 *
 * <pre>{@code
 * Token admin = tokens.token(TokenScope.of("api.admin").withAudience("https://api.example.com"));
 * }</pre>
 */
public final class TokenScope {
  private final String scope;
  private final String audience;
  private final String resource;

  private TokenScope(String scope, String audience, String resource) {
    this.scope = scope;
    this.audience = audience;
    this.resource = resource;
  }

  /** The key of scope (space-separated; null: none). */
  public static TokenScope of(String scope) {
    return new TokenScope(scope, null, null);
  }

  public static TokenScope of(String scope, String audience, String resource) {
    return new TokenScope(scope, audience, resource);
  }

  public TokenScope withScope(String scope) {
    return new TokenScope(scope, audience, resource);
  }

  public TokenScope withAudience(String audience) {
    return new TokenScope(scope, audience, resource);
  }

  public TokenScope withResource(String resource) {
    return new TokenScope(scope, audience, resource);
  }

  public String scope() {
    return scope;
  }

  public String audience() {
    return audience;
  }

  public String resource() {
    return resource;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TokenScope)) {
      return false;
    }
    TokenScope k = (TokenScope) o;
    return Objects.equals(scope, k.scope) && Objects.equals(audience, k.audience)
        && Objects.equals(resource, k.resource);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scope, audience, resource);
  }

  @Override
  public String toString() {
    return "TokenScope[scope=" + scope + ", audience=" + audience + ", resource=" + resource + "]";
  }
}
