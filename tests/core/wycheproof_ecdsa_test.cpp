// Wycheproof ECDSA in IEEE P1363 form (raw R||S, as JWS uses) through core::verify_bytes.
#include "wycheproof_verify.hpp"

using m2mauth::core::Alg;

TEST_CASE("Wycheproof ecdsa_secp256r1_sha256_p1363_test.json as ES256") {
  auto t = m2mtest::run_signature_file("ecdsa_secp256r1_sha256_p1363_test.json", Alg::es256);
  CHECK(t.valid == 173);
  CHECK(t.invalid == 89);
}

TEST_CASE("Wycheproof ecdsa_secp384r1_sha384_p1363_test.json as ES384") {
  auto t = m2mtest::run_signature_file("ecdsa_secp384r1_sha384_p1363_test.json", Alg::es384);
  CHECK(t.valid == 193);
  CHECK(t.invalid == 87);
}
