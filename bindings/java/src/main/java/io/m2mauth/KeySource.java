package io.m2mauth;

import io.m2mauth.internal.KeySourceHandle;
import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.NativeResource;
import io.m2mauth.internal.Secrets;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * A rotating private key: read from a file (PEM or DER) or a {@code pkcs11:} URI, and read again by {@link #reload()}
 * (e.g. from a thread that handles a signal or a file watch) or, with a reload interval, on the first use after it.
 * Give it to {@link TokenClient.Builder#keySource(KeySource)}: each new client assertion is signed by the current
 * key, whose kid (its RFC 7638 thumbprint when the key has none) names it, so a rotation needs no restart. A failed
 * reload keeps the current key. Thread-safe; close it when done (clients given it keep their own reference).
 */
public final class KeySource implements AutoCloseable {
  private final NativeResource<KeySourceHandle> res;
  private final String location;

  private KeySource(KeySourceHandle handle, String location) {
    this.res = NativeResource.track(this, handle, KeySourceHandle::delete, "key source");
    this.location = location;
  }

  /** A source of the key file at path, reloaded by {@link #reload()} only; passphrase may be null (it is not kept). */
  public static KeySource ofFile(Path path, char[] passphrase) {
    return of(Objects.requireNonNull(path, "path").toString(), passphrase, Duration.ZERO);
  }

  /**
   * A source of location (a key file or a {@code pkcs11:} URI); secret is the file's passphrase or the token's PIN
   * (null: none; copied and wiped here, the caller wipes its array); reloadInterval zero: {@link #reload()} only.
   * The key is loaded now: the loaders' exceptions, {@link KeyTypeException} ("no_private_key") for a public key.
   */
  public static KeySource of(String location, char[] secret, Duration reloadInterval) {
    Objects.requireNonNull(location, "location");
    long ms = Objects.requireNonNull(reloadInterval, "reloadInterval").toMillis();
    if (ms < 0) {
      throw new IllegalArgumentException("reloadInterval must not be negative");
    }
    if (ms == 0 && !reloadInterval.isZero()) {
      ms = 1;
    }
    byte[] s = Secrets.utf8(secret);
    try {
      return new KeySource(M2mauthNative.m2mauth_key_source_new(location, s, ms), location);
    } finally {
      Secrets.wipe(s);
    }
  }

  /** Loads the key again now; on failure (the loader's exception) the source keeps its current key. */
  public void reload() {
    use(h -> {
      M2mauthNative.m2mauth_key_source_reload(h);
      return null;
    });
  }

  /** The current key (reloaded first when the interval has passed); the caller closes it. */
  public Key current() {
    return use(h -> new Key(M2mauthNative.m2mauth_key_source_current(h)));
  }

  /** The file or URI the key is read from. */
  public String location() {
    return location;
  }

  @Override
  public void close() {
    res.close();
  }

  @Override
  public String toString() {
    return res.isClosed() ? "KeySource[closed]" : "KeySource[" + location + "]";
  }

  <T> T use(Function<KeySourceHandle, T> f) {
    KeySourceHandle h = res.acquire();
    try {
      return f.apply(h);
    } finally {
      res.release();
      Reference.reachabilityFence(this);
    }
  }
}
