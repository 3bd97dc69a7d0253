// Core helpers of the configuration suite.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "config_servers.hpp"
#include "m2mauth/core/config.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"

namespace m2mauth_test {

using namespace m2mauth::core;

// A configuration from JSON text and an injected environment (the process environment is not read).
inline Config load(const std::string &json, const Environment &env = {}, bool use_env = true) {
  ConfigSource s;
  s.json = json;
  s.env = &env;
  s.use_env = use_env;
  return Config::load(s);
}

inline Config load_env(const Environment &env) {
  ConfigSource s;
  s.env = &env;
  return Config::load(s);
}

inline Error error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e;
  }
  FAIL("expected an m2mauth Error");
  return Error(Errc::ok, "");
}

// The message of the configuration error f throws (code checked).
inline std::string config_error(const std::function<void()> &f, Errc code = Errc::config) {
  Error e = error_of(f);
  CHECK(e.code() == code);
  return e.what();
}

inline bool contains(const std::string &hay, const std::string &needle) { return hay.find(needle) != std::string::npos; }

}  // namespace m2mauth_test

namespace m2mauth_test {
// describe()'s "_sources.file" is path.
inline bool describe_contains_sources(const std::string &describe, const std::string &path) {
  cJSON *root = cJSON_Parse(describe.c_str());
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "_sources"), "file");
  bool ok = cJSON_IsString(f) && path == f->valuestring;
  cJSON_Delete(root);
  return ok;
}
}  // namespace m2mauth_test
