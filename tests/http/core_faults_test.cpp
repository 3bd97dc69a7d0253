// Refusals and failures: insecure URLs, redirects, timeouts, resets, size limits, cancellation.
#include <atomic>
#include <thread>

#include "core_helpers.hpp"

using namespace http_test;
using Clock = std::chrono::steady_clock;

namespace {
// Queues fault_server.py steps; each POST /token consumes one.
void script(Transport &t, const Server &srv, const std::string &steps) {
  Request r = make_request("POST", srv.url() + "/_control/script", steps);
  r.set_header("Content-Type", "application/json");
  REQUIRE(t.send(r).status == 200);
}

// A token request; with authenticate, as svc-post of tests/servers/clients.json (client_secret_post).
Response token_request(Transport &t, const Server &srv, const CallOptions &options = {}, bool authenticate = false) {
  std::string form = "grant_type=client_credentials";
  if (authenticate) {
    form += "&client_id=svc-post&client_secret=" + client_secret("svc-post");
  }
  Request r = make_request("POST", srv.url() + "/token", form);
  r.set_header("Content-Type", "application/x-www-form-urlencoded");
  return t.send(r, options);
}
}  // namespace

TEST_CASE("plain http to a host that is not loopback is refused before any connection") {
  auto t = make_curl_transport({});
  for (const char *url : {"http://example.invalid/", "http://10.1.2.3:8080/x?oauth_token=s3cr3t", "http://[2001:db8::1]/",
                          "http://127.example.com/", "HTTP://EXAMPLE.INVALID/"}) {
    CAPTURE(url);
    auto start = Clock::now();
    Error e = error_of([&] { get(*t, url); });
    CHECK(e.code() == Errc::insecure);
    CHECK_FALSE(e.transient());
    CHECK(std::string(e.what()).find("s3cr3t") == std::string::npos);
    CHECK(seconds_since(start) < 0.5);
  }
  // Loopback names are not refused (nothing listens there: a network error, not insecure).
  int port = closed_port();
  for (std::string host : {"127.0.0.1", "localhost", "127.0.0.2"}) {
    CAPTURE(host);
    CHECK(error_of([&] { get(*t, "http://" + host + ":" + std::to_string(port) + "/"); }).code() == Errc::network);
  }
}

TEST_CASE("allow_plain_http lets http:// through to a host that is not loopback") {
  HttpConfig c;
  c.allow_plain_http = true;
  c.connect_timeout_ms = 300;
  c.timeout_ms = 2000;
  auto t = make_curl_transport(c);
  Error e = error_of([&] { get(*t, "http://example.invalid/"); });  // the name never resolves
  CHECK(e.code() != Errc::insecure);
  CHECK((e.code() == Errc::network || e.code() == Errc::timeout));
}

TEST_CASE("redirects are returned as responses and never followed") {
  Server srv = fault_server();
  Server target = conn_server();
  auto t = make_curl_transport({});
  script(*t, srv, "[{\"status\":302,\"location\":\"" + target.url() + "/echo/followed\"}]");
  Response resp = token_request(*t, srv);
  CHECK(resp.status == 302);
  REQUIRE(resp.header("Location") != nullptr);
  CHECK(*resp.header("Location") == target.url() + "/echo/followed");
  Response own = get(*t, target.url() + "/redirect?to=/echo/again");
  CHECK(own.status == 302);
  CHECK(stat(*t, target, "requests") == 2);  // the redirect itself and /stats: /echo never fetched
}

TEST_CASE("a server that never answers times out within the bound (config and per call)") {
  Server srv = fault_server();
  HttpConfig c;
  c.timeout_ms = 800;
  auto t = make_curl_transport(c);
  script(*t, srv, "[{\"hang\":true,\"max_s\":20}]");
  auto start = Clock::now();
  Error e = error_of([&] { token_request(*t, srv); });
  double took = seconds_since(start);
  CHECK(e.code() == Errc::timeout);
  CHECK(e.transient());
  CHECK(took >= 0.7);
  CHECK(took < 3.0);

  auto slow = make_curl_transport({});  // 30 s by default; the call asks for 500 ms
  script(*slow, srv, "[{\"hang\":true,\"max_s\":20}]");
  CallOptions o;
  o.timeout_ms = 500;
  start = Clock::now();
  CHECK(error_of([&] { token_request(*slow, srv, o); }).code() == Errc::timeout);
  CHECK(seconds_since(start) < 0.3 + 0.25);  // the poll is woken: no wait for libcurl's 1 s tick
}

TEST_CASE("a body that arrives too slowly times out mid-transfer") {
  Server srv = conn_server();
  HttpConfig c;
  c.timeout_ms = 700;
  auto t = make_curl_transport(c);
  auto start = Clock::now();
  CHECK(error_of([&] { get(*t, srv.url() + "/drip?bytes=100&ms=100"); }).code() == Errc::timeout);
  CHECK(seconds_since(start) < 3.0);
  CHECK(get(*t, srv.url() + "/echo").status == 200);  // the handle is still usable
}

