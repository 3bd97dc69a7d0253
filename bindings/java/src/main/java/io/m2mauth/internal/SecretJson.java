package io.m2mauth.internal;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON that may hold secrets (A2A results): read from UTF-8 bytes into a tree whose strings are
 * {@code char[]}, never {@code String}, so that secret values can be wiped. Objects are LinkedHashMap
 * (order kept), arrays ArrayList, numbers Long / BigInteger / Double, plus Boolean and null.
 * {@link #plain(Object)} turns a subtree into ordinary Java values for what is not secret; {@link #wipe}
 * overwrites every char[] of a tree. Every intermediate buffer is wiped.
 */
public final class SecretJson {
  private SecretJson() {}

  /** Parses utf8 (then wipes it). IllegalArgumentException for text that is not one JSON value. */
  public static Object parse(byte[] utf8) {
    char[] text = decode(utf8);
    try {
      Reader r = new Reader(text);
      Object v = r.value();
      r.skipSpace();
      if (r.pos != text.length) {
        wipe(v);
        throw r.error("trailing characters");
      }
      return v;
    } finally {
      Arrays.fill(text, '\0');
    }
  }

  private static char[] decode(byte[] utf8) {
    CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer cb = null;
    try {
      cb = dec.decode(ByteBuffer.wrap(utf8));
      return Arrays.copyOfRange(cb.array(), cb.arrayOffset() + cb.position(), cb.arrayOffset() + cb.limit());
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("m2mauth: JSON is not valid UTF-8");
    } finally {
      if (cb != null) {
        Arrays.fill(cb.array(), '\0');
      }
      Arrays.fill(utf8, (byte) 0);
    }
  }

  /** Overwrites every char[] in the tree. */
  public static void wipe(Object v) {
    if (v instanceof char[]) {
      Arrays.fill((char[]) v, '\0');
    } else if (v instanceof Map) {
      for (Object x : ((Map<?, ?>) v).values()) {
        wipe(x);
      }
    } else if (v instanceof List) {
      for (Object x : (List<?>) v) {
        wipe(x);
      }
    }
  }

  /** The subtree as ordinary values: char[] becomes String, maps and lists unmodifiable copies. */
  public static Object plain(Object v) {
    if (v instanceof char[]) {
      return new String((char[]) v);
    }
    if (v instanceof Map) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        m.put((String) e.getKey(), plain(e.getValue()));
      }
      return Collections.unmodifiableMap(m);
    }
    if (v instanceof List) {
      List<Object> l = new ArrayList<>();
      for (Object x : (List<?>) v) {
        l.add(plain(x));
      }
      return Collections.unmodifiableList(l);
    }
    return v;
  }

  private static final class Reader {
    final char[] s;
    int pos;

    Reader(char[] s) {
      this.s = s;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("m2mauth: malformed JSON at " + pos + ": " + what);
    }

    void skipSpace() {
      while (pos < s.length && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\r' || s[pos] == '\n')) {
        pos++;
      }
    }

    Object value() {
      skipSpace();
      if (pos >= s.length) {
        throw error("unexpected end");
      }
      switch (s[pos]) {
        case '{': return object();
        case '[': return array();
        case '"': return string();
        case 't': return literal("true", Boolean.TRUE);
        case 'f': return literal("false", Boolean.FALSE);
        case 'n': return literal("null", null);
        default: return number();
      }
    }

    Object literal(String word, Object v) {
      if (pos + word.length() > s.length || !new String(s, pos, word.length()).equals(word)) {
        throw error("unexpected character");
      }
      pos += word.length();
      return v;
    }

    Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      try {
        pos++;
        skipSpace();
        if (peek() == '}') {
          pos++;
          return m;
        }
        for (;;) {
          skipSpace();
          if (peek() != '"') {
            throw error("expected a member name");
          }
          char[] k = string();
          String key = new String(k);
          Arrays.fill(k, '\0');
          skipSpace();
          expect(':');
          wipe(m.put(key, value()));
          skipSpace();
          char c = next();
          if (c == '}') {
            return m;
          }
          if (c != ',') {
            throw error("expected , or }");
          }
        }
      } catch (RuntimeException e) {
        wipe(m);
        throw e;
      }
    }

    List<Object> array() {
      List<Object> l = new ArrayList<>();
      try {
        pos++;
        skipSpace();
        if (peek() == ']') {
          pos++;
          return l;
        }
        for (;;) {
          l.add(value());
          skipSpace();
          char c = next();
          if (c == ']') {
            return l;
          }
          if (c != ',') {
            throw error("expected , or ]");
          }
        }
      } catch (RuntimeException e) {
        wipe(l);
        throw e;
      }
    }

    /** A string literal into a new char[] of exactly its length (the working buffer is wiped). */
    char[] string() {
      char[] buf = new char[16];
      int n = 0;
      pos++;
      try {
        for (;;) {
          char c = next();
          if (c == '"') {
            return Arrays.copyOf(buf, n);
          }
          if (c < 0x20) {
            throw error("control character in string");
          }
          if (c == '\\') {
            char e = next();
            switch (e) {
              case '"': case '\\': case '/': c = e; break;
              case 'n': c = '\n'; break;
              case 'r': c = '\r'; break;
              case 't': c = '\t'; break;
              case 'b': c = '\b'; break;
              case 'f': c = '\f'; break;
              case 'u':
                if (pos + 4 > s.length) {
                  throw error("short \\u escape");
                }
                int v = 0;
                for (int i = 0; i < 4; i++) {
                  int d = Character.digit(s[pos + i], 16);
                  if (d < 0) {
                    throw error("bad \\u escape");
                  }
                  v = v << 4 | d;
                }
                pos += 4;
                c = (char) v;
                break;
              default:
                throw error("bad escape");
            }
          }
          if (n == buf.length) {
            char[] bigger = Arrays.copyOf(buf, n * 2);
            Arrays.fill(buf, '\0');
            buf = bigger;
          }
          buf[n++] = c;
        }
      } finally {
        Arrays.fill(buf, '\0');
      }
    }

    Object number() {
      int start = pos;
      while (pos < s.length && "+-0123456789.eE".indexOf(s[pos]) >= 0) {
        pos++;
      }
      String t = new String(s, start, pos - start);
      if (t.isEmpty()) {
        throw error("unexpected character");
      }
      try {
        if (t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0) {
          BigInteger bi = new BigInteger(t);
          return bi.bitLength() < 64 ? (Object) bi.longValue() : bi;
        }
        return Double.parseDouble(t);
      } catch (NumberFormatException ex) {
        throw error("bad number");
      }
    }

    char peek() {
      if (pos >= s.length) {
        throw error("unexpected end");
      }
      return s[pos];
    }

    char next() {
      char c = peek();
      pos++;
      return c;
    }

    void expect(char c) {
      if (next() != c) {
        throw error("expected " + c);
      }
    }
  }
}
