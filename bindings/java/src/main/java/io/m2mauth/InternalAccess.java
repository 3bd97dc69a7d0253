package io.m2mauth;

import io.m2mauth.internal.Bridge;
import io.m2mauth.internal.CertHandle;
import io.m2mauth.internal.ConfigHandle;
import io.m2mauth.internal.HttpHandle;
import io.m2mauth.internal.KeyHandle;
import io.m2mauth.internal.TokenManagerOptionsStruct;
import java.util.Objects;
import java.util.function.Function;

/** The handle access of {@link Bridge}, registered when this class is initialized. */
final class InternalAccess implements Bridge.Access {
  static {
    Bridge.register(new InternalAccess());
  }

  private InternalAccess() {}

  @Override
  public <T> T useHttp(Http http, Function<HttpHandle, T> f) {
    return Objects.requireNonNull(http, "http").use(f);
  }

  @Override
  public <T> T useKey(Key key, Function<KeyHandle, T> f) {
    return Objects.requireNonNull(key, "key").use(f);
  }

  @Override
  public <T> T useCertificate(Certificate certificate, Function<CertHandle, T> f) {
    return Objects.requireNonNull(certificate, "certificate").use(f);
  }

  @Override
  public <T> T useConfig(Config config, Function<ConfigHandle, T> f) {
    return Objects.requireNonNull(config, "config").use(f);
  }

  @Override
  public TokenManagerOptionsStruct managerOptions(ManagerOptions options) {
    return (options == null ? ManagerOptions.defaults() : options).toNative();
  }

  @Override
  public <T> T withCallOptions(CallOptions options, Bridge.CallBounds<T> f) {
    return CallOptions.orNone(options).run(f::call);
  }
}
