package io.m2mauth.bench;

import io.m2mauth.Algorithm;
import io.m2mauth.Jwt;
import io.m2mauth.Key;

/**
 * Per-call cost of signing a typical client-assertion JWT through the Java binding (not a test; surefire
 * skips this package). Compare with the C baseline printed by the Go benchmark (BenchmarkSign* /C).
 *
 * <pre>
 *   mvn -q test-compile ... (see bindings/README.md, "Benchmarks")
 *   java -cp CLASSES:TEST_CLASSES io.m2mauth.bench.SignBench [seconds-per-case]
 * </pre>
 * Each case warms up for the same time it then measures; single thread.
 */
public final class SignBench {
  static final String CLAIMS = "{\"iss\":\"m2mauth-client\",\"sub\":\"m2mauth-client\","
      + "\"aud\":\"https://as.example.com/token\",\"iat\":1700000000,\"exp\":1700000300,"
      + "\"jti\":\"4f1c2a9e-8d36-4a52-9d6e-0c8a9c3f7b21\"}";

  private static volatile int sink;

  private SignBench() {}

  static double nsPerCall(Key key, Algorithm alg, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < deadline) {
      sink += Jwt.encodeJson(CLAIMS, key, alg, null).length();
    }
    long n = 0;
    long start = System.nanoTime();
    deadline = start + (long) (seconds * 1e9);
    long now;
    do {
      for (int i = 0; i < 16; i++) {
        sink += Jwt.encodeJson(CLAIMS, key, alg, null).length();
      }
      n += 16;
      now = System.nanoTime();
    } while (now < deadline);
    return (double) (now - start) / n;
  }

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    try (Key hs = Key.generateHmac(32); Key rs = Key.generateRsa(2048)) {
      System.out.printf("HS256 Java, alg given     %10.0f ns/op%n", nsPerCall(hs, Algorithm.HS256, seconds));
      System.out.printf("HS256 Java, key's default %10.0f ns/op%n", nsPerCall(hs, null, seconds));
      System.out.printf("RS256 Java, alg given     %10.0f ns/op%n", nsPerCall(rs, Algorithm.RS256, seconds));
      System.out.printf("RS256 Java, key's default %10.0f ns/op%n", nsPerCall(rs, null, seconds));
    }
  }
}
