// m2mauth_version_compatible: the one rule every binding and the C++ wrapper use to accept the library.
// The library answers for itself (the loaded version); tests/core/version_rule_test.cpp checks the rule
// for any pair of versions, 1.x included.
#include "capi_support.hpp"

TEST_CASE("version rule: a table of cases for the loaded library") {
  const int loaded = m2mauth_version_number();
  REQUIRE(loaded == M2MAUTH_VERSION_NUMBER);
  const bool zero_major = loaded / 10000 == 0;
  const int base = loaded - loaded % 100;  // MAJOR.MINOR.0
  struct {
    int compiled;
    int compatible;
    const char *why;
  } cases[] = {
      {loaded, 1, "the same version"},
      {base, 1, "patch 0 of the same minor"},
      {base + 99, zero_major ? 1 : 0, "a later patch of the same minor (0.x: any patch; 1.x: not older)"},
      {base + 100, 0, "the next minor"},
      {base - 100, zero_major ? 0 : 1, "the previous minor (0.x: refused; 1.x: accepted)"},
      {loaded + 10000, 0, "the next major"},
      {loaded - 10000, 0, "the previous major"},
      {-1, 0, "a negative number"},
  };
  for (const auto &c : cases) {
    INFO(c.why << ": compiled " << c.compiled << ", loaded " << loaded);
    CHECK(m2mauth_version_compatible(c.compiled) == c.compatible);
  }
  CHECK(m2mauth_version_compatible(M2MAUTH_VERSION_NUMBER) == 1);
}
