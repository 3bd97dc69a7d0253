package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import io.m2mauth.internal.M2mauthNativeConstants;
import io.m2mauth.internal.NativeLoader;

/** Library information and small utilities. */
public final class M2mauth {
  private M2mauth() {}

  /** The loaded native library's version, "MAJOR.MINOR.PATCH". */
  public static String version() {
    return M2mauthNative.m2mauth_version_string();
  }

  /** MAJOR * 10000 + MINOR * 100 + PATCH of the loaded native library. */
  public static int versionNumber() {
    return M2mauthNative.m2mauth_version_number();
  }

  /** The version of the C headers this binding was generated from. */
  public static int bindingVersionNumber() {
    return M2mauthNativeConstants.M2MAUTH_VERSION_NUMBER;
  }

  /** OpenSSL and libcurl versions the native library runs with. */
  public static String versionDetails() {
    return M2mauthNative.m2mauth_version_details();
  }

  /** Where the native library was loaded from. */
  public static String nativeOrigin() {
    versionNumber();
    return NativeLoader.origin();
  }

  /** n random bytes from the OS CSPRNG. */
  public static byte[] randomBytes(int n) {
    return M2mauthNative.m2mauth_util_random_bytes(n);
  }

  /** Constant-time comparison (time depends only on the lengths). */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    return M2mauthNative.m2mauth_util_constant_time_equal(a, b) != 0;
  }
}
