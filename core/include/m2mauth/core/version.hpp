// The version rule: which library a program built against another version may use.
#pragma once

namespace m2mauth::core {

// Versions are numbers MAJOR * 10000 + MINOR * 100 + PATCH. A program built against `compiled` may use
// the `loaded` library when, while the major is 0, major and minor match (any patch: 0.x releases may
// break between minors); from 1.0 on, the majors match and the loaded library is not older.
constexpr bool version_compatible(int compiled, int loaded) noexcept {
  if (compiled < 0 || loaded < 0) return false;
  const int compiled_major = compiled / 10000, loaded_major = loaded / 10000;
  if (compiled_major != loaded_major) return false;
  if (loaded_major == 0) return compiled / 100 == loaded / 100;
  return loaded >= compiled;
}

}  // namespace m2mauth::core
