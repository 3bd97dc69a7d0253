package io.m2mauth.senhasegura;

import java.util.Map;

/** Protected information ({@code GET /iso/pam/info/{id}}); {@link #content()} is the secret. */
public final class ProtectedInfo extends A2ARecord {
  ProtectedInfo(Map<String, Object> tree) {
    super(tree, "content");
  }

  public String id() {
    return get("id");
  }

  public String identifier() {
    return get("identifier");
  }

  public String name() {
    return get("name");
  }

  public String type() {
    return get("type");
  }

  /** A copy of the content (null if none). Wipe it when done. */
  public char[] content() {
    return secretCopy("content");
  }

  @Override
  public String toString() {
    return "ProtectedInfo[" + id() + " \"" + name() + "\", content "
        + (isDestroyed() ? "wiped" : secretLength("content") + " chars") + "]";
  }
}
