// RFC 7520 (JOSE cookbook) section 4 signatures and the RFC 8037 Ed25519 entry through the core:
// every signature verifies over its stated signing input, reproducible ones are reproduced, compact
// outputs verify as tokens.
#include <doctest/doctest.h>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jws.hpp"
#include "test_json.hpp"

using namespace m2mauth::core;
using m2mtest::str;

namespace {

bool deterministic(Alg alg) {
  return alg == Alg::hs256 || alg == Alg::hs384 || alg == Alg::hs512 || alg == Alg::rs256 || alg == Alg::rs384 ||
         alg == Alg::rs512 || alg == Alg::eddsa;
}

// One signature of a cookbook entry: the key and the "signing" object.
void check_signature(const std::string &file, const cJSON *jwk, const cJSON *signing, const std::string &payload,
                     bool reproducible) {
  Key key = key_from_jwk(m2mtest::print(jwk));
  const cJSON *prot = m2mtest::find(signing, "protected");
  const cJSON *unprot = m2mtest::find(signing, "unprotected");
  Alg alg = alg_from_name(str(prot != nullptr ? prot : unprot, "alg"));
  const std::string protected_b64 = m2mtest::str_or(signing, "protected_b64u", "");
  const std::string signing_input = str(signing, "sig-input");
  INFO(file << " " << std::string(alg_name(alg)));
  CHECK(signing_input == protected_b64 + "." + base64url_encode(payload));
  const std::string sig = base64url_decode_string(str(signing, "sig"));
  CHECK(verify_bytes(key, alg, signing_input, sig));
  if (reproducible && deterministic(alg)) CHECK(base64url_encode(sign_bytes(key, alg, signing_input)) == str(signing, "sig"));
  if (key.type() != KeyType::oct) CHECK(verify_bytes(key.public_only(), alg, signing_input, sig));
  std::string tampered = signing_input;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(verify_bytes(key, alg, tampered, sig));
}

}  // namespace

TEST_CASE("RFC 7520 4.1 to 4.8: cookbook signatures verify and deterministic ones reproduce") {
  const char *files[] = {"4_1.rsa_v15_signature.json", "4_2.rsa-pss_signature.json", "4_3.ecdsa_signature.json",
                         "4_4.hmac-sha2_integrity_protection.json", "4_5.signature_with_detached_content.json",
                         "4_6.protecting_specific_header_fields.json", "4_7.protecting_content_only.json",
                         "4_8.multiple_signatures.json"};
  int signatures = 0, compact = 0;
  for (const char *f : files) {
    auto doc = m2mtest::load_vector_json(std::string("jose-cookbook/jws/") + f);
    const cJSON *input = m2mtest::member(doc.get(), "input");
    const std::string payload = str(input, "payload");
    const bool reproducible = cJSON_IsTrue(m2mtest::find(doc.get(), "reproducible"));
    const cJSON *keys = m2mtest::member(input, "key"), *signing = m2mtest::member(doc.get(), "signing");
    if (cJSON_IsArray(keys)) {
      REQUIRE(cJSON_GetArraySize(keys) == cJSON_GetArraySize(signing));
      for (int i = 0; i < cJSON_GetArraySize(keys); ++i, ++signatures)
        check_signature(f, cJSON_GetArrayItem(keys, i), cJSON_GetArrayItem(signing, i), payload, reproducible);
    } else {
      check_signature(f, keys, signing, payload, reproducible);
      ++signatures;
    }
    // Compact outputs: 4.1 to 4.4 as they are; 4.5 with its detached payload put back.
    const cJSON *out = m2mtest::member(doc.get(), "output");
    if (m2mtest::has(out, "compact")) {
      std::string token = str(out, "compact");
      std::size_t d1 = token.find('.'), d2 = token.rfind('.');
      if (d2 == d1 + 1) token = token.substr(0, d1 + 1) + base64url_encode(payload) + token.substr(d2);
      Key key = key_from_jwk(m2mtest::print(keys));
      INFO(std::string(f));
      CHECK(jws_verify(key, token, alg_all_bits) == payload);
      const std::string protected_text = base64url_decode_string(str(signing, "protected_b64u"));
      if (reproducible) CHECK(jws_sign_protected(key, protected_text, payload) == token);
      ++compact;
    }
  }
  CHECK(signatures == 10);
  CHECK(compact == 5);
  std::printf("[vectors] %-44s %4d signatures verified, %d compact tokens\n", "jose-cookbook/jws/4_*.json", signatures,
              compact);
}

TEST_CASE("RFC 8037 A.4 from the cookbook's curve25519/jws.json") {
  auto doc = m2mtest::load_vector_json("jose-cookbook/curve25519/jws.json");
  const cJSON *input = m2mtest::member(doc.get(), "input");
  check_signature("curve25519/jws.json", m2mtest::member(input, "key"), m2mtest::member(doc.get(), "signing"),
                  str(input, "payload"), true);
  Key key = key_from_jwk(m2mtest::print(m2mtest::member(input, "key")));
  CHECK(jws_sign_protected(key, "{\"alg\":\"EdDSA\"}", str(input, "payload")) ==
        str(m2mtest::member(doc.get(), "output"), "compact"));
}

TEST_CASE("RFC 7520 section 3 keys load and keep their thumbprints through export and import") {
  const char *files[] = {"3_1.ec_public_key.json", "3_2.ec_private_key.json", "3_3.rsa_public_key.json",
                         "3_4.rsa_private_key.json", "3_5.symmetric_key_mac_computation.json"};
  for (const char *f : files) {
    INFO(std::string(f));
    auto doc = m2mtest::load_vector_json(std::string("jose-cookbook/jwk/") + f);
    Key key = key_from_jwk(m2mtest::print(doc.get()));
    CHECK(key.kid() == str(doc.get(), "kid"));
    const std::string thumb = jwk_thumbprint(key);
    if (key.type() == KeyType::oct) {
      CHECK(jwk_thumbprint(key_from_jwk(private_jwk(key))) == thumb);
    } else {
      CHECK(jwk_thumbprint(key_from_jwk(public_jwk(key))) == thumb);
      if (key.has_private()) CHECK(jwk_thumbprint(key_from_jwk(private_jwk(key))) == thumb);
    }
  }
  // 3.6 is an encryption key ("use":"enc", "alg":"A256GCM"): m2mauth signs only and refuses it.
  auto doc = m2mtest::load_vector_json("jose-cookbook/jwk/3_6.symmetric_key_encryption.json");
  CHECK_THROWS_AS(key_from_jwk(m2mtest::print(doc.get())), Error);
}
