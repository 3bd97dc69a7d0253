package io.m2mauth.senhasegura;

import io.m2mauth.Certificate;
import io.m2mauth.Key;
import io.m2mauth.internal.Bridge;
import io.m2mauth.internal.Json;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.Secrets;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/** senhasegura A2A helpers that need no client. */
public final class A2A {
  private A2A() {}

  /** The fingerprints of cert to register for an authorization's "certificate validation". */
  public static Fingerprints certFingerprints(Certificate cert) {
    Objects.requireNonNull(cert, "cert");
    String json = Bridge.access().useCertificate(cert, M2mauthNative::m2mauth_a2a_cert_fingerprints);
    Map<String, Object> m = Json.parseObject(json);
    return new Fingerprints((String) m.get("sha256"), (String) m.get("sha256_colon"), (String) m.get("sha1"),
        (String) m.get("sha1_colon"));
  }

  /**
   * Decrypts one protected value (base64 RSA-OAEP with SHA-1, cut into key-size blocks) with the
   * authorization's private key; for values read with decryption turned off. Wipe the result when done.
   * {@link io.m2mauth.ServerException} (name "protocol") for input that is not such ciphertext.
   */
  public static char[] decrypt(Key key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    byte[] plain = Bridge.access().useKey(key, k -> M2mauthNative.m2mauth_a2a_decrypt(k, value));
    CharBuffer cb = null;
    try {
      cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(plain));
      return Arrays.copyOfRange(cb.array(), cb.arrayOffset() + cb.position(), cb.arrayOffset() + cb.limit());
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("m2mauth: decrypted value is not UTF-8");
    } finally {
      if (cb != null) {
        Arrays.fill(cb.array(), '\0');
      }
      Secrets.wipe(plain);
    }
  }
}
