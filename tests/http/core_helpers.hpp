// Helpers of the core transport tests.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/http.hpp"
#include "support.hpp"

namespace http_test {

using namespace m2mauth::core;

inline Request make_request(std::string method, std::string url, std::string body = {}) {
  Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.body = std::move(body);
  return r;
}

inline Response get(Transport &t, const std::string &url, const CallOptions &options = {}) {
  return t.send(make_request("GET", url), options);
}

// A config that trusts the test CA (and only it).
inline HttpConfig tls_config() {
  HttpConfig c;
  c.ca_file = Pki::get().ca();
  c.timeout_ms = 10000;
  return c;
}

// Runs fn, which must throw Error; returns it.
inline Error error_of(const std::function<void()> &fn) {
  try {
    fn();
  } catch (const Error &e) {
    return e;
  }
  FAIL("no m2mauth Error was thrown");
  return Error(Errc::ok, "");
}

inline long long stat(Transport &t, const Server &s, const char *field) {
  return Json(get(t, s.url() + "/stats").body).num(field);
}

}  // namespace http_test
