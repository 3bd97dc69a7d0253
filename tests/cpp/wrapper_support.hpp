// Helpers of the C++ wrapper suite (tests/cpp): catching the wrapper's Error, reading an echo.
#pragma once

#include <cjson/cJSON.h>
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <string_view>

#include "m2mauth/m2mauth.hpp"

namespace cpptest {

// The Error f throws (fails the test when it throws nothing).
inline m2mauth::Error error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const m2mauth::Error &e) {
    return e;
  }
  FAIL("no m2mauth::Error was thrown");
  return m2mauth::Error(M2MAUTH_ERROR, "unreachable");
}

// A string member of a JSON document, by a dotted path ("headers.Authorization"); "" if absent.
inline std::string json_at(std::string_view json, const std::string &path) {
  cJSON *root = cJSON_ParseWithLength(json.data(), json.size());
  const cJSON *node = root;
  std::size_t start = 0;
  while (node != nullptr && start <= path.size()) {
    std::size_t dot = path.find('.', start);
    std::string name = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    node = cJSON_GetObjectItemCaseSensitive(node, name.c_str());
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::string out;
  if (cJSON_IsString(node)) out = node->valuestring;
  if (cJSON_IsNumber(node)) out = std::to_string(static_cast<long long>(node->valuedouble));
  cJSON_Delete(root);
  return out;
}

}  // namespace cpptest

#include "loopback.hpp"

namespace cpptest {

// oidc-provider ("oidc") and the fault server ("fault"), started once per test process.
inline m2mauth_test::Servers &servers() {
  static m2mauth_test::Servers instance({"oidc", "fault"});
  return instance;
}

// A transport for loopback servers with bounded waits.
inline m2mauth::Http loopback_http() {
  m2mauth::HttpOptions o;
  o.timeout_ms = 10000;
  o.connect_timeout_ms = 5000;
  return m2mauth::Http(o);
}

}  // namespace cpptest
