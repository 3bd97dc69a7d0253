// PKCS#11 keys (m2mauth_key_from_pkcs11) with SoftHSM2: each test process initialises its own token in
// a temporary folder (SOFTHSM2_CONF), generates an RSA and an EC P-256 key inside it with pkcs11-tool,
// signs through the token and verifies outside it; and an mTLS handshake with the loopback fault server
// (client certificate required) whose TLS key never leaves the token.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "m2mauth/m2mauth.h"
#include "support.hpp"

#ifndef M2MAUTH_SOFTHSM_MODULE
#define M2MAUTH_SOFTHSM_MODULE ""
#endif
#ifndef M2MAUTH_SOFTHSM_UTIL
#define M2MAUTH_SOFTHSM_UTIL ""
#endif
#ifndef M2MAUTH_PKCS11_TOOL
#define M2MAUTH_PKCS11_TOOL ""
#endif

namespace {

const char *const kPin = "4321";

struct Buf {
  m2mauth_buf b = M2MAUTH_BUF_INIT;
  ~Buf() { m2mauth_buf_dispose(&b); }
  std::string str() const { return b.ptr ? std::string(reinterpret_cast<const char *>(b.ptr), b.size) : ""; }
};

std::string last_message() { return m2mauth_error_last()->message; }

// A SoftHSM2 token of this process, with keys "rsa1" (RSA 2048) and "ec1" (EC P-256); empty dir when
// SoftHSM2 or pkcs11-tool is missing.
struct Token {
  std::string dir, module = M2MAUTH_SOFTHSM_MODULE, skipped;
  Token() {
    if (module.empty() || std::strlen(M2MAUTH_SOFTHSM_UTIL) == 0 || std::strlen(M2MAUTH_PKCS11_TOOL) == 0) {
      skipped = "SoftHSM2 (softhsm2) or pkcs11-tool (opensc) is not installed";
      return;
    }
    char tmpl[] = "/tmp/m2mauth-pkcs11-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    REQUIRE(std::system(("mkdir -p " + dir + "/tokens").c_str()) == 0);
    std::ofstream(dir + "/softhsm2.conf") << "directories.tokendir = " << dir << "/tokens\nobjectstore.backend = file\n"
                                          << "log.level = ERROR\n";
    setenv("SOFTHSM2_CONF", (dir + "/softhsm2.conf").c_str(), 1);
    const std::string quiet = " > " + dir + "/setup.log 2>&1";
    run(std::string(M2MAUTH_SOFTHSM_UTIL) + " --init-token --free --label m2m-test --pin " + kPin + " --so-pin 87654321" + quiet);
    const std::string tool = std::string(M2MAUTH_PKCS11_TOOL) + " --module " + module + " --token-label m2m-test --login --pin " + kPin;
    run(tool + " --keypairgen --key-type rsa:2048 --label rsa1 --id 01" + quiet);
    run(tool + " --keypairgen --key-type EC:prime256v1 --label ec1 --id 02" + quiet);
  }
  ~Token() {
    if (!dir.empty()) (void)std::system(("rm -rf " + dir).c_str());
  }
  void run(const std::string &cmd) {
    INFO(cmd);
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  std::string uri(const std::string &object) const {
    return "pkcs11:token=m2m-test;object=" + object + ";type=private?module-path=" + module;
  }
};

Token &token() {
  static Token t;
  return t;
}

#define NEED_TOKEN()                                        \
  do {                                                      \
    if (!token().skipped.empty()) {                         \
      MESSAGE("skipped: " << token().skipped);              \
      return;                                               \
    }                                                       \
  } while (0)

m2mauth_key *pkcs11_key(const std::string &object) {
  m2mauth_key *k = nullptr;
  INFO(last_message());
  REQUIRE(m2mauth_key_from_pkcs11(&k, token().uri(object).c_str(), kPin) == M2MAUTH_OK);
  return k;
}

}  // namespace

TEST_CASE("PKCS#11: RSA and EC keys in a SoftHSM2 token sign tokens that verify with their public keys") {
  NEED_TOKEN();
  struct Case {
    const char *object;
    int alg;
  } cases[] = {{"rsa1", M2MAUTH_ALG_RS256}, {"rsa1", M2MAUTH_ALG_PS256}, {"ec1", M2MAUTH_ALG_ES256}};
  for (const Case &c : cases) {
    CAPTURE(c.object);
    CAPTURE(c.alg);
    m2mauth_key *key = pkcs11_key(c.object);
    CHECK(m2mauth_key_has_private(key) == 1);
    CHECK(m2mauth_key_type_of(key) == (c.alg == M2MAUTH_ALG_ES256 ? M2MAUTH_KEY_EC : M2MAUTH_KEY_RSA));
    // The private key stays in the token: it cannot be exported.
    Buf pem;
    CHECK(m2mauth_key_private_pem(&pem.b, key, nullptr) == M2MAUTH_ENOPRIVATE);
    CHECK(m2mauth_key_private_jwk(&pem.b, key) == M2MAUTH_ENOPRIVATE);
    // An RFC 7523 client assertion, signed by the token.
    m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
    h.alg = c.alg;
    Buf jwt;
    INFO(last_message());
    REQUIRE(m2mauth_jwt_sign_json(&jwt.b, key,
                                  "{\"iss\":\"svc\",\"sub\":\"svc\",\"aud\":\"https://as.example/token\",\"jti\":\"j1\"}",
                                  &h) == M2MAUTH_OK);
    // Verified outside the token: a public key from its SPKI PEM.
    Buf pub_pem;
    REQUIRE(m2mauth_key_public_pem(&pub_pem.b, key) == M2MAUTH_OK);
    m2mauth_key *pub = nullptr;
    REQUIRE(m2mauth_key_from_pem(&pub, pub_pem.b.ptr, pub_pem.b.size, nullptr) == M2MAUTH_OK);
    m2mauth_verifier *v = nullptr;
    REQUIRE(m2mauth_verifier_new(&v, pub, M2MAUTH_ALG_BIT(c.alg)) == M2MAUTH_OK);
    REQUIRE(m2mauth_verifier_add_audience(v, "https://as.example/token") == M2MAUTH_OK);
    m2mauth_claims *claims = nullptr;
    CHECK(m2mauth_verifier_verify(&claims, v, jwt.str().c_str()) == M2MAUTH_OK);
    m2mauth_claims_free(claims);
    m2mauth_verifier_free(v);
    m2mauth_key_free(pub);
    m2mauth_key_free(key);
  }
}

TEST_CASE("PKCS#11: a wrong PIN or object is M2MAUTH_EKEY, and the PIN never appears in the message") {
  NEED_TOKEN();
  m2mauth_key *k = nullptr;
  CHECK(m2mauth_key_from_pkcs11(&k, token().uri("rsa1").c_str(), "99999999") == M2MAUTH_EKEY);
  CHECK(last_message().find("99999999") == std::string::npos);
  CHECK(k == nullptr);
  CHECK(m2mauth_key_from_pkcs11(&k, token().uri("no-such-key").c_str(), kPin) == M2MAUTH_EKEY);
  CHECK(last_message().find(kPin) == std::string::npos);
  // A pin-value in the URI works, and is redacted in messages.
  std::string with_pin = "pkcs11:token=m2m-test;object=ec1;type=private;pin-value=" + std::string(kPin) +
                         "?module-path=" + token().module;
  REQUIRE(m2mauth_key_from_pkcs11(&k, with_pin.c_str(), nullptr) == M2MAUTH_OK);
  m2mauth_key_free(k);
  k = nullptr;
  std::string missing = "pkcs11:token=m2m-test;object=nothing;pin-value=" + std::string(kPin) + "?module-path=" + token().module;
  CHECK(m2mauth_key_from_pkcs11(&k, missing.c_str(), nullptr) == M2MAUTH_EKEY);
  CHECK(last_message().find("object=nothing") != std::string::npos);
  CHECK(last_message().find(kPin) == std::string::npos);
  CHECK(m2mauth_key_from_pkcs11(&k, "file:///etc/passwd", nullptr) == M2MAUTH_EINVAL);
  // An HTTP configuration with a pin-value in its client_key describes itself without the PIN.
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  o.client_cert = "/nonexistent/client.pem";
  o.client_key = with_pin.c_str();
  Buf described;
  REQUIRE(m2mauth_http_options_describe(&described.b, &o) == M2MAUTH_OK);
  CHECK(described.str().find(kPin) == std::string::npos);
  CHECK(described.str().find("pin-value=<redacted>") != std::string::npos);
}

TEST_CASE("PKCS#11: mTLS with the client key in the token") {
  NEED_TOKEN();
  const http_test::Pki &pki = http_test::Pki::get();
  // A client certificate from the test CA for the token's RSA public key.
  m2mauth_key *key = pkcs11_key("rsa1");
  Buf pub_pem;
  REQUIRE(m2mauth_key_public_pem(&pub_pem.b, key) == M2MAUTH_OK);
  m2mauth_key_free(key);
  const std::string pub = token().dir + "/client.pub.pem", cert = token().dir + "/client.pem";
  std::ofstream(pub) << pub_pem.str();
  token().run(std::string(M2MAUTH_OPENSSL) + " x509 -new -subj /CN=hsm-client -force_pubkey " + pub + " -CA " +
              pki.ca() + " -CAkey " + pki.key("ca") + " -days 1 -out " + cert + " > " + token().dir + "/x509.log 2>&1");

  http_test::Server srv = http_test::fault_tls_server("server", true);
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  const std::string ca = pki.ca();
  o.ca_file = ca.c_str();
  const std::string key_uri = token().uri("rsa1");
  o.client_cert = cert.c_str();
  o.client_key = key_uri.c_str();
  o.client_key_passphrase = kPin;  // the token's PIN
  Buf described;
  INFO(last_message());
  REQUIRE(m2mauth_http_options_describe(&described.b, &o) == M2MAUTH_OK);
  CHECK(described.str().find(kPin) == std::string::npos);
  m2mauth_http *http = nullptr;
  INFO(last_message());
  REQUIRE(m2mauth_http_new(&http, &o) == M2MAUTH_OK);
  m2mauth_request *req = nullptr;
  REQUIRE(m2mauth_request_new(&req, "GET", (srv.url() + "/echo/mtls").c_str()) == M2MAUTH_OK);
  m2mauth_response *resp = nullptr;
  INFO(srv.log());
  REQUIRE(m2mauth_http_send(&resp, http, req) == M2MAUTH_OK);
  CHECK(m2mauth_response_status(resp) == 200);
  size_t len = 0;
  const uint8_t *body = m2mauth_response_body(resp, &len);
  m2mauth_cert *c = nullptr;
  REQUIRE(m2mauth_cert_from_file(&c, cert.c_str()) == M2MAUTH_OK);
  Buf fp;
  REQUIRE(m2mauth_cert_fingerprint(&fp.b, c, M2MAUTH_HASH_SHA256, M2MAUTH_FP_HEX) == M2MAUTH_OK);
  http_test::Json echo(std::string(reinterpret_cast<const char *>(body), len));
  CHECK(echo.str("tls_client_cert_sha256") == fp.str());
  m2mauth_cert_free(c);
  m2mauth_response_free(resp);
  m2mauth_request_free(req);
  m2mauth_http_free(http);
}
