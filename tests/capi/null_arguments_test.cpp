// NULL for every pointer argument of every function in common.h, errors.h, util.h, key.h, jws.h and
// jwt.h: a call that can fail returns M2MAUTH_EINVAL with the error record set and leaves its
// out-parameters empty; a getter returns its documented default; every _free() accepts NULL.
#include "capi_support.hpp"

using capi::Buf;

namespace {

// A pointer value no call may keep: each failed constructor must reset *out to NULL.
template <typename T>
T *sentinel() {
  return reinterpret_cast<T *>(static_cast<std::uintptr_t>(0x10));
}

#define CHECK_EINVAL(expr) CHECK_STATUS(expr, M2MAUTH_EINVAL)

// out-handle constructors: EINVAL and *out reset to NULL.
#define CHECK_EINVAL_OUT(T, call_with_out)         \
  do {                                             \
    T *out_ = sentinel<T>();                       \
    CHECK_EINVAL(call_with_out);                   \
    CHECK(out_ == nullptr);                        \
  } while (0)

// buffer outputs: EINVAL and a buffer that held data is empty afterwards.
#define CHECK_EINVAL_BUF(call_with_buf)                                              \
  do {                                                                               \
    Buf buf_;                                                                        \
    REQUIRE_OK(m2mauth_util_base64url_encode(buf_.out(), capi::bytes(std::string("old")), 3)); \
    CHECK_EINVAL(call_with_buf);                                                     \
    CHECK(buf_.b.ptr == nullptr);                                                    \
    CHECK(buf_.b.size == 0);                                                         \
  } while (0)

int64_t clock_cb(void *) { return 0; }

}  // namespace

TEST_CASE("common.h, errors.h, util.h with NULL") {
  m2mauth_buf_dispose(nullptr);
  CHECK(m2mauth_error_last() != nullptr);
  CHECK(std::string(m2mauth_error_name(12345)) == "unknown");
  CHECK_EINVAL(m2mauth_util_random_bytes(nullptr, 16));
  CHECK_EINVAL(m2mauth_util_uuid_v4(nullptr));
  CHECK_EINVAL(m2mauth_util_base64url_encode(nullptr, capi::bytes(std::string("x")), 1));
  CHECK_EINVAL_BUF(m2mauth_util_base64url_encode(&buf_.b, nullptr, 5));
  CHECK_EINVAL(m2mauth_util_base64url_decode(nullptr, "AA"));
  CHECK_EINVAL_BUF(m2mauth_util_base64url_decode(&buf_.b, nullptr));
  Buf empty;
  REQUIRE_OK(m2mauth_util_base64url_encode(empty.out(), nullptr, 0));  // (NULL, 0) is the empty input
  CHECK(empty.str().empty());
  CHECK(empty.b.ptr != nullptr);
  CHECK(empty.b.ptr[0] == 0);
  CHECK(m2mauth_util_constant_time_equal(nullptr, 0, nullptr, 0) == 1);
  CHECK(m2mauth_util_constant_time_equal(nullptr, 3, capi::bytes(std::string("abc")), 3) == 0);
  CHECK(m2mauth_util_constant_time_equal(capi::bytes(std::string("abc")), 3, nullptr, 3) == 0);
}

