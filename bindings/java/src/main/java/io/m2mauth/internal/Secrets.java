package io.m2mauth.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Passphrases as UTF-8 bytes in arrays the caller wipes with {@link #wipe(byte[])}. */
public final class Secrets {
  private Secrets() {}

  /** UTF-8 of chars (null for null), with no intermediate String; refuses NUL and unpaired surrogates. */
  public static byte[] utf8(char[] chars) {
    if (chars == null) {
      return null;
    }
    for (char c : chars) {
      if (c == '\0') {
        throw new IllegalArgumentException("m2mauth: passphrase contains a NUL character");
      }
    }
    CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer buf;
    try {
      buf = enc.encode(CharBuffer.wrap(chars));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("m2mauth: passphrase is not valid Unicode text");
    }
    byte[] out = Arrays.copyOfRange(buf.array(), buf.arrayOffset(), buf.arrayOffset() + buf.remaining());
    Arrays.fill(buf.array(), (byte) 0);
    return out;
  }

  public static void wipe(byte[] b) {
    if (b != null) {
      Arrays.fill(b, (byte) 0);
    }
  }
}
