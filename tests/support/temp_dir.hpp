// Test support: a fresh private directory under /tmp (mkdtemp, mode 0700), removed with everything in
// it when the object goes. Header-only.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace m2mauth_test {

class TempDir {
 public:
  // prefix: the name's start, e.g. "m2mauth-cache" for /tmp/m2mauth-cache-XXXXXX.
  explicit TempDir(const std::string &prefix = "m2mauth-test") {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    if (::mkdtemp(&tmpl[0]) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  std::string path;
};

}  // namespace m2mauth_test
