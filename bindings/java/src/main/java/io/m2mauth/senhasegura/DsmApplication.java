package io.m2mauth.senhasegura;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The DevOps Secret Manager application of an authorization ({@code GET /iso/dapp/application}) and its
 * secrets. {@link #close()} wipes every secret value.
 */
public final class DsmApplication extends A2ARecord {
  private final List<DsmSecret> secrets;

  @SuppressWarnings("unchecked")
  DsmApplication(Map<String, Object> tree) {
    super(tree);
    List<DsmSecret> list = new ArrayList<>();
    Object s = tree.get("secrets");
    if (s instanceof List) {
      for (Object item : (List<Object>) s) {
        if (item instanceof Map) {
          list.add(new DsmSecret((Map<String, Object>) item));
        }
      }
    }
    this.secrets = Collections.unmodifiableList(list);
  }

  @Override
  boolean isStructured(String member) {
    return member.equals("secrets");
  }

  public String name() {
    return get("name");
  }

  public String description() {
    return get("description");
  }

  public String system() {
    return get("system");
  }

  public String environment() {
    return get("environment");
  }

  /** The application's secrets, in the server's order. */
  public List<DsmSecret> secrets() {
    return secrets;
  }

  /** The first secret named secretName (its "secret_name"), or null. */
  public DsmSecret secret(String secretName) {
    for (DsmSecret s : secrets) {
      if (s.secretName().equals(secretName)) {
        return s;
      }
    }
    return null;
  }

  @Override
  public void destroy() {
    super.destroy();
    for (DsmSecret s : secrets) {
      s.destroy();
    }
  }

  @Override
  public String toString() {
    return "DsmApplication[\"" + name() + "\", " + secrets.size() + " secrets]";
  }
}
