// Wycheproof Ed25519 through core::verify_bytes as EdDSA (RFC 8037).
#include "wycheproof_verify.hpp"

using m2mauth::core::Alg;

TEST_CASE("Wycheproof ed25519_test.json as EdDSA") {
  auto t = m2mtest::run_signature_file("ed25519_test.json", Alg::eddsa);
  CHECK(t.valid == 88);
  CHECK(t.invalid == 63);
}