TEST_CASE("key.h with NULL") {
  auto doc = capi::jose();
  auto key = capi::test_key(doc.get(), "ec_p256");
  const std::string pem = m2mtest::str(m2mtest::member(m2mtest::member(doc.get(), "keys"), "ec_p256"), "pkcs8_pem");
  CHECK_EINVAL(m2mauth_key_generate_rsa(nullptr, 2048));
  CHECK_EINVAL(m2mauth_key_generate_ec(nullptr, "P-256"));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_generate_ec(&out_, nullptr));
  CHECK_EINVAL(m2mauth_key_generate_ed25519(nullptr));
  CHECK_EINVAL(m2mauth_key_generate_hmac(nullptr, 32));
  CHECK_EINVAL(m2mauth_key_from_secret(nullptr, capi::bytes(pem), 32));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_from_secret(&out_, nullptr, 32));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_from_secret(&out_, nullptr, 0));
  CHECK_EINVAL(m2mauth_key_from_pem(nullptr, capi::bytes(pem), pem.size(), nullptr));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_from_pem(&out_, nullptr, 10, nullptr));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_from_pem(&out_, nullptr, 0, nullptr));
  CHECK_EINVAL(m2mauth_key_from_der(nullptr, capi::bytes(pem), pem.size(), nullptr));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_from_der(&out_, nullptr, 10, nullptr));
  CHECK_EINVAL(m2mauth_key_from_file(nullptr, "/tmp/x", nullptr));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_from_file(&out_, nullptr, nullptr));
  CHECK_EINVAL(m2mauth_key_from_jwk(nullptr, "{}"));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_from_jwk(&out_, nullptr));
  CHECK_EINVAL(m2mauth_key_from_jwks(nullptr, "{}", nullptr));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_from_jwks(&out_, nullptr, "kid"));
  CHECK_EINVAL(m2mauth_key_public(nullptr, key.get()));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_public(&out_, nullptr));
  CHECK_EINVAL(m2mauth_key_with_kid(nullptr, key.get(), "k"));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_with_kid(&out_, nullptr, "k"));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_key_with_kid(&out_, key.get(), nullptr));
  m2mauth_key_free(nullptr);
  CHECK(m2mauth_key_type_of(nullptr) == 0);
  CHECK(m2mauth_key_bits(nullptr) == 0);
  CHECK(std::string(m2mauth_key_curve(nullptr)).empty());
  CHECK(m2mauth_key_has_private(nullptr) == 0);
  CHECK(std::string(m2mauth_key_kid(nullptr)).empty());
  CHECK_EINVAL(m2mauth_key_private_pem(nullptr, key.get(), nullptr));
  CHECK_EINVAL_BUF(m2mauth_key_private_pem(&buf_.b, nullptr, nullptr));
  CHECK_EINVAL(m2mauth_key_public_pem(nullptr, key.get()));
  CHECK_EINVAL_BUF(m2mauth_key_public_pem(&buf_.b, nullptr));
  CHECK_EINVAL(m2mauth_key_public_der(nullptr, key.get()));
  CHECK_EINVAL_BUF(m2mauth_key_public_der(&buf_.b, nullptr));
  CHECK_EINVAL(m2mauth_key_public_jwk(nullptr, key.get(), nullptr, nullptr));
  CHECK_EINVAL_BUF(m2mauth_key_public_jwk(&buf_.b, nullptr, "ES256", "sig"));
  CHECK_EINVAL(m2mauth_key_private_jwk(nullptr, key.get()));
  CHECK_EINVAL_BUF(m2mauth_key_private_jwk(&buf_.b, nullptr));
  const m2mauth_key *list[] = {key.get(), nullptr};
  CHECK_EINVAL(m2mauth_key_jwks(nullptr, list, 1));
  CHECK_EINVAL_BUF(m2mauth_key_jwks(&buf_.b, nullptr, 1));
  CHECK_EINVAL_BUF(m2mauth_key_jwks(&buf_.b, list, 2));
  Buf none;
  REQUIRE_OK(m2mauth_key_jwks(none.out(), nullptr, 0));
  CHECK(none.str() == R"({"keys":[]})");
  CHECK_EINVAL(m2mauth_key_thumbprint(nullptr, key.get()));
  CHECK_EINVAL_BUF(m2mauth_key_thumbprint(&buf_.b, nullptr));
}

