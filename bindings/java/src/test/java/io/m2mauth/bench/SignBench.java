package io.m2mauth.bench;

import io.m2mauth.Algorithm;
import io.m2mauth.Header;
import io.m2mauth.Jwt;
import io.m2mauth.Key;
import io.m2mauth.M2mauth;

/**
 * Per-call cost of signing a typical client-assertion JWT through the Java binding (not a test; surefire
 * skips this package). Compare with the C baseline of the Go benchmark (TestSignOverhead, "C").
 *
 * <pre>
 *   java -cp CLASSES:TEST_CLASSES io.m2mauth.bench.SignBench [seconds]   (bindings/README.md, "Benchmarks")
 * </pre>
 * After a warm-up, short rounds of each case alternate for the given time and each case keeps its
 * fastest round, which holds up on a machine shared with other work. Single thread.
 */
public final class SignBench {
  static final String CLAIMS = "{\"iss\":\"m2mauth-client\",\"sub\":\"m2mauth-client\","
      + "\"aud\":\"https://as.example.com/token\",\"iat\":1700000000,\"exp\":1700000300,"
      + "\"jti\":\"4f1c2a9e-8d36-4a52-9d6e-0c8a9c3f7b21\"}";
  static final Header WITH_KID = Header.builder().keyId("k1").build();

  private static volatile long sink;

  private SignBench() {}

  interface Case {
    void run();
  }

  static double round(Case c, int n) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      c.run();
    }
    return (double) (System.nanoTime() - start) / n;
  }

  static void measure(String title, double seconds, int n, String[] names, Case[] cases) {
    double[] best = new double[cases.length];
    java.util.Arrays.fill(best, Double.MAX_VALUE);
    for (int w = 0; w < 3; w++) {
      for (Case c : cases) {
        round(c, n);
      }
    }
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < cases.length; i++) {
        best[i] = Math.min(best[i], round(cases[i], n));
      }
    }
    for (int i = 0; i < cases.length; i++) {
      System.out.printf("%s %-28s %12.0f ns/op%n", title, names[i], best[i]);
    }
  }

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    measure("JNI", seconds / 4, 20000, new String[] {"m2mauth_version_number()"},
        new Case[] {() -> sink += M2mauth.versionNumber()});
    try (Key hs = Key.generateHmac(32); Key rs = Key.generateRsa(2048)) {
      measure("HS256", seconds, 2000, new String[] {"Jwt.encodeJson, alg given", "with a header option"},
          new Case[] {
            () -> sink += Jwt.encodeJson(CLAIMS, hs, Algorithm.HS256, null).length(),
            () -> sink += Jwt.encodeJson(CLAIMS, hs, Algorithm.HS256, WITH_KID).length()});
      measure("RS256", seconds, 20, new String[] {"Jwt.encodeJson, alg given", "with a header option"},
          new Case[] {
            () -> sink += Jwt.encodeJson(CLAIMS, rs, Algorithm.RS256, null).length(),
            () -> sink += Jwt.encodeJson(CLAIMS, rs, Algorithm.RS256, WITH_KID).length()});
    }
  }
}
