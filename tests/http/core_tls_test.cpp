// HTTPS: server verification and client certificates, against fault_server.py in TLS mode.
#include "core_helpers.hpp"

using namespace http_test;

namespace {
void check_tls_failure(const Error &e) {
  CHECK(e.code() == Errc::tls);
  CHECK_FALSE(e.transient());
  CHECK(std::string(e.what()).find("127.0.0.1:") != std::string::npos);
}

// With TLS 1.3 the client finishes its side of the handshake before the server checks the client
// certificate; the server's alert then races with its closing the socket. When the reset wins, the
// kernel drops the unread alert and all the client can see is a broken connection. A missing
// certificate is still recognised (the server asked for one: see core/src/curl/tls.hpp); a rejected
// one cannot be told from a reset, so it fails with tls or, when the race is lost, network.
void check_rejected_cert(Transport &t, const std::string &url) {
  for (int i = 0; i < 4; ++i) {
    Error e = error_of([&] { get(t, url); });
    CHECK((e.code() == Errc::tls || e.code() == Errc::network));
  }
}
}  // namespace

TEST_CASE("HTTPS with the test CA succeeds and the connection is kept") {
  Server srv = fault_tls_server();
  auto t = make_curl_transport(tls_config());
  for (int i = 0; i < 3; ++i) {
    Response resp = get(*t, srv.url() + "/echo/tls");
    CHECK(resp.status == 200);
    CHECK(Json(resp.body).str("path") == "/echo/tls");
  }
  std::string localhost = "https://localhost:" + std::to_string(srv.port()) + "/echo/name";
  CHECK(get(*t, localhost).status == 200);
}

TEST_CASE("HTTPS: a certificate for another host name fails with tls") {
  Server srv = fault_tls_server("server_wrong_host");
  auto t = make_curl_transport(tls_config());
  check_tls_failure(error_of([&] { get(*t, srv.url() + "/echo/x"); }));
}

TEST_CASE("HTTPS: an expired certificate fails with tls") {
  Server srv = fault_tls_server("server_expired");
  auto t = make_curl_transport(tls_config());
  check_tls_failure(error_of([&] { get(*t, srv.url() + "/echo/x"); }));
}

TEST_CASE("HTTPS: a certificate from an unknown CA fails with tls (system trust store)") {
  Server srv = fault_tls_server();
  HttpConfig c;
  c.timeout_ms = 10000;
  auto t = make_curl_transport(c);
  check_tls_failure(error_of([&] { get(*t, srv.url() + "/echo/x"); }));
}

TEST_CASE("verify_peer=false only when asked and only for the URLs it is asked for") {
  Server srv = fault_tls_server("server_wrong_host");
  auto strict = make_curl_transport(tls_config());
  check_tls_failure(error_of([&] { get(*strict, srv.url() + "/echo/x"); }));

  HttpConfig lax = tls_config();
  lax.verify_peer = false;
  auto t = make_curl_transport(tls_config(), {{srv.url() + "/echo/lax/", lax}});
  CHECK(get(*t, srv.url() + "/echo/lax/1").status == 200);
  check_tls_failure(error_of([&] { get(*t, srv.url() + "/echo/strict"); }));
  CHECK(get(*t, srv.url() + "/echo/lax/2").status == 200);
}

TEST_CASE("mTLS: client certificate and key from PEM files") {
  Server srv = fault_tls_server("server", true);
  const Pki &pki = Pki::get();
  HttpConfig c = tls_config();
  c.client_cert = pki.cert("client_rsa");
  c.client_key = pki.key("client_rsa");
  auto t = make_curl_transport(c);
  Response resp = get(*t, srv.url() + "/echo/mtls");
  CHECK(resp.status == 200);
  CHECK(Json(resp.body).str("tls_client_cert_sha256") == pki.sha256("client_rsa"));
}

TEST_CASE("mTLS with client certificate and key as PEM text (EC key) and both in one PEM") {
  Server srv = fault_tls_server("server", true);
  const Pki &pki = Pki::get();
  HttpConfig c = tls_config();
  c.client_cert = read_file(pki.cert("client_ec"));
  c.client_key = read_file(pki.key("client_ec"));
  auto t = make_curl_transport(c);
  Response resp = get(*t, srv.url() + "/echo/mtls");
  CHECK(Json(resp.body).str("tls_client_cert_sha256") == pki.sha256("client_ec"));

  HttpConfig both = tls_config();
  both.client_cert = read_file(pki.cert("client_rsa")) + read_file(pki.key("client_rsa"));
  auto t2 = make_curl_transport(both);
  CHECK(Json(get(*t2, srv.url() + "/echo/mtls").body).str("tls_client_cert_sha256") == pki.sha256("client_rsa"));
}

TEST_CASE("mTLS: PKCS#12 file with its passphrase works and a wrong passphrase fails with tls") {
  Server srv = fault_tls_server("server", true);
  const Pki &pki = Pki::get();
  HttpConfig c = tls_config();
  c.client_cert = pki.p12();
  c.client_cert_type = "P12";
  c.client_key_passphrase = SecretString(pki.p12_password());
  auto t = make_curl_transport(c);
  CHECK(Json(get(*t, srv.url() + "/echo/p12").body).str("tls_client_cert_sha256") == pki.sha256("client_rsa"));

  c.client_key_passphrase = SecretString("not-the-passphrase");
  auto bad = make_curl_transport(c);
  Error e = error_of([&] { get(*bad, srv.url() + "/echo/p12"); });
  CHECK(e.code() == Errc::tls);
  CHECK(std::string(e.what()).find("not-the-passphrase") == std::string::npos);
}

TEST_CASE("mTLS: the server refuses a connection without a client certificate (tls)") {
  Server srv = fault_tls_server("server", true);
  auto t = make_curl_transport(tls_config());
  for (int i = 0; i < 4; ++i) {
    Error e = error_of([&] { get(*t, srv.url() + "/echo/x"); });
    check_tls_failure(e);
    CHECK(std::string(e.what()).find("client certificate") != std::string::npos);
  }
}

TEST_CASE("mTLS: a self-signed client certificate is refused") {
  Server srv = fault_tls_server("server", true);
  const Pki &pki = Pki::get();
  HttpConfig c = tls_config();
  c.client_cert = pki.cert("client_selfsigned");
  c.client_key = pki.key("client_selfsigned");
  auto t = make_curl_transport(c);
  check_rejected_cert(*t, srv.url() + "/echo/x");
}
