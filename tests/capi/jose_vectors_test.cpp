// tests/vectors/m2mauth/jose.json through the C API: the same checks every binding runs.
#include "capi_support.hpp"

using capi::Buf;
using m2mtest::str;

namespace {

int64_t fixed_clock(void *payload) { return *static_cast<const int64_t *>(payload); }

}  // namespace

TEST_CASE("jose.json jws: deterministic tokens reproduced step by step, all tokens verify") {
  auto doc = capi::jose();
  int reproduced = 0, verified = 0;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "jws")) {
    INFO(str(c, "name"));
    auto key = capi::test_key(doc.get(), str(c, "key"));
    const std::string header = str(c, "protected"), payload = str(c, "payload"), token = str(c, "token");
    const int alg = capi::alg(str(c, "alg"));
    // Intermediate steps: base64url of each part, then the signing input.
    Buf h64, p64;
    REQUIRE_OK(m2mauth_util_base64url_encode(h64.out(), capi::bytes(header), header.size()));
    REQUIRE_OK(m2mauth_util_base64url_encode(p64.out(), capi::bytes(payload), payload.size()));
    CHECK(h64.str() == str(c, "protected_b64"));
    CHECK(p64.str() == str(c, "payload_b64"));
    CHECK(h64.str() + "." + p64.str() == str(c, "signing_input"));
    Buf signed_token;
    REQUIRE_OK(m2mauth_jws_sign_protected(signed_token.out(), key.get(), capi::bytes(header), header.size(),
                                          capi::bytes(payload), payload.size()));
    CHECK(signed_token.str().rfind(str(c, "signing_input") + ".", 0) == 0);
    if (m2mtest::boolean(c, "deterministic")) {
      CHECK(signed_token.str() == token);
      ++reproduced;
    }
    std::string out;
    CHECK_STATUS(capi::verify(key.get(), token, m2mauth_alg_bit(alg), &out), M2MAUTH_OK);
    CHECK(out == payload);
    CHECK_STATUS(capi::verify(key.get(), signed_token.str(), m2mauth_alg_bit(alg), &out), M2MAUTH_OK);
    // The public half of an asymmetric key verifies too.
    if (m2mauth_key_type_of(key.get()) != M2MAUTH_KEY_OCT) {
      auto pub = capi::test_key(doc.get(), str(c, "key") + ":public");
      CHECK_STATUS(capi::verify(pub.get(), token, m2mauth_alg_bit(alg)), M2MAUTH_OK);
    }
    ++verified;
  }
  CHECK(reproduced == 11);
  CHECK(verified == 17);
  std::printf("[vectors] %-44s %4d tokens verified, %d reproduced byte for byte\n", "m2mauth/jose.json jws", verified,
              reproduced);
}

TEST_CASE("jose.json jwt-*: m2mauth_jwt_sign_json and m2mauth_jwt_sign write the same bytes") {
  auto doc = capi::jose();
  int n = 0;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "jws")) {
    if (str(c, "name").rfind("jwt-", 0) != 0) continue;
    INFO(str(c, "name"));
    auto key = capi::test_key(doc.get(), str(c, "key"));
    CHECK(std::string(m2mauth_key_kid(key.get())) == str(c, "key"));
    m2mauth_jws_header header = M2MAUTH_JWS_HEADER_INIT;
    header.alg = capi::alg(str(c, "alg"));
    Buf from_json;
    REQUIRE_OK(m2mauth_jwt_sign_json(from_json.out(), key.get(), str(c, "payload").c_str(), &header));
    // The same claims through the setters, in the same order.
    m2mauth_claims *raw = nullptr;
    REQUIRE_OK(m2mauth_claims_new(&raw));
    capi::ClaimsPtr claims(raw);
    REQUIRE_OK(m2mauth_claims_set_string(raw, "iss", "m2mauth-client"));
    REQUIRE_OK(m2mauth_claims_set_string(raw, "sub", "m2mauth-client"));
    REQUIRE_OK(m2mauth_claims_add_audience(raw, "https://as.example.com/token"));
    REQUIRE_OK(m2mauth_claims_set_int(raw, "iat", 1700000000));
    REQUIRE_OK(m2mauth_claims_set_int(raw, "exp", 1700000300));
    REQUIRE_OK(m2mauth_claims_set_string(raw, "jti", "4f1c2a9e-8d36-4a52-9d6e-0c8a9c3f7b21"));
    Buf from_claims, claims_json;
    REQUIRE_OK(m2mauth_claims_to_json(claims_json.out(), raw));
    CHECK(claims_json.str() == str(c, "payload"));
    REQUIRE_OK(m2mauth_jwt_sign(from_claims.out(), key.get(), raw, &header));
    CHECK(from_json.str().substr(0, from_json.str().rfind('.')) == str(c, "signing_input"));
    CHECK(from_claims.str().substr(0, from_claims.str().rfind('.')) == str(c, "signing_input"));
    if (m2mtest::boolean(c, "deterministic")) {
      CHECK(from_json.str() == str(c, "token"));
      CHECK(from_claims.str() == str(c, "token"));
    }
    // And it verifies as a JWT with every check the claims allow.
    m2mauth_verifier *v = nullptr;
    REQUIRE_OK(m2mauth_verifier_new(&v, key.get(), m2mauth_alg_bit(header.alg)));
    capi::VerifierPtr verifier(v);
    int64_t now = 1700000100000;
    REQUIRE_OK(m2mauth_verifier_set_clock(v, fixed_clock, &now, nullptr));
    REQUIRE_OK(m2mauth_verifier_set_issuer(v, "m2mauth-client"));
    REQUIRE_OK(m2mauth_verifier_set_subject(v, "m2mauth-client"));
    REQUIRE_OK(m2mauth_verifier_add_audience(v, "https://as.example.com/token"));
    REQUIRE_OK(m2mauth_verifier_require_claim(v, "jti"));
    REQUIRE_OK(m2mauth_verifier_set_typ(v, "JWT"));
    m2mauth_claims *got = nullptr;
    REQUIRE_OK(m2mauth_verifier_verify(&got, v, str(c, "token").c_str()));
    capi::ClaimsPtr got_holder(got);
    Buf jti, hdr;
    REQUIRE_OK(m2mauth_claims_get_string(jti.out(), got, "jti"));
    CHECK(jti.str() == "4f1c2a9e-8d36-4a52-9d6e-0c8a9c3f7b21");
    int64_t exp = 0;
    REQUIRE_OK(m2mauth_claims_get_int(&exp, got, "exp"));
    CHECK(exp == 1700000300);
    REQUIRE_OK(m2mauth_claims_header_json(hdr.out(), got));
    CHECK(hdr.str() == str(c, "protected"));
    ++n;
  }
  CHECK(n == 13);
}

