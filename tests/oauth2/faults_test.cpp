// Every fault of the fault-injecting token server ends in the documented behaviour, with no secret in
// any message.
#include <doctest/doctest.h>

#include <chrono>

#include "oauth2_support.hpp"

using namespace m2mauth_test;
using namespace m2mauth::core;

namespace {

struct FaultFixture {
  ServerInfo fault = fresh_fault_server();
  std::shared_ptr<Transport> transport = loopback_transport();
  std::string secret = client_field("svc-basic", "client_secret");

  void script(const std::string &steps) { control(fault.str("control_url") + "/script", "POST", steps); }

  std::int64_t default_expires_in_s = 3600;

  Token fetch(std::int64_t timeout_ms = 10000) {
    ClientConfig cfg = client_config("svc-basic", fault.str("token_endpoint"));
    cfg.default_expires_in_s = default_expires_in_s;
    TokenClient client(cfg, transport);
    CallOptions opts;
    opts.timeout_ms = timeout_ms;
    return client.fetch(nullptr, opts);
  }

  Error failure(const std::string &steps, std::int64_t timeout_ms = 10000) {
    script(steps);
    try {
      fetch(timeout_ms);
    } catch (const Error &e) {
      CHECK(std::string(e.what()).find(secret) == std::string::npos);
      return e;
    }
    FAIL("expected an error for " << steps);
    return Error(Errc::generic, "unreachable");
  }
};

}  // namespace

TEST_CASE_FIXTURE(FaultFixture, "5xx, 429 and temporarily_unavailable are transient; Retry-After is read") {
  Error e500 = failure(R"([{"status":500}])");
  CHECK(e500.code() == Errc::http);
  CHECK(e500.transient());
  CHECK(e500.detail().http_status == 500);

  Error e503 = failure(R"([{"status":503,"retry_after":2}])");
  CHECK(e503.transient());
  CHECK(e503.detail().retry_after_ms == 2000);

  Error e429 = failure(R"([{"status":429,"retry_after":1}])");
  CHECK(e429.transient());
  CHECK(e429.detail().retry_after_ms == 1000);

  Error tu = failure(R"([{"error":"temporarily_unavailable","status":503}])");
  CHECK(tu.code() == Errc::oauth);
  CHECK(tu.detail().oauth_error == "temporarily_unavailable");
  CHECK(tu.transient());
}

TEST_CASE_FIXTURE(FaultFixture, "invalid_client is permanent and carries the RFC 6749 5.2 fields") {
  Error e = failure(R"([{"error":"invalid_client","status":401}])");
  CHECK(e.code() == Errc::oauth);
  CHECK(e.detail().oauth_error == "invalid_client");
  CHECK(e.detail().http_status == 401);
  CHECK_FALSE(e.transient());
}

TEST_CASE_FIXTURE(FaultFixture, "slow and hanging servers end in a timeout within the bound") {
  auto start = std::chrono::steady_clock::now();
  Error slow = failure(R"([{"delay_ms":3000}])", 800);
  CHECK(slow.code() == Errc::timeout);
  CHECK(slow.transient());
  Error hang = failure(R"([{"hang":true,"max_s":5}])", 800);
  CHECK(hang.code() == Errc::timeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
}

TEST_CASE_FIXTURE(FaultFixture, "a connection reset is a transient network error") {
  Error e = failure(R"([{"reset":true}])");
  CHECK(e.code() == Errc::network);
  CHECK(e.transient());
}

TEST_CASE_FIXTURE(FaultFixture, "malformed JSON, HTML pages and huge bodies are clear errors") {
  Error bad = failure(R"([{"body":"not json","content_type":"application/json"}])");
  CHECK(bad.code() == Errc::protocol);
  Error html = failure(R"([{"html":true,"status":502}])");
  CHECK(html.code() == Errc::http);
  CHECK(html.transient());
  CHECK(std::string(html.what()).find("HTML") != std::string::npos);
  Error huge = failure(R"([{"huge_bytes":3000000}])");
  CHECK(huge.code() == Errc::too_large);
}

TEST_CASE_FIXTURE(FaultFixture, "redirects are not followed") {
  Error e = failure(R"([{"status":302,"location":"http://127.0.0.1:1/"}])");
  CHECK(e.code() == Errc::http);
  CHECK(e.detail().http_status == 302);
  CHECK_FALSE(e.transient());
}

TEST_CASE_FIXTURE(FaultFixture, "expires_in as a string or missing; token_type compared case-insensitively") {
  script(R"([{"expires_in":"3600"},{"expires_in":null},{"token_type":"bearer"}])");
  Token a = fetch();
  CHECK(a.expires_at_ms - a.issued_at_ms == 3600 * 1000);
  default_expires_in_s = 1234;
  Token b = fetch();
  CHECK(b.expires_at_ms - b.issued_at_ms == 1234 * 1000);  // the configured default
  Token c = fetch();
  CHECK(c.token_type == "bearer");
  CHECK(c.authorization_scheme() == "Bearer");
}
