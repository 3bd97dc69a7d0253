// RFC 7515 A.1-A.4, RFC 8037 A.4/A.5, RFC 7638 3.1 and RFC 7520 4.1-4.4 through the C API.
#include "capi_support.hpp"

using capi::Buf;
using m2mtest::str;

namespace {

const cJSON *rfc(const cJSON *doc, const char *name) {
  M2MTEST_FOR_EACH(e, m2mtest::member(doc, "rfc"))
  if (str(e, "name") == name) return e;
  FAIL("no RFC entry " << name);
  return nullptr;
}

void check_rfc(const cJSON *e) {
  INFO(str(e, "name"));
  auto key = capi::jwk_key(m2mtest::print(m2mtest::member(e, "jwk")));
  const std::string header = str(e, "protected"), payload = str(e, "payload"), token = str(e, "token");
  const int alg = capi::alg(str(e, "alg"));
  REQUIRE(alg > 0);
  Buf signed_token;
  REQUIRE_OK(m2mauth_jws_sign_protected(signed_token.out(), key.get(), capi::bytes(header), header.size(),
                                        capi::bytes(payload), payload.size()));
  // The signing input (what precedes the last dot) is always reproduced; the signature when deterministic.
  const std::string produced = signed_token.str();
  CHECK(produced.substr(0, produced.rfind('.')) == str(e, "signing_input"));
  if (m2mtest::boolean(e, "deterministic")) CHECK(produced == token);
  else CHECK(produced != token);
  std::string out;
  CHECK_STATUS(capi::verify(key.get(), token, m2mauth_alg_bit(alg), &out), M2MAUTH_OK);
  CHECK(out == payload);
  CHECK_STATUS(capi::verify(key.get(), produced, m2mauth_alg_bit(alg), &out), M2MAUTH_OK);
  CHECK(out == payload);
  // The unverified decoder returns the header as JSON and the exact payload bytes.
  Buf h, p;
  REQUIRE_OK(m2mauth_jws_decode_unverified(h.out(), p.out(), token.c_str()));
  CHECK(p.str() == payload);
  CHECK(h.str().find(str(e, "alg")) != std::string::npos);
}

}  // namespace

TEST_CASE("RFC 7515 A.1 (HS256) and A.2 (RS256) are reproduced byte for byte with the exact header bytes") {
  auto doc = capi::jose();
  check_rfc(rfc(doc.get(), "RFC 7515 A.1"));
  check_rfc(rfc(doc.get(), "RFC 7515 A.2"));
}

TEST_CASE("RFC 7515 A.3 (ES256) and A.4 (ES512) verify") {
  auto doc = capi::jose();
  check_rfc(rfc(doc.get(), "RFC 7515 A.3"));
  check_rfc(rfc(doc.get(), "RFC 7515 A.4"));
}

TEST_CASE("RFC 8037 A.4 Ed25519 is reproduced and A.5 validates with the public key") {
  auto doc = capi::jose();
  const cJSON *e = rfc(doc.get(), "RFC 8037 A.4");
  check_rfc(e);
  auto pub = capi::jwk_key(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})");
  CHECK(m2mauth_key_type_of(pub.get()) == M2MAUTH_KEY_OKP);
  CHECK(std::string(m2mauth_key_curve(pub.get())) == "Ed25519");
  CHECK(m2mauth_key_has_private(pub.get()) == 0);
  std::string out;
  CHECK_STATUS(capi::verify(pub.get(), str(e, "token"), M2MAUTH_ALG_BIT(M2MAUTH_ALG_EDDSA), &out), M2MAUTH_OK);
  CHECK(out == "Example of Ed25519 signing");
  std::string bad = str(e, "token");
  bad[bad.size() - 5] = bad[bad.size() - 5] == 'A' ? 'B' : 'A';
  CHECK_STATUS(capi::verify(pub.get(), bad, M2MAUTH_ALG_BIT(M2MAUTH_ALG_EDDSA)), M2MAUTH_ESIGNATURE);
}

TEST_CASE("RFC 7638 3.1 and RFC 8037 A.3 thumbprints and every test key's through m2mauth_key_thumbprint") {
  auto doc = capi::jose();
  int n = 0;
  M2MTEST_FOR_EACH(t, m2mtest::member(doc.get(), "thumbprints")) {
    INFO(str(t, "name"));
    auto key = capi::jwk_key(m2mtest::print(m2mtest::member(t, "jwk")));
    Buf tp;
    REQUIRE_OK(m2mauth_key_thumbprint(tp.out(), key.get()));
    CHECK(tp.str() == str(t, "thumbprint"));
    ++n;
  }
  CHECK(n == 11);
}

TEST_CASE("RFC 7520 4.1-4.4 compact serializations verify and the deterministic ones reproduce") {
  const char *files[] = {"4_1.rsa_v15_signature.json", "4_2.rsa-pss_signature.json", "4_3.ecdsa_signature.json",
                         "4_4.hmac-sha2_integrity_protection.json"};
  for (const char *f : files) {
    INFO(std::string(f));
    auto doc = m2mtest::load_vector_json(std::string("jose-cookbook/jws/") + f);
    const cJSON *input = m2mtest::member(doc.get(), "input"), *signing = m2mtest::member(doc.get(), "signing");
    auto key = capi::jwk_key(m2mtest::print(m2mtest::member(input, "key")));
    const std::string payload = str(input, "payload"), token = str(m2mtest::member(doc.get(), "output"), "compact");
    std::string out;
    const uint32_t alg = m2mauth_alg_bit(capi::alg(str(input, "alg")));
    REQUIRE(alg != 0);
    CHECK_STATUS(capi::verify(key.get(), token, alg, &out), M2MAUTH_OK);
    CHECK(out == payload);
    m2mauth_key *pub = nullptr;
    if (m2mauth_key_type_of(key.get()) != M2MAUTH_KEY_OCT) {
      REQUIRE_OK(m2mauth_key_public(&pub, key.get()));
      capi::KeyPtr pub_holder(pub);
      CHECK_STATUS(capi::verify(pub, token, capi::all_algs()), M2MAUTH_OK);
    }
    // The signing input as the cookbook states it.
    CHECK(token.substr(0, token.rfind('.')) == str(signing, "sig-input"));
    if (cJSON_IsTrue(m2mtest::find(doc.get(), "reproducible"))) {
      const std::string header = m2mtest::base64_decode(str(signing, "protected_b64u"));
      Buf again;
      REQUIRE_OK(m2mauth_jws_sign_protected(again.out(), key.get(), capi::bytes(header), header.size(),
                                            capi::bytes(payload), payload.size()));
      CHECK(again.str() == token);
    }
  }
}
