// The test double's admin interface (m2mauth_test_server_options.admin_token, version 2) through the C API and
// raw HTTP on 127.0.0.1: off without a token (the plain 404 of an unknown path), 401 for every wrong, absent or
// doubled token without echoing it, the knobs driving the server (the library's token client sees them), admin
// requests neither counted nor failed nor stalled, and hostile bodies answered with typed errors and not applied.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_server_support.hpp"

using capi::Buf;
using namespace test_server_support;

namespace {

const char *kAdmin = "admin-token-0123456789abcdef";

struct AdminServer {
  m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
  std::unique_ptr<Server> server;
  int port = 0;
  explicit AdminServer(const char *token = kAdmin) {
    o.admin_token = token;
    server = std::make_unique<Server>(&o);
    server->add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
    server->start();
    port = server->port();
  }
};

// One admin request with these header lines (each ending in \r\n).
std::string call(int port, const std::string &method, const std::string &path, const std::string &body,
                 const std::string &headers) {
  return raw_exchange(port, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n" + headers + "\r\n" + body);
}

std::string bearer(const std::string &token) { return "Authorization: Bearer " + token + "\r\n"; }

std::string admin(int port, const std::string &method, const std::string &action, const std::string &body = {}) {
  return call(port, method, "/_admin/" + action, body,
              bearer(kAdmin) + (body.empty() ? "" : "Content-Type: application/json\r\n"));
}

std::string error_of(const std::string &response) {
  std::string body = body_of(response);
  std::size_t p = body.find("\"error\":\"");
  if (p == std::string::npos) return {};
  p += 9;
  return body.substr(p, body.find('"', p) - p);
}

}  // namespace

TEST_CASE("test server admin: without an admin token /_admin/ is an unknown path like any other") {
  Server server;
  server.start();
  const int port = server.port();
  const std::string unknown = raw_exchange(port, "GET /no-such-path HTTP/1.1\r\n\r\n");
  for (const std::string &headers : {std::string(), bearer(kAdmin), bearer("")}) {
    std::string r = call(port, "GET", "/_admin/counters", "", headers);
    CHECK(status_of(r) == 404);
    CHECK(body_of(r) == body_of(unknown));
    CHECK(r.find("admin") == std::string::npos);
  }
  CHECK(status_of(call(port, "POST", "/_admin/fail_next", "{\"count\":1}", bearer(kAdmin))) == 404);
  CHECK(server.count("other") == 5);
  CHECK(server.count(nullptr) == 5);
}

TEST_CASE("test server admin: a wrong, absent, doubled or mis-schemed admin token is 401 and never echoed") {
  AdminServer a;
  const std::string token = kAdmin;
  std::string last = token;
  last.back() = last.back() == 'f' ? 'e' : 'f';
  const std::vector<std::string> refused = {
      "",                                           // none
      bearer(last),                                 // the last character differs
      bearer(token.substr(0, token.size() - 1)),    // a prefix
      bearer(token + "x"),                          // longer
      bearer(" " + token),                          // a space more
      "Authorization: Basic " + token + "\r\n",     // another scheme
      "Authorization: " + token + "\r\n",           // no scheme
      "Authorization: Bearer\r\n",                  // no token
      bearer(token) + bearer(token),                // sent twice
  };
  for (const auto &headers : refused) {
    for (const char *action : {"counters", "revoke_all", "nope"}) {
      CAPTURE(headers);
      std::string r = call(a.port, std::string(action) == "counters" ? "GET" : "POST", std::string("/_admin/") + action, "",
                           headers);
      CHECK(status_of(r) == 401);
      CHECK(error_of(r) == "unauthorized");
      CHECK(r.find("WWW-Authenticate: Bearer") != std::string::npos);
      CHECK(r.find(token.substr(0, 12)) == std::string::npos);
    }
  }
  // The scheme is case-insensitive (RFC 7235 section 2.1); the token is not.
  CHECK(status_of(call(a.port, "GET", "/_admin/counters", "", "authorization: bEaReR " + token + "\r\n")) == 200);
  std::string upper = token;
  for (char &c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  CHECK(status_of(call(a.port, "GET", "/_admin/counters", "", bearer(upper))) == 401);
  // A path that only starts like the prefix is no admin path.
  CHECK(status_of(call(a.port, "GET", "/_adminx/counters", "", bearer(token))) == 404);
  CHECK(status_of(call(a.port, "GET", "/_admin", "", bearer(token))) == 404);
  CHECK(error_of(call(a.port, "GET", "/_admin", "", bearer(token))) == "not_found");
  CHECK(a.server->count(nullptr) == 1);  // /_adminx/counters only: admin requests are not counted
}

TEST_CASE("test server admin: fail_next, stall, lifetime, revoke_all and counters drive the server") {
  AdminServer a;
  Http http;
  TokenClient client(a.server->url() + "/token", "svc", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));

  std::string r = admin(a.port, "POST", "fail_next", "{\"count\":2,\"status\":503,\"error\":\"temporarily_unavailable\",\"retry_after\":3}");
  CHECK(status_of(r) == 200);
  CHECK(body_of(r) == "{\"ok\":true}");
  CHECK(client.fetch() == M2MAUTH_EOAUTH);
  CHECK(m2mauth_error_last()->http_status == 503);
  CHECK(std::string(m2mauth_error_last()->oauth_error) == "temporarily_unavailable");
  CHECK(m2mauth_error_last()->retry_after_ms == 3000);
  // The second failure is still pending: an admin request in between neither uses it nor is failed.
  CHECK(status_of(admin(a.port, "GET", "counters")) == 200);
  std::string injected = post(a.port, "/token", "grant_type=client_credentials", "");
  CHECK(status_of(injected) == 503);
  std::string token;
  REQUIRE(client.fetch(&token) == M2MAUTH_OK);

  // fail_next without an error: a plain status, no Retry-After; count defaults to 1.
  CHECK(status_of(admin(a.port, "POST", "fail_next", "{\"status\":500,\"error\":null,\"retry_after\":null}")) == 200);
  std::string plain = post(a.port, "/token", "grant_type=client_credentials", "");
  CHECK(status_of(plain) == 500);
  CHECK(plain.find("Retry-After") == std::string::npos);
  CHECK(status_of(admin(a.port, "POST", "fail_next", "{\"count\":0}")) == 200);  // nothing pending

  // revoke_all with no body: the token is inactive.
  CHECK(status_of(admin(a.port, "POST", "revoke_all")) == 200);
  std::string introspected = post(a.port, "/introspect", "token=" + token, basic_auth_header("svc", kSecret));
  CHECK(body_of(introspected) == "{\"active\":false}");

  // lifetime: expires_in of tokens issued from now on.
  CHECK(status_of(admin(a.port, "POST", "lifetime", "{\"seconds\":7}")) == 200);
  m2mauth_token *t = nullptr;
  REQUIRE_OK(m2mauth_token_client_fetch(&t, client.c));
  CHECK(m2mauth_token_expires_at(t) - m2mauth_token_issued_at(t) <= 7000);  // ms
  CHECK(m2mauth_token_expires_at(t) - m2mauth_token_issued_at(t) >= 6000);
  m2mauth_token_free(t);

  // stall: the next token request waits; admin requests meanwhile are answered at once.
  CHECK(status_of(admin(a.port, "POST", "stall", "{\"ms\":800}")) == 200);
  const auto started = std::chrono::steady_clock::now();
  std::thread stalled([&] { CHECK(status_of(post(a.port, "/token", "grant_type=client_credentials", "")) == 401); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto before = std::chrono::steady_clock::now();
  std::string counters = body_of(admin(a.port, "GET", "counters"));
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds(500));
  stalled.join();
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(750));

  // Every counter; admin requests in none of them. Token requests: 1 failed for the client, 1 raw failed, 1
  // good, 1 plain failure, 1 with lifetime 7, 1 stalled (no credentials: 401) = 6; 1 introspection.
  counters = body_of(admin(a.port, "GET", "counters"));
  CHECK(counters.find("{\"requests\":7,") == 0);
  CHECK(counters.find("\"token\":6") != std::string::npos);
  CHECK(counters.find("\"failed\":3") != std::string::npos);
  CHECK(counters.find("\"introspection\":1") != std::string::npos);
  CHECK(counters.find("\"grant:client_credentials\":2") != std::string::npos);
  CHECK(counters.find("\"other\":0") != std::string::npos);
  CHECK(counters.find("\"dpop_refused\":0") != std::string::npos);
  CHECK(a.server->count(nullptr) == 7);
  CHECK(a.server->count("token") == 6);
  // Methods: counters is GET only, the rest POST only.
  r = admin(a.port, "POST", "counters");
  CHECK(status_of(r) == 405);
  CHECK(r.find("Allow: GET") != std::string::npos);
  r = admin(a.port, "GET", "stall");
  CHECK(status_of(r) == 405);
  CHECK(r.find("Allow: POST") != std::string::npos);
}

TEST_CASE("test server admin: hostile bodies get typed errors and change nothing") {
  AdminServer a;
  struct Case {
    const char *action;
    std::string body;
    int status;
    const char *error;
  };
  const std::vector<Case> cases = {
      {"fail_next", "{\"count\":\"1\"}", 400, "invalid_type"},
      {"fail_next", "{\"count\":true}", 400, "invalid_type"},
      {"fail_next", "{\"count\":1.5}", 400, "invalid_type"},
      {"fail_next", "{\"count\":null}", 400, "invalid_type"},
      {"fail_next", "{\"count\":-1}", 400, "out_of_range"},
      {"fail_next", "{\"count\":1000001}", 400, "out_of_range"},
      {"fail_next", "{\"count\":4294967297}", 400, "out_of_range"},  // 2^32 + 1: no wrap to 1
      {"fail_next", "{\"count\":1e400}", 400, "out_of_range"},
      {"fail_next", "{\"count\":-1e400}", 400, "out_of_range"},
      {"fail_next", "{\"status\":200}", 400, "out_of_range"},
      {"fail_next", "{\"status\":600}", 400, "out_of_range"},
      {"fail_next", "{\"retry_after\":-1}", 400, "out_of_range"},
      {"fail_next", "{\"retry_after\":86401}", 400, "out_of_range"},
      {"fail_next", "{\"error\":5}", 400, "invalid_type"},
      {"fail_next", "{\"error\":[\"x\"]}", 400, "invalid_type"},
      {"fail_next", "{\"error\":\"a\\\"b\"}", 400, "out_of_range"},
      {"fail_next", "{\"error\":\"a\\nb\"}", 400, "out_of_range"},
      {"fail_next", "{\"error\":\"\\u00e9\"}", 400, "out_of_range"},
      {"fail_next", "{\"error\":\"" + std::string(129, 'x') + "\"}", 400, "out_of_range"},
      {"fail_next", "{\"error\":\"a\\u0000b\"}", 400, "invalid_json"},
      {"fail_next", std::string("{\"error\":\"a") + '\0' + "b\"}", 400, "invalid_json"},
      {"fail_next", "{\"count\":1,\"count\":2}", 400, "invalid_json"},
      {"fail_next", "{\"count\":1,\"Count\":2}", 400, "unknown_member"},
      {"fail_next", "{\"count\":1,\"ms\":2}", 400, "unknown_member"},
      {"fail_next", "{\"count\":1}x", 400, "invalid_json"},
      {"fail_next", "{\"count\":1", 400, "invalid_json"},
      {"fail_next", "[1]", 400, "invalid_json"},
      {"fail_next", "1", 400, "invalid_json"},
      {"fail_next", "\xff\xfe", 400, "invalid_json"},
      {"fail_next", "{\"count\":" + std::string(3000, '9') + "}", 400, "out_of_range"},
      {"fail_next", "{\"error\":\"" + std::string(5000, 'x') + "\"}", 413, "too_large"},
      {"stall", "{\"count\":1}", 400, "invalid_type"},  // ms is required
      {"stall", "{\"ms\":-1}", 400, "out_of_range"},
      {"stall", "{\"ms\":600001}", 400, "out_of_range"},
      {"stall", "{\"ms\":9223372036854775807}", 400, "out_of_range"},
      {"stall", "{\"ms\":\"100\"}", 400, "invalid_type"},
      {"lifetime", "{}", 400, "invalid_type"},
      {"lifetime", "{\"seconds\":0}", 400, "out_of_range"},
      {"lifetime", "{\"seconds\":315360001}", 400, "out_of_range"},
      {"revoke_all", "{\"all\":true}", 400, "unknown_member"},
      {"revoke_all", "null", 400, "invalid_json"},
  };
  for (const auto &c : cases) {
    CAPTURE(c.action);
    CAPTURE(c.body);
    std::string r = admin(a.port, "POST", c.action, c.body);
    CHECK(status_of(r) == c.status);
    CHECK(error_of(r) == c.error);
    if (c.body.size() > 4) CHECK(body_of(r).find(c.body.substr(1, c.body.size() - 2)) == std::string::npos);
  }
  // A body that is not application/json.
  std::string r = call(a.port, "POST", "/_admin/fail_next", "{\"count\":1}",
                       bearer(kAdmin) + "Content-Type: application/x-www-form-urlencoded\r\n");
  CHECK(status_of(r) == 415);
  CHECK(error_of(r) == "unsupported_media_type");
  CHECK(status_of(call(a.port, "POST", "/_admin/fail_next", "{\"count\":1}", bearer(kAdmin))) == 415);
  // A body over the server's own cap is refused by its reader (counted as rejected, as any request).
  std::string huge(70000, ' ');
  CHECK(status_of(admin(a.port, "POST", "fail_next", huge)) == 413);
  // Still serving, nothing injected: a token request succeeds at once.
  const auto before = std::chrono::steady_clock::now();
  Http http;
  TokenClient client(a.server->url() + "/token", "svc", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));
  CHECK(client.fetch() == M2MAUTH_OK);
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds(2000));
  CHECK(a.server->count("failed") == 0);
  CHECK(a.server->count("token") == 1);
  CHECK(a.server->count("rejected") == 1);
}
