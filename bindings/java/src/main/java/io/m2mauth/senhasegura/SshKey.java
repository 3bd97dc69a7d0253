package io.m2mauth.senhasegura;

import java.util.Map;

/** An SSH key ({@code GET /iso/pam/key/{id}}); {@link #privateKey()} and {@link #passphrase()} are secrets. */
public final class SshKey extends A2ARecord {
  SshKey(Map<String, Object> tree) {
    super(tree, "private_key", "passphrase");
  }

  public String id() {
    return get("id");
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

  /** E.g. "ed25519". */
  public String type() {
    return get("type");
  }

  /** The public key in OpenSSH form. */
  public String publicKey() {
    return get("public_key");
  }

  /** A copy of the private key (PEM / OpenSSH text; null if none). Wipe it when done. */
  public char[] privateKey() {
    return secretCopy("private_key");
  }

  /** A copy of the key's passphrase ("" for none; null if the server sent none). */
  public char[] passphrase() {
    return secretCopy("passphrase");
  }

  @Override
  public String toString() {
    return "SshKey[" + id() + " " + username() + "@" + hostname() + " " + type() + ", private key "
        + (isDestroyed() ? "wiped" : secretLength("private_key") + " chars") + "]";
  }
}
