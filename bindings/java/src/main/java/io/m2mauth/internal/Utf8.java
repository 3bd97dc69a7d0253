package io.m2mauth.internal;

import java.nio.charset.StandardCharsets;

/**
 * Text across JNI: real UTF-8 byte arrays in both directions (JNI's own string functions use "modified
 * UTF-8", which differs for NUL and characters outside the BMP). Strings holding NUL are refused, because
 * C would silently read them only up to the NUL (an issuer "a\0b" must not be checked as "a").
 */
public final class Utf8 {
  private Utf8() {}

  public static byte[] encode(String s) {
    if (s == null) {
      return null;
    }
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("m2mauth: text argument contains a NUL character");
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static String decode(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
