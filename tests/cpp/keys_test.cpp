// Keys and certificates through m2mauth.hpp: generation, every import and export form, inspection,
// errors, ownership (moves, release), JWKS.
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "loopback.hpp"
#include "wrapper_support.hpp"

using namespace m2mauth;
using cpptest::error_of;

TEST_CASE("the wrapper accepts the loaded library (same version here)") {
  CHECK(version_compatible());
  CHECK(library_version_number() == compiled_version_number);
  CHECK(library_version_string() == M2MAUTH_VERSION_STRING);
  CHECK(library_version_details().find(M2MAUTH_VERSION_STRING) != std::string::npos);
}

TEST_CASE("Key: generation and inspection of every family") {
  Key rsa = Key::generate_rsa(2048);
  CHECK(rsa.type() == KeyType::RSA);
  CHECK(std::string(rsa.kty()) == "RSA");
  CHECK(rsa.bits() == 2048);
  CHECK(rsa.curve().empty());
  CHECK(rsa.has_private());
  CHECK(rsa.default_alg() == Alg::RS256);

  for (auto [curve, alg, bits] : {std::make_tuple("P-256", Alg::ES256, 256u), std::make_tuple("P-384", Alg::ES384, 384u),
                                  std::make_tuple("P-521", Alg::ES512, 521u)}) {
    CAPTURE(curve);
    Key ec = Key::generate_ec(curve);
    CHECK(ec.type() == KeyType::EC);
    CHECK(ec.curve() == curve);
    CHECK(ec.bits() == bits);
    CHECK(ec.default_alg() == alg);
  }
  Key ed = Key::generate_ed25519();
  CHECK(ed.type() == KeyType::OKP);
  CHECK(ed.curve() == "Ed25519");
  CHECK(ed.default_alg() == Alg::EdDSA);

  Key hmac = Key::generate_hmac(48);
  CHECK(hmac.type() == KeyType::oct);
  CHECK(hmac.bits() == 48 * 8);
  CHECK(hmac.default_alg() == Alg::HS256);
  CHECK(error_of([] { Key::generate_ec("P-192"); }).errc() == Errc::unsupported);
  CHECK(error_of([] { Key::generate_rsa(1024); }).errc() == Errc::unsupported);
}

