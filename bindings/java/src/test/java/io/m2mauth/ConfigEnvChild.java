package io.m2mauth;

import io.m2mauth.senhasegura.A2AClient;
import io.m2mauth.senhasegura.ProtectedInfo;

/**
 * Run by ConfigTest in a child JVM whose environment it sets (Java cannot change its own): loads
 * Config.fromEnvironment() and prints what the parent checks, one "key=value" per line. Never prints a
 * secret (the parent checks that too).
 */
public final class ConfigEnvChild {
  private ConfigEnvChild() {}

  public static void main(String[] args) {
    try (Config config = Config.fromEnvironment()) {
      System.out.println("describe=" + config.describe());
      System.out.println("config=" + config);
      System.out.println("oauth2.client_id=" + config.get("oauth2.client_id").orElse(""));
      System.out.println("oauth2.scope=" + config.get("oauth2.scope").orElse(""));
      try (TokenManager tokens = config.tokenManager(null)) {
        Token t = tokens.token();
        System.out.println("token.scope=" + t.scope());
        System.out.println("token.length=" + t.accessToken().length());
      }
      if (config.has("senhasegura")) {
        try (A2AClient vault = config.a2aClient(null); ProtectedInfo info = vault.info("10")) {
          System.out.println("a2a=" + vault);
          System.out.println("a2a.content.length=" + info.content().length);
        }
      }
    } catch (M2mauthException e) {
      System.out.println("error=" + e.getClass().getSimpleName() + " " + e.getMessage());
      System.exit(3);
    }
  }
}
