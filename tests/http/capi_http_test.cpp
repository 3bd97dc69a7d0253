// The C API of http.h through libm2mauth.so only.
#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "m2mauth/m2mauth.h"
#include "support.hpp"

using namespace http_test;

namespace {

struct HttpFree {
  void operator()(m2mauth_http *h) const { m2mauth_http_free(h); }
};
struct ReqFree {
  void operator()(m2mauth_request *r) const { m2mauth_request_free(r); }
};
struct RespFree {
  void operator()(m2mauth_response *r) const { m2mauth_response_free(r); }
};
using Http = std::unique_ptr<m2mauth_http, HttpFree>;
using Req = std::unique_ptr<m2mauth_request, ReqFree>;
using Resp = std::unique_ptr<m2mauth_response, RespFree>;

Http new_http(const m2mauth_http_options *opts) {
  m2mauth_http *h = nullptr;
  REQUIRE(m2mauth_http_new(&h, opts) == M2MAUTH_OK);
  return Http(h);
}

Req new_req(const char *method, const std::string &url) {
  m2mauth_request *r = nullptr;
  REQUIRE(m2mauth_request_new(&r, method, url.c_str()) == M2MAUTH_OK);
  return Req(r);
}

// Sends; returns the status code and keeps the response in *resp.
m2mauth_status send(m2mauth_http *h, m2mauth_request *r, Resp *resp) {
  m2mauth_response *out = reinterpret_cast<m2mauth_response *>(0x1);
  m2mauth_status st = m2mauth_http_send(&out, h, r);
  if (st != M2MAUTH_OK) CHECK(out == nullptr);
  resp->reset(st == M2MAUTH_OK ? out : nullptr);
  return st;
}

std::string body_of(const m2mauth_response *r) {
  size_t len = 0;
  const uint8_t *b = m2mauth_response_body(r, &len);
  return std::string(reinterpret_cast<const char *>(b), len);
}

void check_einval() {
  CHECK(m2mauth_error_last()->code == M2MAUTH_EINVAL);
  CHECK(std::strlen(m2mauth_error_last()->message) > 0);
}

}  // namespace

TEST_CASE("options: M2MAUTH_HTTP_OPTIONS_INIT equals m2mauth_http_options_init and versions are checked") {
  static const m2mauth_http_options a = M2MAUTH_HTTP_OPTIONS_INIT;  // static: padding zeroed
  m2mauth_http_options b;
  std::memset(&b, 0xab, sizeof b);
  REQUIRE(m2mauth_http_options_init(&b, M2MAUTH_HTTP_OPTIONS_VERSION) == M2MAUTH_OK);
  CHECK(std::memcmp(&a, &b, sizeof a) == 0);
  CHECK(m2mauth_http_options_init(&b, 99) == M2MAUTH_EINVAL);
  m2mauth_http_options zero;
  std::memset(&zero, 0, sizeof zero);  // version 0: not initialised
  m2mauth_http *h = reinterpret_cast<m2mauth_http *>(0x1);
  CHECK(m2mauth_http_new(&h, &zero) == M2MAUTH_EINVAL);
  CHECK(h == nullptr);
  m2mauth_http_options neg = M2MAUTH_HTTP_OPTIONS_INIT;
  neg.timeout_ms = -5;
  CHECK(m2mauth_http_new(&h, &neg) == M2MAUTH_EINVAL);
  m2mauth_http_options type = M2MAUTH_HTTP_OPTIONS_INIT;
  type.client_cert_type = "JKS";
  type.client_cert = "/etc/hostname";
  CHECK(m2mauth_http_new(&h, &type) == M2MAUTH_ECONFIG);
}