TEST_CASE("jose.json must_fail: every token refused with the expected error") {
  auto doc = capi::jose();
  int n = 0;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "must_fail")) {
    INFO(str(c, "name") << ": " << str(c, "why"));
    auto key = capi::test_key(doc.get(), str(c, "key"));
    Buf out;
    CHECK_STATUS_NAMED(m2mauth_jws_verify(out.out(), key.get(), str(c, "token").c_str(), capi::allowed(m2mtest::member(c, "allowed"))),
                       str(c, "error"));
    CHECK(out.b.ptr == nullptr);  // nothing is returned from a refused token
    CHECK(out.b.size == 0);
    // The JWT verifier refuses it too (its codes can differ where JWT adds checks).
    m2mauth_verifier *v = nullptr;
    REQUIRE_OK(m2mauth_verifier_new(&v, key.get(), capi::allowed(m2mtest::member(c, "allowed"))));
    capi::VerifierPtr verifier(v);
    m2mauth_claims *claims = nullptr;
    CHECK(m2mauth_verifier_verify(&claims, v, str(c, "token").c_str()) != M2MAUTH_OK);
    CHECK(claims == nullptr);
    ++n;
  }
  CHECK(n >= 45);
  std::printf("[vectors] %-44s %4d tokens refused with the expected error\n", "m2mauth/jose.json must_fail", n);
}

TEST_CASE("jose.json jwt: claim checks with an injected clock") {
  auto doc = capi::jose();
  int n = 0;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "jwt")) {
    INFO(str(c, "name"));
    auto key = capi::test_key(doc.get(), str(c, "key"));
    const cJSON *cfg = m2mtest::member(c, "verifier");
    m2mauth_verifier *v = nullptr;
    REQUIRE_OK(m2mauth_verifier_new(&v, key.get(), capi::allowed(m2mtest::member(c, "allowed"))));
    capi::VerifierPtr verifier(v);
    int64_t now = m2mtest::integer(cfg, "now") * 1000;
    REQUIRE_OK(m2mauth_verifier_set_clock(v, fixed_clock, &now, nullptr));
    if (m2mtest::has(cfg, "leeway")) REQUIRE_OK(m2mauth_verifier_set_leeway(v, m2mtest::integer(cfg, "leeway")));
    if (m2mtest::has(cfg, "issuer")) REQUIRE_OK(m2mauth_verifier_set_issuer(v, str(cfg, "issuer").c_str()));
    if (m2mtest::has(cfg, "subject")) REQUIRE_OK(m2mauth_verifier_set_subject(v, str(cfg, "subject").c_str()));
    if (m2mtest::has(cfg, "typ")) REQUIRE_OK(m2mauth_verifier_set_typ(v, str(cfg, "typ").c_str()));
    if (m2mtest::has(cfg, "max_size"))
      REQUIRE_OK(m2mauth_verifier_set_max_size(v, static_cast<size_t>(m2mtest::integer(cfg, "max_size"))));
    M2MTEST_FOR_EACH(a, m2mtest::find(cfg, "audience")) REQUIRE_OK(m2mauth_verifier_add_audience(v, a->valuestring));
    M2MTEST_FOR_EACH(r, m2mtest::find(cfg, "require")) REQUIRE_OK(m2mauth_verifier_require_claim(v, r->valuestring));
    m2mauth_claims *claims = nullptr;
    const cJSON *err = m2mtest::member(c, "error");
    const std::string expected = cJSON_IsNull(err) ? "ok" : err->valuestring;
    CHECK_STATUS_NAMED(m2mauth_verifier_verify(&claims, v, str(c, "token").c_str()), expected);
    capi::ClaimsPtr holder(claims);
    CHECK((claims != nullptr) == (expected == "ok"));
    // The same token twice: a verifier keeps no state between tokens that changes the answer.
    m2mauth_claims *again = nullptr;
    CHECK_STATUS_NAMED(m2mauth_verifier_verify(&again, v, str(c, "token").c_str()), expected);
    m2mauth_claims_free(again);
    ++n;
  }
  CHECK(n >= 38);
  std::printf("[vectors] %-44s %4d JWT claim cases\n", "m2mauth/jose.json jwt", n);
}