TEST_CASE("a connection reset is a transient network error") {
  Server srv = fault_server();
  auto control = make_curl_transport({});
  script(*control, srv, "[{\"reset\":true}]");
  // A fresh transport: on a reused keep-alive connection libcurl itself retries once on a new
  // connection when the old one dies before any response byte (the server may have closed it idle).
  auto t = make_curl_transport({});
  Error e = error_of([&] { token_request(*t, srv); });
  CHECK(e.code() == Errc::network);
  CHECK(e.transient());
  CHECK(token_request(*t, srv).status == 401);  // the next request works (401: no client authentication)
}

TEST_CASE("connection refused is a transient network error naming host and port but not the query") {
  auto t = make_curl_transport({});
  int port = closed_port();
  Request r = make_request("GET", "http://127.0.0.1:" + std::to_string(port) + "/iso/pam/credential?oauth_token=T0KEN-SECRET");
  r.add_header("Authorization", "Bearer HEADER-SECRET");
  Error e = error_of([&] { t->send(r); });
  CHECK(e.code() == Errc::network);
  CHECK(e.transient());
  std::string msg = e.what();
  CHECK(msg.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(msg.find("T0KEN-SECRET") == std::string::npos);
  CHECK(msg.find("HEADER-SECRET") == std::string::npos);
  CHECK(msg.find("/iso/pam") == std::string::npos);
}

TEST_CASE("a body over the limit fails with too_large (Content-Length and while receiving)") {
  Server fault = fault_server();
  Server conn = conn_server();
  HttpConfig c;
  c.max_response_bytes = 1u << 20;
  auto t = make_curl_transport(c);
  script(*t, fault, "[{\"huge_bytes\":3000000}]");
  Error e = error_of([&] { token_request(*t, fault, {}, true); });
  CHECK(e.code() == Errc::too_large);
  CHECK_FALSE(e.transient());

  CHECK(get(*t, conn.url() + "/chunked?bytes=1048576").body.size() == 1048576u);  // exactly the limit
  CHECK(error_of([&] { get(*t, conn.url() + "/chunked?bytes=1048577"); }).code() == Errc::too_large);
  CallOptions tighter;
  tighter.max_response_bytes = 1000;
  CHECK(error_of([&] { get(*t, conn.url() + "/chunked?bytes=1001", tighter); }).code() == Errc::too_large);
  CHECK(get(*t, conn.url() + "/chunked?bytes=1000", tighter).body.size() == 1000u);
  CallOptions looser;
  looser.max_response_bytes = 8u << 20;  // cannot loosen the configuration
  CHECK(error_of([&] { get(*t, conn.url() + "/chunked?bytes=2000000", looser); }).code() == Errc::too_large);
}

TEST_CASE("cancellation stops a request that waits for the server") {
  Server srv = fault_server();
  auto t = make_curl_transport({});
  script(*t, srv, "[{\"hang\":true,\"max_s\":20}]");
  Cancel cancel;
  CallOptions o;
  o.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.request();
  });
  auto start = Clock::now();
  Error e = error_of([&] { token_request(*t, srv, o); });
  canceller.join();
  CHECK(e.code() == Errc::cancelled);
  CHECK_FALSE(e.transient());
  CHECK(seconds_since(start) < 2.5);

  // Already cancelled: refused before any connection.
  Server conn = conn_server();
  CHECK(error_of([&] { get(*t, conn.url() + "/echo", o); }).code() == Errc::cancelled);
  Cancel fresh;
  o.cancel = &fresh;
  CHECK(get(*t, conn.url() + "/echo", o).status == 200);
  CHECK(stat(*t, conn, "requests") == 2);
}

TEST_CASE("proxy environment variables are ignored but a configured proxy is used") {
  Server srv = conn_server();
  std::string dead = "http://127.0.0.1:" + std::to_string(closed_port());
  setenv("http_proxy", dead.c_str(), 1);
  setenv("HTTPS_PROXY", dead.c_str(), 1);
  setenv("ALL_PROXY", dead.c_str(), 1);
  auto t = make_curl_transport({});
  CHECK(get(*t, srv.url() + "/echo").status == 200);
  unsetenv("http_proxy");
  unsetenv("HTTPS_PROXY");
  unsetenv("ALL_PROXY");

  HttpConfig via_dead;
  via_dead.proxy = dead;
  auto t2 = make_curl_transport(via_dead);
  CHECK(error_of([&] { get(*t2, srv.url() + "/echo"); }).code() == Errc::network);

  HttpConfig via_server;
  via_server.proxy = srv.url();  // conn_server echoes absolute-form requests
  auto t3 = make_curl_transport(via_server);
  Response resp = get(*t3, "http://127.0.0.1:9/echo/via-proxy");
  CHECK(Json(resp.body).str("target") == "http://127.0.0.1:9/echo/via-proxy");
}
