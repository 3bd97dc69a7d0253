// Key loading and export through the C API: every encoding in m2mauth/jose.json (written by the
// OpenSSL CLI), files, encrypted keys with right/wrong/missing passphrase, JWK and JWKS by kid,
// certificates and their fingerprints.
#include <cstdio>
#include <unistd.h>

#include "capi_support.hpp"

using capi::Buf;
using m2mtest::str;

namespace {

std::string temp_file(const std::string &content) {
  char path[] = "/tmp/m2mauth-key-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  close(fd);
  return path;
}

std::string thumbprint(const m2mauth_key *key) {
  Buf tp;
  REQUIRE_OK(m2mauth_key_thumbprint(tp.out(), key));
  return tp.str();
}

}  // namespace

TEST_CASE("every PEM and DER encoding loads through m2mauth_key_from_pem, _der and _file") {
  auto doc = capi::jose();
  int n = 0;
  M2MTEST_FOR_EACH(k, m2mtest::member(doc.get(), "keys")) {
    if (str(k, "kty") == "oct") continue;
    const std::string pass = str(k, "passphrase");
    M2MTEST_FOR_EACH(form, k) {
      const std::string f = form->string;
      const bool pem = f.size() > 4 && f.compare(f.size() - 4, 4, "_pem") == 0;
      const bool der = f.size() > 8 && f.compare(f.size() - 8, 8, "_der_b64") == 0;
      if (!pem && !der) continue;
      INFO(std::string(k->string) << " " << f);
      const std::string data = der ? m2mtest::base64_decode(form->valuestring) : std::string(form->valuestring);
      const bool encrypted = f.find("encrypted") != std::string::npos;
      const bool priv = f.find("public") == std::string::npos && f.find("spki") == std::string::npos;
      const char *p = encrypted ? pass.c_str() : nullptr;
      m2mauth_key *raw = nullptr;
      REQUIRE_OK(der ? m2mauth_key_from_der(&raw, capi::bytes(data), data.size(), p)
                     : m2mauth_key_from_pem(&raw, capi::bytes(data), data.size(), p));
      capi::KeyPtr key(raw);
      CHECK(m2mauth_key_has_private(raw) == (priv ? 1 : 0));
      CHECK(m2mauth_key_bits(raw) == m2mtest::integer(k, "bits"));
      CHECK(thumbprint(raw) == str(k, "thumbprint"));
      CHECK(std::string(m2mauth_key_curve(raw)) == m2mtest::str_or(k, "crv", ""));
      // The same bytes from a file.
      const std::string path = temp_file(data);
      m2mauth_key *from_file = nullptr;
      CHECK_STATUS(m2mauth_key_from_file(&from_file, path.c_str(), p), M2MAUTH_OK);
      capi::KeyPtr file_key(from_file);
      if (from_file != nullptr) CHECK(thumbprint(from_file) == str(k, "thumbprint"));
      if (encrypted) {
        m2mauth_key *none = nullptr;
        CHECK_STATUS(der ? m2mauth_key_from_der(&none, capi::bytes(data), data.size(), nullptr)
                         : m2mauth_key_from_pem(&none, capi::bytes(data), data.size(), nullptr),
                     M2MAUTH_EPASSPHRASE);
        CHECK_STATUS(der ? m2mauth_key_from_der(&none, capi::bytes(data), data.size(), "not the passphrase")
                         : m2mauth_key_from_pem(&none, capi::bytes(data), data.size(), "not the passphrase"),
                     M2MAUTH_EPASSPHRASE);
        CHECK_STATUS(m2mauth_key_from_file(&none, path.c_str(), nullptr), M2MAUTH_EPASSPHRASE);
        CHECK_STATUS(m2mauth_key_from_file(&none, path.c_str(), pass.substr(1).c_str()), M2MAUTH_EPASSPHRASE);
        CHECK(none == nullptr);
        // The passphrase never appears in the error message.
        CHECK(std::string(m2mauth_error_last()->message).find(pass.substr(1)) == std::string::npos);
      }
      std::remove(path.c_str());
      ++n;
    }
  }
  CHECK(n >= 55);
}