TEST_CASE("certificate functions with NULL") {
  auto doc = capi::jose();
  const std::string pem = m2mtest::str(m2mtest::member(m2mtest::member(doc.get(), "certificates"), "rsa2048-self-signed"), "pem");
  auto key = capi::test_key(doc.get(), "rsa2048");
  m2mauth_cert *raw = nullptr;
  REQUIRE_OK(m2mauth_cert_from_pem(&raw, capi::bytes(pem), pem.size()));
  capi::CertPtr cert(raw);
  CHECK_EINVAL(m2mauth_cert_from_pem(nullptr, capi::bytes(pem), pem.size()));
  CHECK_EINVAL_OUT(m2mauth_cert, m2mauth_cert_from_pem(&out_, nullptr, 5));
  CHECK_EINVAL_OUT(m2mauth_cert, m2mauth_cert_from_pem(&out_, nullptr, 0));
  CHECK_EINVAL(m2mauth_cert_from_der(nullptr, capi::bytes(pem), pem.size()));
  CHECK_EINVAL_OUT(m2mauth_cert, m2mauth_cert_from_der(&out_, nullptr, 5));
  CHECK_EINVAL_OUT(m2mauth_cert, m2mauth_cert_from_der(&out_, nullptr, 0));
  CHECK_EINVAL(m2mauth_cert_from_file(nullptr, "/tmp/x"));
  CHECK_EINVAL_OUT(m2mauth_cert, m2mauth_cert_from_file(&out_, nullptr));
  m2mauth_cert_free(nullptr);
  CHECK_EINVAL(m2mauth_cert_fingerprint(nullptr, raw, M2MAUTH_HASH_SHA1, M2MAUTH_FP_HEX));
  CHECK_EINVAL_BUF(m2mauth_cert_fingerprint(&buf_.b, nullptr, M2MAUTH_HASH_SHA1, M2MAUTH_FP_HEX));
  CHECK_EINVAL(m2mauth_cert_public_key(nullptr, raw));
  CHECK_EINVAL_OUT(m2mauth_key, m2mauth_cert_public_key(&out_, nullptr));
  CHECK_EINVAL(m2mauth_cert_der(nullptr, raw));
  CHECK_EINVAL_BUF(m2mauth_cert_der(&buf_.b, nullptr));
  CHECK_EINVAL(m2mauth_cert_pem(nullptr, raw));
  CHECK_EINVAL_BUF(m2mauth_cert_pem(&buf_.b, nullptr));
  CHECK_EINVAL(m2mauth_cert_subject(nullptr, raw));
  CHECK_EINVAL_BUF(m2mauth_cert_subject(&buf_.b, nullptr));
  CHECK(m2mauth_cert_not_after(nullptr) == 0);
  CHECK_EINVAL(m2mauth_cert_self_signed(nullptr, key.get(), "cn", 1));
  CHECK_EINVAL_OUT(m2mauth_cert, m2mauth_cert_self_signed(&out_, nullptr, "cn", 1));
  CHECK_EINVAL_OUT(m2mauth_cert, m2mauth_cert_self_signed(&out_, key.get(), nullptr, 1));
}

TEST_CASE("jws.h with NULL") {
  auto doc = capi::jose();
  auto key = capi::test_key(doc.get(), "hmac256");
  Buf t;
  REQUIRE_OK(m2mauth_jws_sign(t.out(), key.get(), capi::bytes(std::string("p")), 1, nullptr));
  const std::string token = t.str(), header = R"({"alg":"HS256"})";
  int alg = 0;
  CHECK_EINVAL(m2mauth_alg_from_name(&alg, nullptr));
  CHECK_EINVAL(m2mauth_alg_from_name(nullptr, "RS256"));
  CHECK(m2mauth_error_last()->code == M2MAUTH_EINVAL);
  uint32_t set = 7;
  CHECK_EINVAL(m2mauth_alg_set_parse(nullptr, "HS256"));
  CHECK_EINVAL(m2mauth_alg_set_parse(&set, nullptr));
  CHECK(set == 0);
  CHECK(m2mauth_alg_default_for(nullptr) == 0);
  CHECK_EINVAL(m2mauth_jws_header_init(nullptr, M2MAUTH_JWS_HEADER_VERSION));
  CHECK_EINVAL(m2mauth_jws_sign(nullptr, key.get(), capi::bytes(token), 1, nullptr));
  CHECK_EINVAL_BUF(m2mauth_jws_sign(&buf_.b, nullptr, capi::bytes(token), 1, nullptr));
  CHECK_EINVAL_BUF(m2mauth_jws_sign(&buf_.b, key.get(), nullptr, 1, nullptr));
  CHECK_EINVAL(m2mauth_jws_sign_protected(nullptr, key.get(), capi::bytes(header), header.size(), nullptr, 0));
  CHECK_EINVAL_BUF(m2mauth_jws_sign_protected(&buf_.b, nullptr, capi::bytes(header), header.size(), nullptr, 0));
  CHECK_EINVAL_BUF(m2mauth_jws_sign_protected(&buf_.b, key.get(), nullptr, 5, nullptr, 0));
  CHECK_EINVAL_BUF(m2mauth_jws_sign_protected(&buf_.b, key.get(), capi::bytes(header), header.size(), nullptr, 3));
  CHECK_EINVAL(m2mauth_jws_verify(nullptr, key.get(), token.c_str(), capi::all_algs()));
  CHECK_EINVAL_BUF(m2mauth_jws_verify(&buf_.b, nullptr, token.c_str(), capi::all_algs()));
  CHECK_EINVAL_BUF(m2mauth_jws_verify(&buf_.b, key.get(), nullptr, capi::all_algs()));
  Buf other;
  CHECK_EINVAL(m2mauth_jws_decode_unverified(nullptr, other.out(), token.c_str()));
  CHECK_EINVAL(m2mauth_jws_decode_unverified(other.out(), nullptr, token.c_str()));
  CHECK_EINVAL_BUF(m2mauth_jws_decode_unverified(&buf_.b, other.out(), nullptr));
}

