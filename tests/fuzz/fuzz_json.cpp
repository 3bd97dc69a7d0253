// Fuzz target "json": the JSON readers behind the C API (the whole input is a JSON text).
//   - the tree parser: m2mauth_claims_from_json, then every claims reader, a clone and edits;
//   - the strict scanner that JWT verification runs over the payload and the protected header
//     (core/src/base/json_scan.cpp): the input is signed as the payload of an HS256 JWS (the fuzzer
//     cannot forge signatures, so this is how it reaches the scanner) and verified by
//     m2mauth_jws_verify and by a JWT verifier with issuer, audience and required claims; then the
//     same with the input as the protected header (m2mauth_jws_sign_protected), which must carry
//     "alg" to verify.
#include <string>

#include "fixed_keys.hpp"
#include "fuzz_support.hpp"

namespace {

struct Fixture {
  m2mauth_key *hmac = nullptr;
  m2mauth_verifier *plain = nullptr;
  m2mauth_verifier *strict = nullptr;
  uint32_t hs256 = m2mauth_alg_bit(M2MAUTH_ALG_HS256);

  Fixture() {
    if (m2mauth_key_from_jwk(&hmac, fuzz::kFixedHmacJwk) != M2MAUTH_OK) return;
    if (m2mauth_verifier_new(&plain, hmac, hs256) == M2MAUTH_OK)
      m2mauth_verifier_set_clock(plain, fuzz::fixed_clock, nullptr, nullptr);
    if (m2mauth_verifier_new(&strict, hmac, hs256) == M2MAUTH_OK) {
      m2mauth_verifier_set_clock(strict, fuzz::fixed_clock, nullptr, nullptr);
      m2mauth_verifier_set_issuer(strict, "m2mauth-client");
      m2mauth_verifier_set_subject(strict, "m2mauth-client");
      m2mauth_verifier_add_audience(strict, "https://as.example.com/token");
      m2mauth_verifier_require_claim(strict, "exp");
      m2mauth_verifier_set_typ(strict, "JWT");
      m2mauth_verifier_set_leeway(strict, 30);
    }
  }
};

Fixture &fixture() {
  static Fixture &f = *new Fixture;  // never destroyed: its handles live until the process ends
  return f;
}

void read_claims(const m2mauth_claims *claims) {
  static const char *const names[] = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", ""};
  for (const char *name : names) {
    fuzz::Buf s, j;
    if (!m2mauth_claims_has(claims, name)) continue;
    if (m2mauth_claims_get_string(&s, claims, name) == M2MAUTH_OK) s.touch_all();
    if (m2mauth_claims_get_json(&j, claims, name) == M2MAUTH_OK) j.touch_all();
    int64_t n = 0;
    m2mauth_claims_get_int(&n, claims, name);
  }
  fuzz::Buf all, header;
  if (m2mauth_claims_to_json(&all, claims) == M2MAUTH_OK) all.touch_all();
  if (m2mauth_claims_header_json(&header, claims) == M2MAUTH_OK) header.touch_all();
}

void verify(const Fixture &f, const fuzz::Buf &token) {
  if (token.b.ptr == nullptr) return;
  const char *text = reinterpret_cast<const char *>(token.b.ptr);
  fuzz::Buf payload;
  if (m2mauth_jws_verify(&payload, f.hmac, text, f.hs256) == M2MAUTH_OK) payload.touch_all();
  else fuzz::touch_error();
  for (const m2mauth_verifier *v : {f.plain, f.strict}) {
    m2mauth_claims *claims = nullptr;
    if (m2mauth_verifier_verify(&claims, v, text) == M2MAUTH_OK) read_claims(claims);
    else fuzz::touch_error();
    m2mauth_claims_free(claims);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Fixture &f = fixture();
  if (f.hmac == nullptr || f.plain == nullptr || f.strict == nullptr) return 0;
  const std::string json(reinterpret_cast<const char *>(data), size);

  m2mauth_claims *claims = nullptr;
  if (m2mauth_claims_from_json(&claims, json.c_str()) == M2MAUTH_OK) {
    read_claims(claims);
    m2mauth_claims *copy = nullptr;
    if (m2mauth_claims_clone(&copy, claims) == M2MAUTH_OK) {
      m2mauth_claims_add_audience(copy, "extra");
      m2mauth_claims_set_string(copy, "iss", "fuzz");
      m2mauth_claims_remove(copy, "exp");
      read_claims(copy);
      fuzz::Buf token;
      if (m2mauth_jwt_sign(&token, f.hmac, copy, nullptr) == M2MAUTH_OK) verify(f, token);
    }
    m2mauth_claims_free(copy);
  } else {
    fuzz::touch_error();
  }
  m2mauth_claims_free(claims);

  {
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    fuzz::Buf token;
    if (m2mauth_jws_sign_protected(&token, f.hmac, reinterpret_cast<const uint8_t *>(header), sizeof header - 1, data,
                                   size) == M2MAUTH_OK)
      verify(f, token);
    else
      fuzz::touch_error();
  }
  {
    static const uint8_t payload[] = "{\"iss\":\"m2mauth-client\",\"sub\":\"m2mauth-client\",\"exp\":1700000300}";
    fuzz::Buf token;
    if (m2mauth_jws_sign_protected(&token, f.hmac, data, size, payload, sizeof payload - 1) == M2MAUTH_OK)
      verify(f, token);
    else
      fuzz::touch_error();
  }
  return 0;
}
