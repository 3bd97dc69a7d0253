// HTTP/2: the transport offers h2 by ALPN on https:// (CURL_HTTP_VERSION_2TLS) and uses it when the
// server agrees, against tests/http/h2_server.py (the `h2` protocol library over Python's ssl).
#include <vector>

#include "core_helpers.hpp"

using namespace http_test;

TEST_CASE("HTTP/2 is negotiated over TLS and one connection carries the requests as streams") {
  Server srv = h2_server();
  auto t = make_curl_transport(tls_config());
  std::vector<long long> streams;
  for (int i = 0; i < 3; ++i) {
    Request req = make_request("GET", srv.url() + "/v1/accounts?i=" + std::to_string(i));
    req.set_header("Authorization", "Bearer not-a-real-token");
    Response resp = t->send(req, {});
    REQUIRE(resp.status == 200);
    const std::string *type = resp.header("Content-Type");  // sent as "content-type": names are case-blind
    REQUIRE(type != nullptr);
    CHECK(*type == "application/json");
    Json body(resp.body);
    CHECK(body.str("http_version") == "2");
    CHECK(body.str("method") == "GET");
    CHECK(body.str("path") == "/v1/accounts?i=" + std::to_string(i));
    CHECK(body.str("authorization_scheme") == "Bearer");
    CHECK(body.num("connection") == 1);  // kept alive: every request on the first connection
    streams.push_back(body.num("stream"));
  }
  CHECK(streams == std::vector<long long>{1, 3, 5});
}

TEST_CASE("HTTP/2: a POST body arrives and the response is read whole") {
  Server srv = h2_server();
  auto t = make_curl_transport(tls_config());
  Request req = make_request("POST", srv.url() + "/token", "grant_type=client_credentials&scope=a+b");
  req.set_header("Content-Type", "application/x-www-form-urlencoded");
  Response resp = t->send(req, {});
  REQUIRE(resp.status == 200);
  Json body(resp.body);
  CHECK(body.str("http_version") == "2");
  CHECK(body.str("method") == "POST");
  CHECK(body.str("body") == "grant_type=client_credentials&scope=a+b");
}