TEST_CASE("send through the C API returns status headers and body of the echo") {
  Server srv = fault_server();
  Http h = new_http(nullptr);
  Req r = new_req("post", srv.url() + "/echo/c?x=1");
  REQUIRE(m2mauth_request_set_header(r.get(), "Content-Type", "application/json") == M2MAUTH_OK);
  REQUIRE(m2mauth_request_add_header(r.get(), "X-C", "yes") == M2MAUTH_OK);
  const char body[] = "{\"a\":1}";
  REQUIRE(m2mauth_request_set_body(r.get(), reinterpret_cast<const uint8_t *>(body), sizeof body - 1) == M2MAUTH_OK);
  Resp resp;
  REQUIRE(send(h.get(), r.get(), &resp) == M2MAUTH_OK);
  CHECK(m2mauth_response_status(resp.get()) == 200);
  REQUIRE(m2mauth_response_header(resp.get(), "content-type") != nullptr);
  CHECK(std::string(m2mauth_response_header(resp.get(), "content-type")) == "application/json");
  CHECK(m2mauth_response_header_count(resp.get()) >= 3);
  Json echo(body_of(resp.get()));
  CHECK(echo.str("method") == "POST");
  CHECK(echo.str("raw_query") == "x=1");
  CHECK(echo.str("body") == body);
  CHECK(echo.str("headers.X-C") == "yes");
}

TEST_CASE("C API errors (insecure and transient timeout) fill the thread-local record") {
  Server srv = fault_server();
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  o.timeout_ms = 600;
  Http h = new_http(&o);
  Resp resp;
  Req plain = new_req("GET", "http://example.invalid/?oauth_token=SECRET");
  CHECK(send(h.get(), plain.get(), &resp) == M2MAUTH_EINSECURE);
  CHECK(m2mauth_error_last()->transient == 0);
  CHECK(std::string(m2mauth_error_last()->message).find("SECRET") == std::string::npos);

  Req script = new_req("POST", srv.url() + "/_control/script");
  const char steps[] = "[{\"hang\":true,\"max_s\":10}]";
  m2mauth_request_set_body(script.get(), reinterpret_cast<const uint8_t *>(steps), sizeof steps - 1);
  REQUIRE(send(h.get(), script.get(), &resp) == M2MAUTH_OK);
  Req token = new_req("POST", srv.url() + "/token");
  CHECK(send(h.get(), token.get(), &resp) == M2MAUTH_ETIMEOUT);
  CHECK(m2mauth_error_last()->transient == 1);
  CHECK(std::string(m2mauth_error_name(m2mauth_error_last()->code)) == "timeout");
}

TEST_CASE("C API TLS options with mTLS from a PKCS#12 file and insecure_skip_verify through an override") {
  Server mtls = fault_tls_server("server", true);
  Server wrong = fault_tls_server("server_wrong_host");
  const Pki &pki = Pki::get();
  std::string ca = pki.ca(), p12 = pki.p12(), pass = pki.p12_password();
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  o.ca_file = ca.c_str();
  o.client_cert = p12.c_str();
  o.client_cert_type = "P12";
  o.client_key_passphrase = pass.c_str();
  Http h = new_http(&o);
  Resp resp;
  Req r = new_req("GET", mtls.url() + "/echo/p12");
  REQUIRE(send(h.get(), r.get(), &resp) == M2MAUTH_OK);
  CHECK(Json(body_of(resp.get())).str("tls_client_cert_sha256") == pki.sha256("client_rsa"));

  Req w = new_req("GET", wrong.url() + "/echo/w");
  CHECK(send(h.get(), w.get(), &resp) == M2MAUTH_ETLS);
  CHECK(m2mauth_error_last()->transient == 0);
  m2mauth_http_options lax = M2MAUTH_HTTP_OPTIONS_INIT;
  lax.insecure_skip_verify = 1;
  // h has sent: frozen. The override goes on a transport before its first send.
  CHECK(m2mauth_http_add_override(h.get(), (wrong.url() + "/").c_str(), &lax) == M2MAUTH_ESTATE);
  CHECK(std::string(m2mauth_error_last()->message) == "HTTP transport: add_override after first use");
  Http h2 = new_http(&o);
  REQUIRE(m2mauth_http_add_override(h2.get(), (wrong.url() + "/").c_str(), &lax) == M2MAUTH_OK);
  CHECK(send(h2.get(), w.get(), &resp) == M2MAUTH_OK);
  CHECK(m2mauth_response_status(resp.get()) == 200);
  CHECK(send(h.get(), w.get(), &resp) == M2MAUTH_ETLS);  // h still works, with its own settings
}