TEST_CASE("Key: PEM, DER, JWK and file round trips keep the thumbprint") {
  Key ec = Key::generate_ec("P-256");
  const std::string thumb = ec.thumbprint();
  CHECK(thumb.size() == 43);  // SHA-256, base64url without padding

  Secret pem = ec.private_pem();
  CHECK(pem.view().rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  CHECK(Key::from_pem(pem.view()).thumbprint() == thumb);

  Secret encrypted = ec.private_pem(std::string("cpp-pass"));
  CHECK(encrypted.view().find("ENCRYPTED PRIVATE KEY") != std::string_view::npos);
  CHECK(Key::from_pem(encrypted.view(), std::string("cpp-pass")).thumbprint() == thumb);
  Error wrong = error_of([&] { Key::from_pem(encrypted.view(), std::string("other-pass")); });
  CHECK(wrong.errc() == Errc::passphrase);
  CHECK(wrong.message().find("other-pass") == std::string::npos);

  Secret jwk = ec.private_jwk();
  CHECK(cpptest::json_at(jwk.view(), "kty") == "EC");
  CHECK(!cpptest::json_at(jwk.view(), "d").empty());
  CHECK(Key::from_jwk(jwk.str()).thumbprint() == thumb);

  Key pub = ec.public_key();
  CHECK(!pub.has_private());
  CHECK(pub.thumbprint() == thumb);
  CHECK(pub.public_pem() == ec.public_pem());
  CHECK(pub.public_pem().rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  CHECK(Key::from_der(ec.public_der()).thumbprint() == thumb);
  CHECK(error_of([&] { pub.private_pem(); }).errc() == Errc::no_private_key);

  std::string public_jwk = ec.public_jwk(std::string("ES256"), std::string("sig"));
  CHECK(cpptest::json_at(public_jwk, "alg") == "ES256");
  CHECK(cpptest::json_at(public_jwk, "use") == "sig");
  CHECK(cpptest::json_at(public_jwk, "d").empty());

  Key rsa = Key::from_file(m2mauth_test::servers_dir() + "/keys/rsa2048.pem");
  CHECK(rsa.type() == KeyType::RSA);
  CHECK(rsa.bits() == 2048);
  // The PKCS#1 copy of the same key loads to the same key.
  CHECK(Key::from_file(m2mauth_test::servers_dir() + "/keys/rsa2048.pkcs1.pem").thumbprint() == rsa.thumbprint());
  CHECK(error_of([] { Key::from_file("/nonexistent/key.pem"); }).errc() == Errc::io);
  Errc garbage = error_of([] { Key::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"); }).errc();
  CHECK((garbage == Errc::key || garbage == Errc::malformed || garbage == Errc::invalid_argument));
}

TEST_CASE("Key: kid, JWKS selection, HMAC secrets, moves and release") {
  Key a = Key::generate_ed25519().with_kid("a");
  Key b = Key::generate_ec("P-256").with_kid("b");
  CHECK(a.kid() == "a");
  std::string set = jwks({&a, &b});
  CHECK(set.find("\"keys\"") != std::string::npos);
  CHECK(Key::from_jwks(set, std::string("b")).thumbprint() == b.thumbprint());
  CHECK(error_of([&] { Key::from_jwks(set, std::string("c")); }).errc() == Errc::not_found);

  Key hmac = Key::from_secret("0123456789abcdef0123456789abcdef");
  CHECK(hmac.type() == KeyType::oct);
  CHECK(error_of([&] { hmac.public_jwk(); }).errc() == Errc::key_type);

  Key moved = std::move(a);
  CHECK(!a);  // NOLINT(bugprone-use-after-move): the moved-from wrapper is empty by contract
  CHECK(moved);
  m2mauth_key *raw = moved.release();
  CHECK(!moved);
  CHECK(m2mauth_key_type_of(raw) == M2MAUTH_KEY_OKP);
  m2mauth_key_free(raw);
}

TEST_CASE("Certificate: self-signed, PEM and DER, fingerprints, public key, subject") {
  Key key = Key::generate_ec("P-256");
  Certificate cert = Certificate::self_signed(key, "cpp-wrapper", 30);
  CHECK(cert.subject() == "CN=cpp-wrapper");
  CHECK(cert.public_key().thumbprint() == key.thumbprint());
  CHECK(cert.not_after() > 0);
  CHECK(cert.pem().rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
  Certificate from_der = Certificate::from_der(cert.der());
  Certificate from_pem = Certificate::from_pem(cert.pem());
  CHECK(from_der.fingerprint() == cert.fingerprint());
  CHECK(from_pem.fingerprint(Hash::sha1, FingerprintFormat::hex) == cert.fingerprint(Hash::sha1, FingerprintFormat::hex));
  std::string colons = cert.fingerprint(Hash::sha256, FingerprintFormat::hex_colons);
  CHECK(colons.size() == 32 * 3 - 1);
  CHECK(cert.fingerprint(Hash::sha256, FingerprintFormat::hex).size() == 64);
  CHECK(cert.fingerprint(Hash::sha256, FingerprintFormat::base64url).size() == 43);
  CHECK(error_of([] { Certificate::from_pem("not a certificate"); }).errc() == Errc::key);
  CHECK(error_of([&] { Certificate::from_pem(cert.der()); }).errc() == Errc::key);  // each reads only its encoding
  CHECK(error_of([&] { Certificate::from_der(cert.pem()); }).errc() == Errc::key);
  CHECK(error_of([] { Certificate::from_file("/nonexistent/cert.pem"); }).errc() == Errc::io);
  std::string fps = a2a::cert_fingerprints(cert);
  CHECK(fps.find(colons) != std::string::npos);
}
