// Every key encoding in m2mauth/jose.json (written by the OpenSSL CLI) through the core's loaders, and
// the core's own PEM/DER export compared with what OpenSSL wrote.
#include <doctest/doctest.h>

#include <functional>

#include "code_of.hpp"
#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jws.hpp"
#include "test_json.hpp"

using namespace m2mauth::core;
using m2mtest::code_of;
using m2mtest::str;

namespace {

Key from_der_text(const std::string &der, const char *pass) {
  return Key::from_der(reinterpret_cast<const std::uint8_t *>(der.data()), der.size(), pass);
}

}  // namespace

TEST_CASE("every PEM and DER form loads as the same key, private forms with their private part") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  int loaded = 0;
  M2MTEST_FOR_EACH(k, m2mtest::member(doc.get(), "keys")) {
    if (str(k, "kty") == "oct") continue;
    const std::string name = k->string, thumb = str(k, "thumbprint"), pass = str(k, "passphrase");
    struct Form {
      const char *member;
      bool priv, der, encrypted;
    } forms[] = {{"pkcs8_pem", true, false, false},          {"pkcs8_der_b64", true, true, false},
                 {"pkcs8_encrypted_pem", true, false, true}, {"pkcs8_encrypted_der_b64", true, true, true},
                 {"pkcs1_pem", true, false, false},          {"pkcs1_der_b64", true, true, false},
                 {"pkcs1_encrypted_pem", true, false, true}, {"pkcs1_public_pem", false, false, false},
                 {"pkcs1_public_der_b64", false, true, false}, {"spki_pem", false, false, false},
                 {"spki_der_b64", false, true, false},       {"sec1_pem", true, false, false},
                 {"sec1_der_b64", true, true, false},        {"sec1_with_params_pem", true, false, false}};
    for (const auto &f : forms) {
      if (!m2mtest::has(k, f.member)) continue;
      INFO(name << " " << std::string(f.member));
      std::string data = str(k, f.member);
      if (f.der) data = m2mtest::base64_decode(data);
      const char *p = f.encrypted ? pass.c_str() : nullptr;
      Key key = f.der ? from_der_text(data, p) : Key::from_pem(data, p);
      CHECK(key.has_private() == f.priv);
      CHECK(key.bits() == static_cast<unsigned>(m2mtest::integer(k, "bits")));
      CHECK(jwk_thumbprint(key) == thumb);
      if (f.encrypted) {
        CHECK(code_of([&] { f.der ? from_der_text(data, nullptr) : Key::from_pem(data, nullptr); }) == Errc::passphrase);
        CHECK(code_of([&] { f.der ? from_der_text(data, "wrong") : Key::from_pem(data, "wrong"); }) == Errc::passphrase);
        CHECK(code_of([&] { f.der ? from_der_text(data, "") : Key::from_pem(data, ""); }) == Errc::passphrase);
      } else if (f.priv) {
        // A passphrase given for a key that is not encrypted is ignored.
        CHECK(jwk_thumbprint(f.der ? from_der_text(data, "unused") : Key::from_pem(data, "unused")) == thumb);
      }
      ++loaded;
    }
    // Export: SPKI PEM and DER byte for byte as `openssl pkey -pubout` writes them.
    Key key = Key::from_pem(str(k, "pkcs8_pem"), nullptr);
    CHECK(key.public_pem() == str(k, "spki_pem"));
    CHECK(key.public_der() == m2mtest::base64_decode(str(k, "spki_der_b64")));
    CHECK(key.private_pem(nullptr) == str(k, "pkcs8_pem"));
    const std::string enc = key.private_pem("export passphrase");
    CHECK(enc.find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos);
    CHECK(jwk_thumbprint(Key::from_pem(enc, "export passphrase")) == thumb);
    CHECK(code_of([&] { Key::from_pem(enc, "export passphrasE"); }) == Errc::passphrase);
    CHECK(code_of([&] { (void)key.private_pem("abc"); }) == Errc::invalid_argument);  // too short to be one
  }
  CHECK(loaded >= 50);
  std::printf("[vectors] %-44s %4d key encodings loaded\n", "m2mauth/jose.json keys", loaded);
}

TEST_CASE("a certificate's public key and fingerprints match what openssl x509 printed") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  const cJSON *c = m2mtest::member(m2mtest::member(doc.get(), "certificates"), "rsa2048-self-signed");
  for (const std::string &data : {str(c, "pem"), m2mtest::base64_decode(str(c, "der_b64"))}) {
    Certificate cert = Certificate::load(data);
    CHECK(cert.fingerprint(HashAlg::sha1, FingerprintFormat::hex_colons) == str(c, "openssl_sha1_fingerprint"));
    CHECK(cert.fingerprint(HashAlg::sha256, FingerprintFormat::hex_colons) == str(c, "openssl_sha256_fingerprint"));
    CHECK(cert.fingerprint(HashAlg::sha1, FingerprintFormat::hex) == str(c, "sha1_hex"));
    CHECK(cert.fingerprint(HashAlg::sha256, FingerprintFormat::hex) == str(c, "sha256_hex"));
    CHECK(cert.fingerprint(HashAlg::sha1, FingerprintFormat::base64url) == str(c, "x5t"));
    CHECK(cert.fingerprint(HashAlg::sha256, FingerprintFormat::base64url) == str(c, "x5t#S256"));
    CHECK(cert.subject() == str(c, "subject_rfc2253"));
    CHECK(cert.not_after() == m2mtest::integer(c, "not_after"));
    CHECK(cert.der() == m2mtest::base64_decode(str(c, "der_b64")));
    CHECK(cert.pem() == str(c, "pem"));
    const cJSON *key = m2mtest::member(m2mtest::member(doc.get(), "keys"), str(c, "key").c_str());
    CHECK(jwk_thumbprint(cert.public_key()) == str(key, "thumbprint"));
    CHECK_FALSE(cert.public_key().has_private());
    // Key::from_pem / from_der also take a certificate and return its public key.
    Key via_key = data.rfind("-----", 0) == 0 ? Key::from_pem(data, nullptr) : from_der_text(data, nullptr);
    CHECK(jwk_thumbprint(via_key) == str(key, "thumbprint"));
  }
}
