package example;

import io.m2mauth.Config;
import io.m2mauth.Http;
import io.m2mauth.M2mauthException;
import io.m2mauth.VendorException;
import io.m2mauth.senhasegura.A2AClient;
import io.m2mauth.senhasegura.Credential;
import java.util.Arrays;

/**
 * Reads a credential from senhasegura's A2A API (https://HOST/iso/pam/credential/ID) with the method the
 * configuration names (OAuth 2.0, OAuth 1.0 or the query token), optionally over mTLS and with encrypted
 * values decrypted. The password is used, never printed.
 *
 * <pre>
 * M2MAUTH_CONFIG=a2a.json java -cp "target/classes:target/lib/*" example.SenhaseguraCredential 5   (or username@hostname)
 * </pre>
 */
public final class SenhaseguraCredential {
  private SenhaseguraCredential() {}

  public static void main(String[] args) {
    String id = args.length > 0 ? args[0] : "5";
    try (Config config = Config.fromEnvironment(); Http http = config.http(); A2AClient vault = config.a2aClient(http)) {
      try (Credential c = vault.credential(id)) {  // closing the record wipes its secrets
        char[] password = c.password();
        try {
          // ... use the password (connect to the database, ...) ...
          System.out.printf("   credential %s: %s@%s, password of %d characters (not shown)%n", id, c.username(),
              c.hostname(), password == null ? 0 : password.length);
        } finally {
          if (password != null) {
            Arrays.fill(password, '\0');
          }
        }
      } catch (VendorException e) {
        System.err.printf("error: credential %s: %s (vendor code %d, HTTP %d)%n", id, e.getMessage(),
            e.getVendorCode(), e.getHttpStatus());
        System.exit(1);
      }
    } catch (M2mauthException e) {
      System.err.printf("error: %s (%s, HTTP %d)%n", e.getMessage(), e.getName(), e.getHttpStatus());
      System.exit(1);
    }
  }
}