namespace {
struct Recorded {
  std::atomic<int> calls{0};
  std::string method, url, header, body;
  m2mauth_status result = M2MAUTH_OK;
  bool null_response = false;
};

m2mauth_status app_transport(m2mauth_response **out, const m2mauth_request *req, void *payload) {
  auto *rec = static_cast<Recorded *>(payload);
  if (rec->calls++ == 0) {
    rec->method = m2mauth_request_method(req);
    rec->url = m2mauth_request_url(req);
    const char *h = m2mauth_request_header(req, "authorization");
    rec->header = h ? h : "";
    size_t len = 0;
    const uint8_t *b = m2mauth_request_body(req, &len);
    rec->body.assign(reinterpret_cast<const char *>(b), len);
  }
  if (rec->result != M2MAUTH_OK || rec->null_response) return rec->result;
  m2mauth_response *resp = nullptr;
  if (m2mauth_response_new(&resp, 201) != M2MAUTH_OK) return M2MAUTH_ENOMEM;
  m2mauth_response_add_header(resp, "X-App", "1");
  m2mauth_response_add_header(resp, "X-App", "2");
  const char body[] = "from the app";
  m2mauth_response_set_body(resp, reinterpret_cast<const uint8_t *>(body), sizeof body - 1);
  *out = resp;
  return M2MAUTH_OK;
}
}  // namespace

TEST_CASE("custom transport: the callback sees the request and its response comes back") {
  Recorded rec;
  m2mauth_http *raw = nullptr;
  REQUIRE(m2mauth_http_new_custom(&raw, app_transport, &rec, nullptr) == M2MAUTH_OK);
  Http h(raw);
  Req r = new_req("PUT", "https://api.example.com/v1/things?x=1");
  m2mauth_request_set_header(r.get(), "Authorization", "Bearer tok");
  m2mauth_request_set_body(r.get(), reinterpret_cast<const uint8_t *>("data"), 4);
  Resp resp;
  REQUIRE(send(h.get(), r.get(), &resp) == M2MAUTH_OK);
  CHECK(rec.method == "PUT");
  CHECK(rec.url == "https://api.example.com/v1/things?x=1");
  CHECK(rec.header == "Bearer tok");
  CHECK(rec.body == "data");
  CHECK(m2mauth_response_status(resp.get()) == 201);
  CHECK(m2mauth_response_header_count(resp.get()) == 2);
  CHECK(std::string(m2mauth_response_header_value(resp.get(), 1)) == "2");
  CHECK(body_of(resp.get()) == "from the app");

  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  CHECK(m2mauth_http_add_override(h.get(), "https://x/", &o) == M2MAUTH_ESTATE);
}

TEST_CASE("custom transport statuses become errors and OK without a response is an error not a crash") {
  Recorded rec;
  m2mauth_http *raw = nullptr;
  REQUIRE(m2mauth_http_new_custom(&raw, app_transport, &rec, nullptr) == M2MAUTH_OK);
  Http h(raw);
  Req r = new_req("GET", "https://api.example.com/");
  Resp resp;
  rec.result = M2MAUTH_ENETWORK;
  CHECK(send(h.get(), r.get(), &resp) == M2MAUTH_ENETWORK);
  CHECK(m2mauth_error_last()->transient == 1);
  rec.result = M2MAUTH_ETLS;
  CHECK(send(h.get(), r.get(), &resp) == M2MAUTH_ETLS);
  CHECK(m2mauth_error_last()->transient == 0);
  rec.result = 7;  // not a status
  CHECK(send(h.get(), r.get(), &resp) == M2MAUTH_ERROR);
  rec.result = -12345;  // unknown code
  CHECK(send(h.get(), r.get(), &resp) == M2MAUTH_ERROR);
  rec.result = M2MAUTH_OK;
  rec.null_response = true;
  CHECK(send(h.get(), r.get(), &resp) == M2MAUTH_ERROR);
  CHECK(std::string(m2mauth_error_last()->message).find("without a response") != std::string::npos);
}

