// Fuzz target "jws": a compact JWS/JWT from a peer (the whole input is the token text).
//   - the unverified views: m2mauth_jws_decode_unverified, m2mauth_jwt_decode_unverified;
//   - m2mauth_jws_verify with every key of the fixed set (fixed_keys.hpp), every algorithm allowed;
//   - JWT verifiers: one per HMAC key, one from the fixed public JWKS, and a strict one (issuer,
//     subject, audience, typ, required claims), all on the vectors' clock.
// The seed corpus holds the vectors' tokens signed by these keys, so the mutations start from tokens
// whose signatures verify.
#include <string>
#include <vector>

#include "fixed_keys.hpp"
#include "fuzz_support.hpp"

namespace {

struct Fixture {
  std::vector<m2mauth_key *> keys;
  std::vector<m2mauth_verifier *> verifiers;
  uint32_t all = 0;

  Fixture() {
    for (int alg = M2MAUTH_ALG_HS256; alg <= M2MAUTH_ALG_EDDSA; ++alg) all |= m2mauth_alg_bit(alg);
    for (const char *jwk : fuzz::kFixedJwks) {
      m2mauth_key *k = nullptr;
      if (m2mauth_key_from_jwk(&k, jwk) == M2MAUTH_OK) keys.push_back(k);
    }
    for (m2mauth_key *k : keys) {
      if (m2mauth_key_type_of(k) != M2MAUTH_KEY_OCT) continue;
      m2mauth_verifier *v = nullptr;
      uint32_t hs = m2mauth_alg_bit(M2MAUTH_ALG_HS256) | m2mauth_alg_bit(M2MAUTH_ALG_HS384) | m2mauth_alg_bit(M2MAUTH_ALG_HS512);
      if (m2mauth_verifier_new(&v, k, hs) == M2MAUTH_OK) add(v);
    }
    m2mauth_verifier *v = nullptr;
    if (m2mauth_verifier_from_jwks(&v, fuzz::kFixedPublicJwks, all) == M2MAUTH_OK) add(v);
    v = nullptr;
    if (m2mauth_verifier_from_jwks(&v, fuzz::kFixedPublicJwks, all) == M2MAUTH_OK) {
      m2mauth_verifier_set_issuer(v, "m2mauth-client");
      m2mauth_verifier_set_subject(v, "m2mauth-client");
      m2mauth_verifier_add_audience(v, "https://as.example.com/token");
      m2mauth_verifier_add_audience(v, "api");
      m2mauth_verifier_set_typ(v, "JWT");
      m2mauth_verifier_require_claim(v, "exp");
      m2mauth_verifier_require_claim(v, "jti");
      m2mauth_verifier_set_leeway(v, 60);
      add(v);
    }
  }
  void add(m2mauth_verifier *v) {
    m2mauth_verifier_set_clock(v, fuzz::fixed_clock, nullptr, nullptr);
    verifiers.push_back(v);
  }
};

Fixture &fixture() {
  static Fixture &f = *new Fixture;  // never destroyed: its handles live until the process ends
  return f;
}

void read_claims(const m2mauth_claims *claims) {
  fuzz::Buf json, header, iss, aud;
  m2mauth_claims_to_json(&json, claims);
  json.touch_all();
  m2mauth_claims_header_json(&header, claims);
  header.touch_all();
  m2mauth_claims_get_string(&iss, claims, "iss");
  iss.touch_all();
  m2mauth_claims_get_json(&aud, claims, "aud");
  aud.touch_all();
  int64_t exp = 0;
  m2mauth_claims_get_int(&exp, claims, "exp");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Fixture &f = fixture();
  const std::string token(reinterpret_cast<const char *>(data), size);  // text up to a NUL, as C sees it

  {
    fuzz::Buf header, payload;
    if (m2mauth_jws_decode_unverified(&header, &payload, token.c_str()) == M2MAUTH_OK) {
      header.touch_all();
      payload.touch_all();
    } else {
      fuzz::touch_error();
    }
  }
  {
    m2mauth_claims *claims = nullptr;
    if (m2mauth_jwt_decode_unverified(&claims, token.c_str()) == M2MAUTH_OK) read_claims(claims);
    else fuzz::touch_error();
    m2mauth_claims_free(claims);
  }
  for (m2mauth_key *k : f.keys) {
    fuzz::Buf payload;
    if (m2mauth_jws_verify(&payload, k, token.c_str(), f.all) == M2MAUTH_OK) payload.touch_all();
    else fuzz::touch_error();
  }
  for (m2mauth_verifier *v : f.verifiers) {
    m2mauth_claims *claims = nullptr;
    if (m2mauth_verifier_verify(&claims, v, token.c_str()) == M2MAUTH_OK) read_claims(claims);
    else fuzz::touch_error();
    m2mauth_claims_free(claims);
  }
  return 0;
}