TEST_CASE("jwt.h with NULL") {
  auto doc = capi::jose();
  auto key = capi::test_key(doc.get(), "hmac256");
  m2mauth_claims *c = nullptr;
  REQUIRE_OK(m2mauth_claims_from_json(&c, R"({"s":"x","n":1})"));
  capi::ClaimsPtr claims(c);
  m2mauth_verifier *v = nullptr;
  REQUIRE_OK(m2mauth_verifier_new(&v, key.get(), capi::all_algs()));
  capi::VerifierPtr verifier(v);
  Buf t;
  REQUIRE_OK(m2mauth_jwt_sign(t.out(), key.get(), c, nullptr));
  const std::string token = t.str();

  CHECK_EINVAL(m2mauth_claims_new(nullptr));
  CHECK_EINVAL(m2mauth_claims_from_json(nullptr, "{}"));
  CHECK_EINVAL_OUT(m2mauth_claims, m2mauth_claims_from_json(&out_, nullptr));
  CHECK_EINVAL(m2mauth_claims_clone(nullptr, c));
  CHECK_EINVAL_OUT(m2mauth_claims, m2mauth_claims_clone(&out_, nullptr));
  m2mauth_claims_free(nullptr);
  CHECK_EINVAL(m2mauth_claims_set_string(nullptr, "a", "b"));
  CHECK_EINVAL(m2mauth_claims_set_string(c, nullptr, "b"));
  CHECK_EINVAL(m2mauth_claims_set_string(c, "a", nullptr));
  CHECK_EINVAL(m2mauth_claims_set_int(nullptr, "a", 1));
  CHECK_EINVAL(m2mauth_claims_set_int(c, nullptr, 1));
  CHECK_EINVAL(m2mauth_claims_set_bool(nullptr, "a", 1));
  CHECK_EINVAL(m2mauth_claims_set_bool(c, nullptr, 1));
  CHECK_EINVAL(m2mauth_claims_set_json(nullptr, "a", "1"));
  CHECK_EINVAL(m2mauth_claims_set_json(c, nullptr, "1"));
  CHECK_EINVAL(m2mauth_claims_set_json(c, "a", nullptr));
  CHECK_EINVAL(m2mauth_claims_add_audience(nullptr, "a"));
  CHECK_EINVAL(m2mauth_claims_add_audience(c, nullptr));
  CHECK_EINVAL(m2mauth_claims_set_random_jti(nullptr));
  CHECK_EINVAL(m2mauth_claims_remove(nullptr, "s"));
  CHECK_EINVAL(m2mauth_claims_remove(c, nullptr));
  CHECK(m2mauth_claims_has(nullptr, "s") == 0);
  CHECK(m2mauth_claims_has(c, nullptr) == 0);
  CHECK(m2mauth_claims_has(c, "s") == 1);  // nothing above changed the claims
  CHECK_EINVAL(m2mauth_claims_get_string(nullptr, c, "s"));
  CHECK_EINVAL_BUF(m2mauth_claims_get_string(&buf_.b, nullptr, "s"));
  CHECK_EINVAL_BUF(m2mauth_claims_get_string(&buf_.b, c, nullptr));
  int64_t n = 0;
  CHECK_EINVAL(m2mauth_claims_get_int(nullptr, c, "n"));
  CHECK_EINVAL(m2mauth_claims_get_int(&n, nullptr, "n"));
  CHECK_EINVAL(m2mauth_claims_get_int(&n, c, nullptr));
  CHECK_EINVAL(m2mauth_claims_get_json(nullptr, c, "n"));
  CHECK_EINVAL_BUF(m2mauth_claims_get_json(&buf_.b, nullptr, "n"));
  CHECK_EINVAL_BUF(m2mauth_claims_get_json(&buf_.b, c, nullptr));
  CHECK_EINVAL(m2mauth_claims_to_json(nullptr, c));
  CHECK_EINVAL_BUF(m2mauth_claims_to_json(&buf_.b, nullptr));
  CHECK_EINVAL(m2mauth_claims_header_json(nullptr, c));
  CHECK_EINVAL_BUF(m2mauth_claims_header_json(&buf_.b, nullptr));
  CHECK_EINVAL(m2mauth_jwt_sign(nullptr, key.get(), c, nullptr));
  CHECK_EINVAL_BUF(m2mauth_jwt_sign(&buf_.b, nullptr, c, nullptr));
  CHECK_EINVAL_BUF(m2mauth_jwt_sign(&buf_.b, key.get(), nullptr, nullptr));
  CHECK_EINVAL(m2mauth_jwt_sign_json(nullptr, key.get(), "{}", nullptr));
  CHECK_EINVAL_BUF(m2mauth_jwt_sign_json(&buf_.b, nullptr, "{}", nullptr));
  CHECK_EINVAL_BUF(m2mauth_jwt_sign_json(&buf_.b, key.get(), nullptr, nullptr));
  CHECK_EINVAL(m2mauth_verifier_new(nullptr, key.get(), capi::all_algs()));
  CHECK_EINVAL_OUT(m2mauth_verifier, m2mauth_verifier_new(&out_, nullptr, capi::all_algs()));
  CHECK_EINVAL(m2mauth_verifier_from_jwks(nullptr, R"({"keys":[]})", capi::all_algs()));
  CHECK_EINVAL_OUT(m2mauth_verifier, m2mauth_verifier_from_jwks(&out_, nullptr, capi::all_algs()));
  m2mauth_verifier_free(nullptr);
  CHECK_EINVAL(m2mauth_verifier_set_issuer(nullptr, "i"));
  CHECK_EINVAL(m2mauth_verifier_set_issuer(v, nullptr));
  CHECK_EINVAL(m2mauth_verifier_set_subject(nullptr, "s"));
  CHECK_EINVAL(m2mauth_verifier_set_subject(v, nullptr));
  CHECK_EINVAL(m2mauth_verifier_add_audience(nullptr, "a"));
  CHECK_EINVAL(m2mauth_verifier_add_audience(v, nullptr));
  CHECK_EINVAL(m2mauth_verifier_require_claim(nullptr, "jti"));
  CHECK_EINVAL(m2mauth_verifier_require_claim(v, nullptr));
  CHECK_EINVAL(m2mauth_verifier_set_typ(nullptr, "JWT"));
  CHECK_EINVAL(m2mauth_verifier_set_typ(v, nullptr));
  CHECK_EINVAL(m2mauth_verifier_set_leeway(nullptr, 0));
  CHECK_EINVAL(m2mauth_verifier_set_max_size(nullptr, 100));
  CHECK_EINVAL(m2mauth_verifier_set_clock(nullptr, clock_cb, nullptr, nullptr));
  CHECK_EINVAL(m2mauth_verifier_verify(nullptr, v, token.c_str()));
  CHECK_EINVAL_OUT(m2mauth_claims, m2mauth_verifier_verify(&out_, nullptr, token.c_str()));
  CHECK_EINVAL_OUT(m2mauth_claims, m2mauth_verifier_verify(&out_, v, nullptr));
  CHECK_EINVAL(m2mauth_jwt_decode_unverified(nullptr, token.c_str()));
  CHECK_EINVAL_OUT(m2mauth_claims, m2mauth_jwt_decode_unverified(&out_, nullptr));
  // The verifier still works after all of that (no setter above changed it).
  m2mauth_claims *ok = nullptr;
  CHECK_STATUS(m2mauth_verifier_verify(&ok, v, token.c_str()), M2MAUTH_OK);
  m2mauth_claims_free(ok);
}