TEST_CASE("custom transport called from 8 threads at once") {
  Recorded rec;
  m2mauth_http *raw = nullptr;
  REQUIRE(m2mauth_http_new_custom(&raw, app_transport, &rec, nullptr) == M2MAUTH_OK);
  Http h(raw);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) {
        m2mauth_request *r = nullptr;
        m2mauth_request_new(&r, "GET", "https://api.example.com/");
        m2mauth_response *out = nullptr;
        if (m2mauth_http_send(&out, h.get(), r) == M2MAUTH_OK && m2mauth_response_status(out) == 201) ok++;
        m2mauth_response_free(out);
        m2mauth_request_free(r);
      }
    });
  for (auto &t : threads) t.join();
  CHECK(ok == 800);
  CHECK(rec.calls == 800);
}

TEST_CASE("libcurl transport from 16 threads through the C API") {
  Server srv = conn_server();
  Http h = new_http(nullptr);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&, i] {
      for (int j = 0; j < 10; ++j) {
        m2mauth_request *r = nullptr;
        std::string url = srv.url() + "/echo/" + std::to_string(i) + "/" + std::to_string(j);
        m2mauth_request_new(&r, "GET", url.c_str());
        m2mauth_response *out = nullptr;
        if (m2mauth_http_send(&out, h.get(), r) == M2MAUTH_OK &&
            Json(body_of(out)).str("target") == "/echo/" + std::to_string(i) + "/" + std::to_string(j))
          ok++;
        m2mauth_response_free(out);
        m2mauth_request_free(r);
      }
    });
  for (auto &t : threads) t.join();
  CHECK(ok == 160);
}

TEST_CASE("NULL and bad arguments to every http.h function") {
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  CHECK(m2mauth_http_options_init(nullptr, M2MAUTH_HTTP_OPTIONS_VERSION) == M2MAUTH_EINVAL);
  check_einval();
  CHECK(m2mauth_http_new(nullptr, &o) == M2MAUTH_EINVAL);
  check_einval();

  Http h = new_http(nullptr);
  CHECK(m2mauth_http_add_override(nullptr, "https://x/", &o) == M2MAUTH_EINVAL);
  check_einval();
  CHECK(m2mauth_http_add_override(h.get(), nullptr, &o) == M2MAUTH_EINVAL);
  check_einval();
  CHECK(m2mauth_http_add_override(h.get(), "https://x/", nullptr) == M2MAUTH_EINVAL);
  check_einval();
  CHECK(m2mauth_http_add_override(h.get(), "ftp://x/", &o) == M2MAUTH_ECONFIG);
  CHECK(m2mauth_http_add_override(h.get(), "", &o) == M2MAUTH_ECONFIG);
  m2mauth_http_options bad = M2MAUTH_HTTP_OPTIONS_INIT;
  bad.version = M2MAUTH_HTTP_OPTIONS_VERSION + 1;
  CHECK(m2mauth_http_add_override(h.get(), "https://x/", &bad) == M2MAUTH_EINVAL);

  m2mauth_http *raw = reinterpret_cast<m2mauth_http *>(0x1);
  CHECK(m2mauth_http_new_custom(nullptr, app_transport, nullptr, nullptr) == M2MAUTH_EINVAL);
  check_einval();
  CHECK(m2mauth_http_new_custom(&raw, nullptr, nullptr, nullptr) == M2MAUTH_EINVAL);
  check_einval();
  CHECK(raw == nullptr);

  Req r = new_req("GET", "http://127.0.0.1:1/");
  m2mauth_response *out = reinterpret_cast<m2mauth_response *>(0x1);
  CHECK(m2mauth_http_send(nullptr, h.get(), r.get()) == M2MAUTH_EINVAL);
  check_einval();
  CHECK(m2mauth_http_send(&out, nullptr, r.get()) == M2MAUTH_EINVAL);
  check_einval();
  CHECK(out == nullptr);
  out = reinterpret_cast<m2mauth_response *>(0x1);
  CHECK(m2mauth_http_send(&out, h.get(), nullptr) == M2MAUTH_EINVAL);
  check_einval();
  CHECK(out == nullptr);
  m2mauth_http_free(nullptr);
}
