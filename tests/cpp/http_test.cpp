// Request and Response values, and Http against the fault server's echo (tests/servers) and an
// application's own transport, through m2mauth.hpp.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "wrapper_support.hpp"

using namespace m2mauth;
using cpptest::error_of;
using cpptest::json_at;

TEST_CASE("Request and Response: headers, body, URL") {
  Request req("POST", "https://api.example/v1?x=1");
  req.set_header("X-One", "1").add_header("X-Multi", "a").add_header("X-Multi", "b").set_body("{\"k\":1}");
  CHECK(req.method() == "POST");
  CHECK(req.url() == "https://api.example/v1?x=1");
  CHECK(req.header("x-one") == std::optional<std::string>("1"));  // names are case-insensitive
  CHECK(req.headers().size() == 3);
  CHECK(req.body() == "{\"k\":1}");
  CHECK(req.remove_header("X-Multi"));
  CHECK(!req.remove_header("X-Multi"));
  CHECK(!req.header("X-Multi"));
  req.set_url("https://api.example/v2");
  CHECK(req.url() == "https://api.example/v2");
  CHECK(error_of([&] { req.set_header("Bad Name", "v"); }).errc() == Errc::invalid_argument);
  CHECK(error_of([&] { req.set_header("X-Ok", "line\r\nbreak"); }).errc() == Errc::invalid_argument);
  CHECK(error_of([] { Request("GET", "not a url"); }).errc() == Errc::invalid_argument);

  Response resp(201);
  resp.add_header("Content-Type", "application/json").set_body("[]");
  CHECK(resp.status() == 201);
  CHECK(resp.header("content-type") == std::optional<std::string>("application/json"));
  CHECK(resp.headers().size() == 1);
  CHECK(resp.body() == "[]");
}

TEST_CASE("Http: methods, headers and bodies reach a loopback server and come back") {
  const auto fault = cpptest::servers()["fault"];
  Http http = cpptest::loopback_http();
  for (const char *method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    CAPTURE(method);
    Request req(method, fault.str("echo_url") + "/wrapper?q=a%20b");
    req.set_header("X-Wrapper", "cpp");
    if (std::string(method) != "GET" && std::string(method) != "DELETE") req.set_body("body-of-" + std::string(method));
    Response resp = http.send(req);
    CHECK(resp.status() == 200);
    CHECK(json_at(resp.body(), "method") == method);
    CHECK(json_at(resp.body(), "path") == "/echo/wrapper");
    CHECK(json_at(resp.body(), "headers.X-Wrapper") == "cpp");
    if (std::string(method) != "GET" && std::string(method) != "DELETE")
      CHECK(json_at(resp.body(), "body") == "body-of-" + std::string(method));
  }
  // A 401 is a response, not an error.
  Response denied = http.send(Request("GET", fault.str("api_url") + "/x"));
  CHECK(denied.status() == 401);
  CHECK(denied.header("WWW-Authenticate").has_value());
}

TEST_CASE("Http: plain http:// to a host that is not loopback is refused, a closed port is a network error") {
  Http http = cpptest::loopback_http();
  CHECK(error_of([&] { http.send(Request("GET", "http://api.example/")); }).errc() == Errc::insecure);
  Error e = error_of([&] { http.send(Request("GET", "http://127.0.0.1:1/")); });
  CHECK(e.errc() == Errc::network);
  CHECK(e.transient());
}

TEST_CASE("Http: a response larger than the limit is refused") {
  const auto fault = cpptest::servers()["fault"];
  HttpOptions o;
  o.timeout_ms = 10000;
  o.max_response_bytes = 64;
  Http small(o);
  Request req("POST", fault.str("echo_url") + "/big");
  req.set_body(std::string(1000, 'x'));
  CHECK(error_of([&] { small.send(req); }).errc() == Errc::too_large);

  // An override for the echo prefix, added before the first send, lifts the limit for those URLs only.
  HttpOptions roomy;
  roomy.timeout_ms = 10000;
  Http overridden(o);
  overridden.add_override(fault.str("echo_url"), roomy);
  CHECK(overridden.send(req).status() == 200);
  // The first send froze the transport: another override is refused and names the setter.
  Error late = error_of([&] { small.add_override(fault.str("echo_url"), roomy); });
  CHECK(late.errc() == Errc::state);
  CHECK(std::string(late.what()).find("add_override") != std::string::npos);
}

namespace {

struct Recorder {
  std::atomic<int> calls{0};
  std::string last_auth;
};

m2mauth_status answer(m2mauth_response **out, const m2mauth_request *req, void *payload) {
  auto *rec = static_cast<Recorder *>(payload);
  ++rec->calls;
  const char *auth = m2mauth_request_header(req, "Authorization");
  rec->last_auth = auth != nullptr ? auth : "";
  m2mauth_status st = m2mauth_response_new(out, 200);
  if (st != M2MAUTH_OK) return st;
  const std::string body = R"({"access_token":"custom-transport-token","token_type":"Bearer","expires_in":600})";
  m2mauth_response_add_header(*out, "Content-Type", "application/json");
  return m2mauth_response_set_body(*out, reinterpret_cast<const std::uint8_t *>(body.data()), body.size());
}

}  // namespace

TEST_CASE("Http::custom: an application's transport carries requests, token requests included") {
  Recorder rec;
  Http http = Http::custom(&answer, &rec);
  Response resp = http.send(Request("GET", "https://anywhere.example/x"));
  CHECK(resp.status() == 200);
  CHECK(rec.calls == 1);
  TokenClient client("https://as.example/token", "custom-client", http);
  client.set_secret("Zq9-custom-secret");
  Token token = client.fetch();
  CHECK(token.access_token() == "custom-transport-token");
  CHECK(rec.calls == 2);
  CHECK(rec.last_auth.rfind("Basic ", 0) == 0);
}