TEST_CASE("exports: SPKI PEM/DER as OpenSSL writes them, PKCS#8 round trip, encrypted export") {
  auto doc = capi::jose();
  for (const char *name : {"rsa2048", "ec_p256", "ec_p384", "ec_p521", "ed25519"}) {
    INFO(std::string(name));
    const cJSON *k = m2mtest::member(m2mtest::member(doc.get(), "keys"), name);
    auto key = capi::pem_key(str(k, "pkcs8_pem"));
    Buf spki, spki_der, pkcs8, enc, pub_jwk, priv_jwk;
    REQUIRE_OK(m2mauth_key_public_pem(spki.out(), key.get()));
    CHECK(spki.str() == str(k, "spki_pem"));
    CHECK(spki.b.ptr[spki.b.size] == 0);  // text outputs are NUL-terminated
    REQUIRE_OK(m2mauth_key_public_der(spki_der.out(), key.get()));
    CHECK(spki_der.str() == m2mtest::base64_decode(str(k, "spki_der_b64")));
    REQUIRE_OK(m2mauth_key_private_pem(pkcs8.out(), key.get(), nullptr));
    CHECK(pkcs8.str() == str(k, "pkcs8_pem"));
    REQUIRE_OK(m2mauth_key_private_pem(enc.out(), key.get(), "an export passphrase"));
    auto again = capi::pem_key(enc.str(), "an export passphrase");
    CHECK(thumbprint(again.get()) == str(k, "thumbprint"));
    m2mauth_key *raw = nullptr;
    CHECK_STATUS(m2mauth_key_from_pem(&raw, capi::bytes(enc.str()), enc.b.size, "an export passphrasE"), M2MAUTH_EPASSPHRASE);
    CHECK_STATUS(m2mauth_key_from_pem(&raw, capi::bytes(enc.str()), enc.b.size, nullptr), M2MAUTH_EPASSPHRASE);
    // JWK export equals jwcrypto's members (order aside) and re-imports to the same key.
    REQUIRE_OK(m2mauth_key_public_jwk(pub_jwk.out(), key.get(), nullptr, nullptr));
    REQUIRE_OK(m2mauth_key_private_jwk(priv_jwk.out(), key.get()));
    auto mine = m2mtest::parse_json(pub_jwk.str()), theirs = m2mtest::parse_json(m2mtest::print(m2mtest::member(k, "public_jwk")));
    cJSON_DeleteItemFromObject(theirs.get(), "kid");
    CHECK(cJSON_Compare(mine.get(), theirs.get(), true));
    auto mine_priv = m2mtest::parse_json(priv_jwk.str()), theirs_priv = m2mtest::parse_json(m2mtest::print(m2mtest::member(k, "private_jwk")));
    cJSON_DeleteItemFromObject(theirs_priv.get(), "kid");
    CHECK(cJSON_Compare(mine_priv.get(), theirs_priv.get(), true));
    CHECK(thumbprint(capi::jwk_key(pub_jwk.str()).get()) == str(k, "thumbprint"));
    CHECK(thumbprint(capi::jwk_key(priv_jwk.str()).get()) == str(k, "thumbprint"));
    // kid, alg and use are added on request.
    m2mauth_key *with_kid = nullptr;
    REQUIRE_OK(m2mauth_key_with_kid(&with_kid, key.get(), "kid-1"));
    capi::KeyPtr wk(with_kid);
    Buf decorated;
    REQUIRE_OK(m2mauth_key_public_jwk(decorated.out(), with_kid, "ES256", "sig"));
    auto d = m2mtest::parse_json(decorated.str());
    CHECK(str(d.get(), "kid") == "kid-1");
    CHECK(str(d.get(), "alg") == "ES256");
    CHECK(str(d.get(), "use") == "sig");
    CHECK(thumbprint(with_kid) == str(k, "thumbprint"));
  }
}

TEST_CASE("HMAC keys: secret bytes, JWK, no public form") {
  auto doc = capi::jose();
  const cJSON *k = m2mtest::member(m2mtest::member(doc.get(), "keys"), "hmac256");
  const std::string secret = m2mtest::base64_decode(str(k, "secret_b64url"));
  m2mauth_key *raw = nullptr;
  REQUIRE_OK(m2mauth_key_from_secret(&raw, capi::bytes(secret), secret.size()));
  capi::KeyPtr key(raw);
  CHECK(m2mauth_key_type_of(raw) == M2MAUTH_KEY_OCT);
  CHECK(m2mauth_key_bits(raw) == 256);
  CHECK(m2mauth_key_has_private(raw) == 1);
  CHECK(std::string(m2mauth_key_curve(raw)).empty());
  CHECK(thumbprint(raw) == str(k, "thumbprint"));
  Buf out;
  CHECK_STATUS(m2mauth_key_public_jwk(out.out(), raw, nullptr, nullptr), M2MAUTH_EKEYTYPE);
  CHECK_STATUS(m2mauth_key_public_pem(out.out(), raw), M2MAUTH_EKEYTYPE);
  CHECK_STATUS(m2mauth_key_private_pem(out.out(), raw, nullptr), M2MAUTH_EKEYTYPE);
  m2mauth_key *pub = nullptr;
  CHECK_STATUS(m2mauth_key_public(&pub, raw), M2MAUTH_EKEYTYPE);
  CHECK(pub == nullptr);
  REQUIRE_OK(m2mauth_key_private_jwk(out.out(), raw));
  auto jwk = m2mtest::parse_json(out.str());
  CHECK(str(jwk.get(), "k") == str(k, "secret_b64url"));
  // The secret never shows in an error message.
  CHECK_STATUS(m2mauth_key_public_jwk(out.out(), raw, nullptr, nullptr), M2MAUTH_EKEYTYPE);
  CHECK(std::string(m2mauth_error_last()->message).find(str(k, "secret_b64url")) == std::string::npos);
  // Generated keys have the requested sizes.
  m2mauth_key *gen = nullptr;
  REQUIRE_OK(m2mauth_key_generate_hmac(&gen, 64));
  capi::KeyPtr g(gen);
  CHECK(m2mauth_key_bits(gen) == 512);
  CHECK_STATUS(m2mauth_key_generate_hmac(&gen, 15), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_key_generate_hmac(&gen, 1025), M2MAUTH_EINVAL);
}

