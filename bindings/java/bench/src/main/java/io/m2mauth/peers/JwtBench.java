package io.m2mauth.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JWT sign and verify per call: m2mauth against nimbus-jose-jwt, jjwt and auth0 java-jwt, same claims,
 * same keys. Method names are {@code <op>_<contender>}; peers.sh turns JMH's results into ratios.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JwtBench {

  /** The algorithms every contender but auth0 has. */
  @State(Scope.Benchmark)
  public static class All {
    @Param({"HS256", "RS256", "ES256", "EdDSA"})
    public String alg;

    Fixture.Contender m2mauth, nimbus, jjwt;
    String token;

    @Setup
    public void setup() {
      m2mauth = new M2mauthContender(alg);
      nimbus = new NimbusContender(alg);
      jjwt = new JjwtContender(alg);
      token = m2mauth.sign();
      crossCheck(List.of(m2mauth, nimbus, jjwt));
    }
  }

  /** auth0 java-jwt has no EdDSA. */
  @State(Scope.Benchmark)
  public static class Auth0 {
    @Param({"HS256", "RS256", "ES256"})
    public String alg;

    Fixture.Contender auth0;
    String token;

    @Setup
    public void setup() {
      Fixture.Contender m2mauth = new M2mauthContender(alg);
      auth0 = new Auth0Contender(alg);
      token = m2mauth.sign();
      crossCheck(List.of(m2mauth, auth0));
    }
  }

  /** Every contender verifies every other's token before anything is timed. */
  static void crossCheck(List<Fixture.Contender> contenders) {
    List<String> tokens = new ArrayList<>();
    for (Fixture.Contender c : contenders) tokens.add(c.sign());
    for (Fixture.Contender c : contenders)
      for (String t : tokens) c.verify(t);
  }

  @Benchmark public String sign_m2mauth(All s) { return s.m2mauth.sign(); }
  @Benchmark public String sign_nimbus(All s) { return s.nimbus.sign(); }
  @Benchmark public String sign_jjwt(All s) { return s.jjwt.sign(); }
  @Benchmark public String sign_auth0(Auth0 s) { return s.auth0.sign(); }
  @Benchmark public Object verify_m2mauth(All s) { return s.m2mauth.verify(s.token); }
  @Benchmark public Object verify_nimbus(All s) { return s.nimbus.verify(s.token); }
  @Benchmark public Object verify_jjwt(All s) { return s.jjwt.verify(s.token); }
  @Benchmark public Object verify_auth0(Auth0 s) { return s.auth0.verify(s.token); }
}
