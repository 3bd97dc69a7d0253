package io.m2mauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Header lookups shared by {@link Request} and {@link Response}: names compare case-insensitively. */
final class Headers {
  private Headers() {}

  /** The first value of name in headers, or null. */
  static String first(List<Map.Entry<String, String>> headers, String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  /** Every value of name in headers, in order. */
  static List<String> all(List<Map.Entry<String, String>> headers, String name) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        out.add(h.getValue());
      }
    }
    return out;
  }
}
