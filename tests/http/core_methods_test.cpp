// Methods, headers, bodies and connection reuse against the loopback servers.
#include "core_helpers.hpp"

using namespace http_test;

TEST_CASE("GET POST PUT and DELETE reach the fault server with their headers and bodies") {
  Server srv = fault_server();
  auto t = make_curl_transport({});
  for (const char *method : {"GET", "POST", "PUT", "DELETE"}) {
    CAPTURE(method);
    std::string body = std::string(method) == "GET" ? "" : std::string("{\"m\":\"") + method + "\",\"x\":[1,2]}";
    Request r = make_request(method, srv.url() + "/echo/items/7?q=a%20b&r=1", body);
    r.add_header("X-Trace", std::string("trace-") + method);
    if (!body.empty()) r.add_header("Content-Type", "application/json");
    Response resp = t->send(r);
    CHECK(resp.status == 200);
    REQUIRE(resp.header("content-type") != nullptr);
    Json echo(resp.body);
    CHECK(echo.str("method") == method);
    CHECK(echo.str("path") == "/echo/items/7");
    CHECK(echo.str("raw_query") == "q=a%20b&r=1");
    CHECK(echo.str("headers.X-Trace") == std::string("trace-") + method);
    CHECK(echo.str("body") == body);
    if (!body.empty()) CHECK(echo.str("headers.Content-Type") == "application/json");
  }
}

TEST_CASE("request and response headers keep order and case and duplicates") {
  Server srv = conn_server();
  auto t = make_curl_transport({});
  Request r = make_request("POST", srv.url() + "/echo", "a=1");
  r.add_header("X-Dup", "one");
  r.add_header("x-dup", "two");
  r.add_header("X-Empty", "");
  r.add_header("Authorization", "Bearer abc.def");
  Json echo(t->send(r).body);
  auto h = echo.pairs("headers");
  std::vector<std::pair<std::string, std::string>> dups;
  for (auto &p : h)
    if (p.first == "X-Dup" || p.first == "x-dup") dups.push_back(p);
  REQUIRE(dups.size() == 2);
  CHECK(dups[0] == std::make_pair(std::string("X-Dup"), std::string("one")));
  CHECK(dups[1] == std::make_pair(std::string("x-dup"), std::string("two")));
  bool empty_seen = false, expect_seen = false;
  for (auto &p : h) {
    if (p.first == "X-Empty") empty_seen = p.second.empty();
    if (p.first == "Expect") expect_seen = true;
  }
  CHECK(empty_seen);
  CHECK_FALSE(expect_seen);
  CHECK(echo.str("content_length") == "3");

  Response resp = get(*t, srv.url() + "/dup-headers");
  CHECK(resp.status == 204);
  std::vector<std::string> cookies;
  for (auto &[name, value] : resp.headers)
    if (name == "Set-Cookie") cookies.push_back(value);
  CHECK(cookies == std::vector<std::string>{"a=1", "b=2"});
  REQUIRE(resp.header("x-mixed-case") != nullptr);
  CHECK(*resp.header("x-mixed-case") == "Value One");
  bool mixed_case_kept = false;
  for (auto &hd : resp.headers) mixed_case_kept |= hd.first == "X-Mixed-Case";
  CHECK(mixed_case_kept);
  CHECK(resp.header("x-lower") != nullptr);
}

TEST_CASE("keep-alive: sequential requests through one transport use one connection") {
  Server srv = conn_server();
  auto t = make_curl_transport({});
  for (int i = 0; i < 20; ++i) CHECK(get(*t, srv.url() + "/echo").status == 200);
  CHECK(stat(*t, srv, "requests") == 21);
  CHECK(stat(*t, srv, "connections") == 1);
}

TEST_CASE("one pooled handle switches methods without carrying state over") {
  Server srv = conn_server();
  auto t = make_curl_transport({});
  struct Step {
    const char *method;
    const char *body;
  } steps[] = {{"HEAD", ""},   {"POST", "p=1"}, {"GET", ""},     {"PUT", ""},    {"DELETE", ""},
               {"PATCH", "x"}, {"HEAD", ""},    {"POST", ""},    {"OPTIONS", ""}, {"DELETE", "d"},
               {"GET", ""}};
  for (const Step &s : steps) {
    CAPTURE(s.method);
    Response resp = t->send(make_request(s.method, srv.url() + "/echo", s.body));
    CHECK(resp.status == 200);
    if (std::string(s.method) == "HEAD") {
      CHECK(resp.body.empty());
      continue;
    }
    Json echo(resp.body);
    CHECK(echo.str("method") == s.method);
    CHECK(echo.str("body") == s.body);
    bool has_length = echo.has("content_length");
    std::string m = s.method;
    if (m == "GET" || m == "OPTIONS" || (m == "DELETE" && std::string(s.body).empty())) CHECK_FALSE(has_length);
    else CHECK(echo.str("content_length") == std::to_string(std::string(s.body).size()));
  }
  CHECK(stat(*t, srv, "connections") == 1);
}

TEST_CASE("User-Agent is m2mauth/<version> by default or the configured one or the request's") {
  Server srv = conn_server();
  auto ua_of = [](const Response &r) {
    for (auto &p : Json(r.body).pairs("headers"))
      if (p.first == "User-Agent") return p.second;
    return std::string("<none>");
  };
  auto t = make_curl_transport({});
  CHECK(ua_of(get(*t, srv.url() + "/echo")).rfind("m2mauth/", 0) == 0);
  HttpConfig c;
  c.user_agent = "svc/1.2";
  auto t2 = make_curl_transport(c);
  CHECK(ua_of(get(*t2, srv.url() + "/echo")) == "svc/1.2");
  Request r = make_request("GET", srv.url() + "/echo");
  r.set_header("User-Agent", "mine");
  CHECK(ua_of(t2->send(r)) == "mine");
}

TEST_CASE("headers and methods that could split a request are refused") {
  Server srv = conn_server();
  auto t = make_curl_transport({});
  Request r = make_request("GET", srv.url() + "/echo");
  r.headers.emplace_back("X-Bad", "a\r\nInjected: 1");
  CHECK(error_of([&] { t->send(r); }).code() == Errc::invalid_argument);
  Request m = make_request("GET /x HTTP/1.1\r\n", srv.url() + "/echo");
  CHECK(error_of([&] { t->send(m); }).code() == Errc::invalid_argument);
  Request u = make_request("GET", "ftp://127.0.0.1/");
  CHECK(error_of([&] { t->send(u); }).code() == Errc::invalid_argument);
  CHECK(stat(*t, srv, "requests") == 1);
}
