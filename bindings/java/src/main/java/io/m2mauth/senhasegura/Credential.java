package io.m2mauth.senhasegura;

import java.util.Map;

/**
 * A PAM credential ({@code GET /iso/pam/credential/{id or username@hostname}}); members as in the
 * vendor's example (the senhasegura WebService A2A documentation). {@link #password()} and {@link #content()} are secrets,
 * decrypted when the client has a decryption key.
 */
public final class Credential extends A2ARecord {
  Credential(Map<String, Object> tree) {
    super(tree, "password", "content");
  }

  public String id() {
    return get("id");
  }

  public String identifier() {
    return get("identifier");
  }

  public String username() {
    return get("username");
  }

  public String hostname() {
    return get("hostname");
  }

  public String ip() {
    return get("ip");
  }

  public String port() {
    return get("port");
  }

  public String domain() {
    return get("domain");
  }

  public String additional() {
    return get("additional");
  }

  public String model() {
    return get("model");
  }

  /** As sent, e.g. "2021-01-16T17:31:39". */
  public String expirationTime() {
    return get("expiration_time");
  }

  /** A copy of the password (null if the server sent none). Wipe it when done. */
  public char[] password() {
    return secretCopy("password");
  }

  /** A copy of the content (null if none). */
  public char[] content() {
    return secretCopy("content");
  }

  @Override
  public String toString() {
    return "Credential[" + id() + " " + username() + "@" + hostname() + ", password "
        + (isDestroyed() ? "wiped" : secretLength("password") + " chars") + "]";
  }
}