TEST_CASE("JWKS: by kid, the only key without kid, not found, several keys without kid") {
  auto doc = capi::jose();
  const cJSON *keys = m2mtest::member(doc.get(), "keys");
  std::string set = "{\"keys\":[";
  for (const char *n : {"rsa2048", "ec_p256", "ec_p384", "ed25519"})
    set += m2mtest::print(m2mtest::member(m2mtest::member(keys, n), "public_jwk")) + ",";
  set.back() = ']';
  set += "}";
  for (const char *n : {"rsa2048", "ec_p256", "ec_p384", "ed25519"}) {
    INFO(std::string(n));
    m2mauth_key *raw = nullptr;
    REQUIRE_OK(m2mauth_key_from_jwks(&raw, set.c_str(), n));
    capi::KeyPtr key(raw);
    CHECK(std::string(m2mauth_key_kid(raw)) == n);
    CHECK(thumbprint(raw) == str(m2mtest::member(keys, n), "thumbprint"));
  }
  m2mauth_key *raw = nullptr;
  CHECK_STATUS(m2mauth_key_from_jwks(&raw, set.c_str(), "no-such-kid"), M2MAUTH_ENOTFOUND);
  CHECK_STATUS(m2mauth_key_from_jwks(&raw, set.c_str(), nullptr), M2MAUTH_ENOTFOUND);
  CHECK(raw == nullptr);
  const std::string one = "{\"keys\":[" + m2mtest::print(m2mtest::member(m2mtest::member(keys, "ed25519"), "public_jwk")) + "]}";
  REQUIRE_OK(m2mauth_key_from_jwks(&raw, one.c_str(), nullptr));
  capi::KeyPtr only(raw);
  CHECK(m2mauth_key_type_of(raw) == M2MAUTH_KEY_OKP);
  // Unsupported members of a set are skipped (an X25519 key, a secp256k1 key, a symmetric encryption key).
  const std::string mixed = R"({"keys":[{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"},)"
                            R"({"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"},)" +
                            m2mtest::print(m2mtest::member(m2mtest::member(keys, "ec_p256"), "public_jwk")) + "]}";
  REQUIRE_OK(m2mauth_key_from_jwks(&raw, mixed.c_str(), nullptr));
  capi::KeyPtr skipped(raw);
  CHECK(std::string(m2mauth_key_kid(raw)) == "ec_p256");
  // m2mauth_key_jwks writes a set that reads back.
  const m2mauth_key *list[] = {only.get(), skipped.get()};
  Buf jwks;
  REQUIRE_OK(m2mauth_key_jwks(jwks.out(), list, 2));
  REQUIRE_OK(m2mauth_key_from_jwks(&raw, jwks.str().c_str(), "ec_p256"));
  capi::KeyPtr back(raw);
  CHECK(thumbprint(raw) == str(m2mtest::member(keys, "ec_p256"), "thumbprint"));
}

