package io.m2mauth.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: a started {@link TokenServer} (plain HTTP, opaque tokens) for each test that declares a
 * {@code TokenServer} parameter, closed after the test. junit-jupiter-api is an optional dependency of
 * m2mauth: this class is usable when the test classpath has it, as every JUnit 5 project does.
 *
 * <pre>{@code
 * @ExtendWith(TokenServerExtension.class)
 * class MyServiceTest {
 *   @Test
 *   void retriesOnce(TokenServer server) { server.addClient("svc", "s3cret"); ... }
 * }
 * }</pre>
 */
public final class TokenServerExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TokenServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TokenServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NS).getOrComputeIfAbsent("server", k -> TokenServer.start(), TokenServer.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TokenServer server = context.getStore(NS).remove("server", TokenServer.class);
    if (server != null) {
      server.close();
    }
  }
}
