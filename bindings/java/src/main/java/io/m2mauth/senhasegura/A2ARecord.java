package io.m2mauth.senhasegura;

import io.m2mauth.internal.SecretJson;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Destroyable;

/**
 * What the A2A typed calls return: the non-secret members as {@link #fields()} (and named accessors in
 * the subclasses), the secret ones as {@code char[]} held by the record and handed out as copies.
 * {@link #close()} (or {@link #destroy()}) wipes the secrets; use try-with-resources. Thread-safe;
 * {@link #toString()} never shows a secret.
 */
public abstract class A2ARecord implements Destroyable, AutoCloseable {
  private final Map<String, Object> fields;
  private final Map<String, char[]> secrets = new LinkedHashMap<>();
  private volatile boolean destroyed;

  /**
   * Takes the record out of a parsed object (strings as char[], see SecretJson): secret members are
   * copied, the rest made plain. The caller wipes tree afterwards.
   */
  A2ARecord(Map<String, Object> tree, String... secretNames) {
    Map<String, Object> plain = new LinkedHashMap<>();
    Set<String> secret = new HashSet<>(Arrays.asList(secretNames));
    for (Map.Entry<String, Object> e : tree.entrySet()) {
      Object v = e.getValue();
      if (secret.contains(e.getKey())) {
        if (v instanceof char[]) {
          secrets.put(e.getKey(), ((char[]) v).clone());
        } else if (v != null && !(v instanceof Map) && !(v instanceof List)) {
          secrets.put(e.getKey(), v.toString().toCharArray());
        }
      } else if (!isStructured(e.getKey())) {
        plain.put(e.getKey(), SecretJson.plain(v));
      }
    }
    this.fields = Collections.unmodifiableMap(plain);
  }

  /** Members a subclass reads itself (e.g. DSM "secrets"), kept out of fields(). */
  boolean isStructured(String member) {
    return false;
  }

  /**
   * Every non-secret member as sent: String, Long, Double, Boolean, null, and unmodifiable Map / List.
   */
  public Map<String, Object> fields() {
    return fields;
  }

  /** A non-secret member as text ("" when absent or null; numbers and booleans as JSON writes them). */
  public String get(String member) {
    Object v = fields.get(Objects.requireNonNull(member, "member"));
    return v == null ? "" : v.toString();
  }

  /** The names of the secret members this record holds. */
  public Set<String> secretNames() {
    return Collections.unmodifiableSet(secrets.keySet());
  }

  /** A copy of a secret member (null when absent). Wipe it when done. */
  char[] secretCopy(String member) {
    if (destroyed) {
      throw new IllegalStateException("m2mauth: the record's secrets were wiped");
    }
    synchronized (secrets) {
      char[] v = secrets.get(member);
      return v == null ? null : v.clone();
    }
  }

  int secretLength(String member) {
    synchronized (secrets) {
      char[] v = secrets.get(member);
      return v == null ? 0 : v.length;
    }
  }

  /** Wipes the secrets; the non-secret fields stay readable. */
  @Override
  public void destroy() {
    destroyed = true;
    synchronized (secrets) {
      for (char[] v : secrets.values()) {
        Arrays.fill(v, '\0');
      }
    }
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  /** {@link #destroy()}. */
  @Override
  public void close() {
    destroy();
  }
}
