// HttpOptions' TLS members through m2mauth.hpp: a CA file, an mTLS client certificate as PEM files and
// as PKCS#12 with its passphrase, against the TLS fault server that requires a client certificate.
#include <doctest/doctest.h>

#include <string>

#include "support.hpp"
#include "wrapper_support.hpp"

using namespace m2mauth;
using cpptest::error_of;
using cpptest::json_at;

TEST_CASE("HttpOptions: mTLS with PEM files and with PKCS#12, verified against the test CA") {
  http_test::Server mtls = http_test::fault_tls_server("server", true);
  const http_test::Pki &pki = http_test::Pki::get();

  HttpOptions pem;
  pem.ca_file = pki.ca();
  pem.client_cert = pki.cert("client_rsa");
  pem.client_key = pki.key("client_rsa");
  pem.timeout_ms = 10000;
  Response r1 = Http(pem).send(Request("GET", mtls.url() + "/echo/pem"));
  CHECK(r1.status() == 200);
  CHECK(json_at(r1.body(), "tls_client_cert_sha256") == pki.sha256("client_rsa"));

  HttpOptions p12;
  p12.ca_file = pki.ca();
  p12.client_cert = pki.p12();
  p12.client_cert_type = std::string("P12");
  p12.client_key_passphrase = pki.p12_password();
  p12.timeout_ms = 10000;
  Response r2 = Http(p12).send(Request("GET", mtls.url() + "/echo/p12"));
  CHECK(json_at(r2.body(), "tls_client_cert_sha256") == pki.sha256("client_rsa"));

  // Without a client certificate the server ends the handshake; without the CA the server is not trusted.
  HttpOptions none;
  none.ca_file = pki.ca();
  none.timeout_ms = 10000;
  const Errc no_cert = error_of([&] { Http(none).send(Request("GET", mtls.url() + "/echo/none")); }).errc();
  CHECK((no_cert == Errc::tls || no_cert == Errc::network));
  HttpOptions untrusted = pem;
  untrusted.ca_file.reset();
  CHECK(error_of([&] { Http(untrusted).send(Request("GET", mtls.url() + "/echo/x")); }).errc() == Errc::tls);
  // A wrong passphrase is a configuration error naming no secret.
  HttpOptions wrong = p12;
  wrong.client_key_passphrase = std::string("not-the-passphrase");
  const Error e = error_of([&] { Http(wrong).send(Request("GET", mtls.url() + "/echo/w")); });
  CHECK(std::string(e.what()).find("not-the-passphrase") == std::string::npos);
}
