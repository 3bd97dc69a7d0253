// The version rule for any pair of versions (the C API answers only for the loaded library).
#include <doctest/doctest.h>

#include "m2mauth/core/version.hpp"

using m2mauth::core::version_compatible;

// The rule is constexpr: the wrapper and the C layer cannot disagree with it.
static_assert(version_compatible(100, 100));
static_assert(!version_compatible(200, 100));

TEST_CASE("version rule: 0.x needs the same minor (any patch), 1.x the same major and not older") {
  struct {
    int compiled, loaded;
    bool compatible;
  } cases[] = {
      {100, 100, true},       // 0.1.0 on 0.1.0
      {100, 105, true},       // 0.1.0 on 0.1.5: any patch
      {105, 100, true},       // 0.1.5 on 0.1.0: any patch, older too
      {100, 200, false},      // 0.1.0 on 0.2.0: 0.x minors may break
      {200, 100, false},      // 0.2.0 on 0.1.0
      {9999, 10000, false},   // 0.99.99 on 1.0.0
      {10000, 10000, true},   // 1.0.0 on 1.0.0
      {10000, 10305, true},   // 1.0.0 on 1.3.5: newer is fine
      {10305, 10304, false},  // 1.3.5 on 1.3.4: older is not
      {10305, 10200, false},  // 1.3.5 on 1.2.0
      {10000, 20000, false},  // 1.0.0 on 2.0.0: another major
      {20000, 10000, false},  // 2.0.0 on 1.0.0
      {-1, 100, false},       // nonsense
      {100, -1, false},
  };
  for (const auto &c : cases) {
    INFO("compiled " << c.compiled << ", loaded " << c.loaded);
    CHECK(version_compatible(c.compiled, c.loaded) == c.compatible);
  }
}
