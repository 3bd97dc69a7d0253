package io.m2mauth.senhasegura;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One secret of a {@link DsmApplication}: its metadata, and its "data" name/value pairs (values are
 * secrets, handed out as copies by {@link #value(String)}).
 */
public final class DsmSecret extends A2ARecord {
  private final Map<String, char[]> data = new LinkedHashMap<>();

  @SuppressWarnings("unchecked")
  DsmSecret(Map<String, Object> tree) {
    super(tree);
    // "data": [{"NAME": "value"}, ...] (a plain object is accepted too).
    Object d = tree.get("data");
    List<Object> items = d instanceof List ? (List<Object>) d
        : d instanceof Map ? Collections.singletonList(d) : Collections.emptyList();
    for (Object item : items) {
      if (item instanceof Map) {
        for (Map.Entry<String, Object> e : ((Map<String, Object>) item).entrySet()) {
          Object v = e.getValue();
          char[] value = v instanceof char[] ? ((char[]) v).clone() : String.valueOf(v).toCharArray();
          char[] old = data.put(e.getKey(), value);
          if (old != null) {
            Arrays.fill(old, '\0');
          }
        }
      }
    }
  }

  @Override
  boolean isStructured(String member) {
    return member.equals("data");
  }

  public String secretId() {
    return get("secret_id");
  }

  public String secretName() {
    return get("secret_name");
  }

  public String identity() {
    return get("identity");
  }

  public String version() {
    return get("version");
  }

  public String expirationDate() {
    return get("expiration_date");
  }

  public String engine() {
    return get("engine");
  }

  /** The names of the data values, in the server's order. */
  public List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(data.keySet()));
  }

  /** A copy of the value named name (null if there is none). Wipe it when done. */
  public char[] value(String name) {
    if (isDestroyed()) {
      throw new IllegalStateException("m2mauth: the record's secrets were wiped");
    }
    synchronized (data) {
      char[] v = data.get(name);
      return v == null ? null : v.clone();
    }
  }

  @Override
  public void destroy() {
    super.destroy();
    synchronized (data) {
      for (char[] v : data.values()) {
        Arrays.fill(v, '\0');
      }
    }
  }

  @Override
  public String toString() {
    return "DsmSecret[" + secretId() + " \"" + secretName() + "\", names " + names() + "]";
  }
}
