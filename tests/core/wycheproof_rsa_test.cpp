// Wycheproof RSASSA-PKCS1-v1_5 and RSASSA-PSS (2048 bits, SHA-256) through core::verify_bytes.
#include "wycheproof_verify.hpp"

using m2mauth::core::Alg;

TEST_CASE("Wycheproof rsa_signature_2048_sha256_test.json as RS256") {
  auto t = m2mtest::run_signature_file("rsa_signature_2048_sha256_test.json", Alg::rs256);
  CHECK(t.valid == 9);
  CHECK(t.invalid == 249);
}

TEST_CASE("Wycheproof rsa_pss_2048_sha256_mgf1_32_test.json as PS256") {
  // PS256 is RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt (RFC 7518 3.5): this file.
  auto t = m2mtest::run_signature_file("rsa_pss_2048_sha256_mgf1_32_test.json", Alg::ps256);
  CHECK(t.valid == 63);
  CHECK(t.invalid == 45);
}
