// RFC 7515 appendix A, RFC 8037 appendix A and RFC 7638 section 3.1 through the core, step by step:
// signing input, signature, token.
#include <doctest/doctest.h>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jws.hpp"
#include "test_json.hpp"

using namespace m2mauth::core;
using m2mtest::str;

namespace {

const cJSON *rfc_entry(const cJSON *doc, const char *name) {
  M2MTEST_FOR_EACH(e, m2mtest::member(doc, "rfc"))
  if (str(e, "name") == name) return e;
  FAIL("no RFC entry " << name);
  return nullptr;
}

void check_entry(const cJSON *e) {
  INFO(str(e, "name"));
  Key key = key_from_jwk(m2mtest::print(m2mtest::member(e, "jwk")));
  Alg alg = alg_from_name(str(e, "alg"));
  const std::string protected_header = str(e, "protected"), payload = str(e, "payload");
  const Key verifier = key.type() == KeyType::oct ? key : key.public_only();

  // Step 1: the encoded parts and the signing input.
  CHECK(base64url_encode(protected_header) == str(e, "protected_b64"));
  CHECK(base64url_encode(payload) == str(e, "payload_b64"));
  const std::string signing_input = str(e, "signing_input");
  CHECK(str(e, "protected_b64") + "." + str(e, "payload_b64") == signing_input);

  // Step 2: the raw signature verifies over the signing input; a deterministic one is reproduced.
  const std::string signature = base64url_decode_string(str(e, "signature_b64"));
  CHECK(verify_bytes(key, alg, signing_input, signature));
  if (m2mtest::boolean(e, "deterministic")) {
    CHECK(base64url_encode(sign_bytes(key, alg, signing_input)) == str(e, "signature_b64"));
    // Step 3: the whole token, byte for byte.
    CHECK(jws_sign_protected(key, protected_header, payload) == str(e, "token"));
  } else {
    // Randomised: a fresh signature differs but verifies.
    std::string fresh = jws_sign_protected(key, protected_header, payload);
    CHECK(fresh != str(e, "token"));
    CHECK(jws_verify(verifier, fresh, alg_bit(alg)) == payload);
  }
  CHECK(jws_verify(verifier, str(e, "token"), alg_bit(alg)) == payload);
  // One flipped signature bit fails.
  std::string bad = signature;
  bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x01);
  CHECK_FALSE(verify_bytes(key, alg, signing_input, bad));
}

}  // namespace

TEST_CASE("RFC 7515 A.1 HS256 is reproduced byte for byte") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  const cJSON *e = rfc_entry(doc.get(), "RFC 7515 A.1");
  CHECK(str(e, "protected") == "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
  check_entry(e);
  CHECK(str(e, "token") ==
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
}

TEST_CASE("RFC 7515 A.2 RS256 is reproduced byte for byte") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  check_entry(rfc_entry(doc.get(), "RFC 7515 A.2"));
}

TEST_CASE("RFC 7515 A.3 ES256 and A.4 ES512 verify") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  check_entry(rfc_entry(doc.get(), "RFC 7515 A.3"));
  check_entry(rfc_entry(doc.get(), "RFC 7515 A.4"));
}

TEST_CASE("RFC 8037 A.4 Ed25519 signing and A.5 validation") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  const cJSON *e = rfc_entry(doc.get(), "RFC 8037 A.4");
  check_entry(e);
  // A.5: validation with the public key alone (A.2).
  Key pub = key_from_jwk(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})");
  CHECK_FALSE(pub.has_private());
  CHECK(jws_verify(pub, str(e, "token"), alg_bit(Alg::eddsa)) == "Example of Ed25519 signing");
}

TEST_CASE("RFC 7638 3.1 and RFC 8037 A.3 thumbprints, and every test key's") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  int n = 0;
  M2MTEST_FOR_EACH(t, m2mtest::member(doc.get(), "thumbprints")) {
    INFO(str(t, "name"));
    Key key = key_from_jwk(m2mtest::print(m2mtest::member(t, "jwk")));
    CHECK(jwk_thumbprint(key) == str(t, "thumbprint"));
    if (key.has_private() && key.type() != KeyType::oct) CHECK(jwk_thumbprint(key.public_only()) == str(t, "thumbprint"));
    ++n;
  }
  CHECK(n >= 11);
  // The RFC 7638 key carries alg and kid, which must not change the thumbprint.
  Key k = key_from_jwk(m2mtest::print(m2mtest::member(m2mtest::member(doc.get(), "thumbprints")->child, "jwk")));
  CHECK(k.kid() == "2011-04-29");
  CHECK(jwk_thumbprint(k) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}
