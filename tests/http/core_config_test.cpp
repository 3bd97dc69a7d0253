// Configuration checks and the choice of an override by URL prefix.
#include "core_helpers.hpp"

using namespace http_test;

namespace {
std::string user_agent(Transport &t, const std::string &url) {
  for (auto &p : Json(get(t, url).body).pairs("headers"))
    if (p.first == "User-Agent") return p.second;
  return "<none>";
}
}  // namespace

TEST_CASE("invalid configurations are refused when the transport is made") {
  const Pki &pki = Pki::get();
  auto refused = [](HttpConfig c) { return error_of([&] { make_curl_transport(std::move(c)); }).code(); };
  HttpConfig c;
  c.client_cert_type = "DER";
  c.client_cert = pki.cert("client_rsa");
  CHECK(refused(c) == Errc::config);
  HttpConfig key_only;
  key_only.client_key = pki.key("client_rsa");
  CHECK(refused(key_only) == Errc::config);
  HttpConfig missing;
  missing.ca_file = "/nonexistent/ca.pem";
  CHECK(refused(missing) == Errc::config);
  HttpConfig p12_text;
  p12_text.client_cert_type = "P12";
  p12_text.client_cert = read_file(pki.cert("client_rsa"));
  CHECK(refused(p12_text) == Errc::config);
  HttpConfig negative;
  negative.timeout_ms = -1;
  CHECK(refused(negative) == Errc::invalid_argument);  // a range: HttpConfig::validate, as from every language
  HttpConfig crlf;
  crlf.user_agent = "a\r\nX-Injected: 1";
  CHECK(refused(crlf) == Errc::config);
  HttpConfig secret_key;
  secret_key.client_cert = read_file(pki.cert("client_rsa"));
  secret_key.client_key = "/nonexistent/key-with-secret-name.pem";
  Error e = error_of([&] { make_curl_transport(secret_key); });
  CHECK(e.code() == Errc::config);
  CHECK(std::string(e.what()).find("BEGIN") == std::string::npos);  // PEM text is never quoted

  HttpConfig lower;
  lower.client_cert_type = "p12";
  lower.client_cert = pki.p12();
  CHECK_NOTHROW(make_curl_transport(lower));
  CHECK(error_of([&] { make_curl_transport({}, {{"ftp://x/", {}}}); }).code() == Errc::config);
}

TEST_CASE("overrides: the longest matching prefix wins and scheme and host ignore case") {
  Server srv = conn_server();
  HttpConfig base, a, b, c;
  a.user_agent = "a";
  b.user_agent = "b";
  c.user_agent = "c";
  std::string u = srv.url();
  auto t = make_curl_transport(base, {{u + "/echo/", a}, {u + "/echo/deep/", b}});
  CHECK(user_agent(*t, u + "/echo/x") == "a");
  CHECK(user_agent(*t, u + "/echo/deep/x") == "b");
  CHECK(user_agent(*t, u + "/echo/deeper") == "a");
  CHECK(user_agent(*t, u + "/echo/DEEP/x") == "a");  // paths compare with case
  std::string upper = "HTTP://127.0.0.1:" + std::to_string(srv.port());
  CHECK(user_agent(*t, upper + "/echo/deep/y") == "b");

  auto t2 = make_curl_transport(base, {{u + "/echo/deep/", b}});
  add_http_override(*t2, {u + "/echo/deep/", c});  // same prefix, before the first send: replaced
  CHECK(user_agent(*t2, u + "/echo/deep/x") == "c");
}

TEST_CASE("threads: the first send freezes a transport, add_http_override then throws state, sending goes on") {
  Server srv = conn_server();
  HttpConfig a;
  a.user_agent = "a";
  auto t = make_curl_transport({});
  add_http_override(*t, {srv.url() + "/echo/", a});  // before the first send
  CHECK(user_agent(*t, srv.url() + "/echo/x") == "a");
  Error e = error_of([&] { add_http_override(*t, {srv.url() + "/echo/", {}}); });
  CHECK(e.code() == Errc::state);
  CHECK(std::string(e.what()) == "HTTP transport: add_override after first use");
  CHECK(user_agent(*t, srv.url() + "/echo/x") == "a");  // unchanged, still working
}

TEST_CASE("add_http_override refuses transports that are not libcurl's") {
  struct Fake : Transport {
    Response send(const Request &, const CallOptions &) override { return {}; }
  } fake;
  CHECK(error_of([&] { add_http_override(fake, {"https://x/", {}}); }).code() == Errc::state);
}
