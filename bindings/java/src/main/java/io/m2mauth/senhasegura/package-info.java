/**
 * The senhasegura WebService A2A API ({@code https://HOST/iso/MODULE/FUNCTION}): credentials, protected
 * information, SSH keys and DevOps secrets (DSM) for applications.
 *
 * <pre>{@code
 * try (Http http = Http.create(HttpOptions.builder().caFile(ca).clientCertificate(cert).clientKey(key).build());
 *     A2AClient vault = A2AClient.builder("https://vault.example.com").http(http)
 *         .oauth2(clientId, secret).build();
 *     Credential c = vault.credential("dbadmin@db01.example.com")) {
 *   char[] password = c.password();                 // a copy: wipe it when done
 * } catch (VendorException e) {                      // e.getVendorCode() 1023, e.getHttpStatus() 403 ...
 * }
 * }</pre>
 *
 * <p>Results are typed records ({@link io.m2mauth.senhasegura.Credential},
 * {@link io.m2mauth.senhasegura.ProtectedInfo}, {@link io.m2mauth.senhasegura.SshKey},
 * {@link io.m2mauth.senhasegura.DsmApplication}): named accessors for the documented members, the secret
 * ones as {@code char[]} copies that the record wipes on {@code close()} / {@code destroy()}, and
 * {@code fields()} with every non-secret member as sent (field names beyond the vendor's credential
 * example are inferred, so nothing the server adds is lost). {@link io.m2mauth.senhasegura.A2AClient#call}
 * returns the whole response of any function as a plain JSON map.
 */
package io.m2mauth.senhasegura;