TEST_CASE("certificates: load PEM/DER/file, public key, fingerprints as openssl x509 prints them") {
  auto doc = capi::jose();
  const cJSON *c = m2mtest::member(m2mtest::member(doc.get(), "certificates"), "rsa2048-self-signed");
  const std::string pem = str(c, "pem"), der = m2mtest::base64_decode(str(c, "der_b64")), path = temp_file(pem);
  for (int source = 0; source < 3; ++source) {
    INFO("source " << source);
    m2mauth_cert *raw = nullptr;
    if (source == 0) REQUIRE_OK(m2mauth_cert_from_pem(&raw, capi::bytes(pem), pem.size()));
    if (source == 1) REQUIRE_OK(m2mauth_cert_from_der(&raw, capi::bytes(der), der.size()));
    if (source == 2) REQUIRE_OK(m2mauth_cert_from_file(&raw, path.c_str()));
    capi::CertPtr cert(raw);
    struct {
      int hash, format;
      const char *member;
    } fps[] = {{M2MAUTH_HASH_SHA1, M2MAUTH_FP_HEX_COLONS, "openssl_sha1_fingerprint"},
               {M2MAUTH_HASH_SHA256, M2MAUTH_FP_HEX_COLONS, "openssl_sha256_fingerprint"},
               {M2MAUTH_HASH_SHA1, M2MAUTH_FP_HEX, "sha1_hex"},
               {M2MAUTH_HASH_SHA256, M2MAUTH_FP_HEX, "sha256_hex"},
               {M2MAUTH_HASH_SHA1, M2MAUTH_FP_BASE64URL, "x5t"},
               {M2MAUTH_HASH_SHA256, M2MAUTH_FP_BASE64URL, "x5t#S256"}};
    for (const auto &fp : fps) {
      Buf out;
      REQUIRE_OK(m2mauth_cert_fingerprint(out.out(), raw, fp.hash, fp.format));
      CHECK(out.str() == str(c, fp.member));
    }
    Buf out;
    CHECK_STATUS(m2mauth_cert_fingerprint(out.out(), raw, 3, M2MAUTH_FP_HEX), M2MAUTH_EINVAL);
    CHECK_STATUS(m2mauth_cert_fingerprint(out.out(), raw, M2MAUTH_HASH_SHA1, 0), M2MAUTH_EINVAL);
    REQUIRE_OK(m2mauth_cert_subject(out.out(), raw));
    CHECK(out.str() == str(c, "subject_rfc2253"));
    CHECK(m2mauth_cert_not_after(raw) == m2mtest::integer(c, "not_after"));
    REQUIRE_OK(m2mauth_cert_der(out.out(), raw));
    CHECK(out.str() == der);
    REQUIRE_OK(m2mauth_cert_pem(out.out(), raw));
    CHECK(out.str() == pem);
    m2mauth_key *pub = nullptr;
    REQUIRE_OK(m2mauth_cert_public_key(&pub, raw));
    capi::KeyPtr pk(pub);
    CHECK(m2mauth_key_has_private(pub) == 0);
    CHECK(thumbprint(pub) == str(m2mtest::member(m2mtest::member(doc.get(), "keys"), "rsa2048"), "thumbprint"));
  }
  // Each constructor reads only its own encoding, and DER must hold nothing after the certificate.
  m2mauth_cert *wrong = nullptr;
  CHECK_STATUS(m2mauth_cert_from_pem(&wrong, capi::bytes(der), der.size()), M2MAUTH_EKEY);
  CHECK_STATUS(m2mauth_cert_from_der(&wrong, capi::bytes(pem), pem.size()), M2MAUTH_EKEY);
  const std::string trailing = der + "x";
  CHECK_STATUS(m2mauth_cert_from_der(&wrong, capi::bytes(trailing), trailing.size()), M2MAUTH_EKEY);
  CHECK(wrong == nullptr);
  // A key loader given a certificate returns its public key.
  auto via_key = capi::pem_key(pem);
  CHECK(thumbprint(via_key.get()) == str(m2mtest::member(m2mtest::member(doc.get(), "keys"), "rsa2048"), "thumbprint"));
  std::remove(path.c_str());
}

TEST_CASE("x5t, x5t#S256 and x5c header members come from the certificate") {
  auto doc = capi::jose();
  const cJSON *c = m2mtest::member(m2mtest::member(doc.get(), "certificates"), "rsa2048-self-signed");
  auto key = capi::test_key(doc.get(), "rsa2048");
  m2mauth_cert *raw = nullptr;
  REQUIRE_OK(m2mauth_cert_from_pem(&raw, capi::bytes(str(c, "pem")), str(c, "pem").size()));
  capi::CertPtr cert(raw);
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  h.cert = raw;
  h.cert_members = M2MAUTH_HEADER_X5T | M2MAUTH_HEADER_X5T_S256 | M2MAUTH_HEADER_X5C;
  Buf token, header, payload;
  REQUIRE_OK(m2mauth_jws_sign(token.out(), key.get(), capi::bytes(std::string("x")), 1, &h));
  REQUIRE_OK(m2mauth_jws_decode_unverified(header.out(), payload.out(), token.c_str()));
  auto j = m2mtest::parse_json(header.str());
  CHECK(str(j.get(), "x5t") == str(c, "x5t"));
  CHECK(str(j.get(), "x5t#S256") == str(c, "x5t#S256"));
  CHECK(m2mtest::base64_decode(m2mtest::member(j.get(), "x5c")->child->valuestring) == m2mtest::base64_decode(str(c, "der_b64")));
  CHECK(str(j.get(), "kid") == "rsa2048");
  h.cert = nullptr;
  CHECK_STATUS(m2mauth_jws_sign(token.out(), key.get(), capi::bytes(std::string("x")), 1, &h), M2MAUTH_EINVAL);
}
