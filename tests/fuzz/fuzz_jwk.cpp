// Fuzz target "jwk": a JWK or a JWKS from a peer or a file (the whole input is the JSON text).
//   - m2mauth_key_from_jwk, then every export of the key it gives (public and private JWK, PEM, DER,
//     thumbprint, a one-key JWKS) and a signature and its verification with it;
//   - m2mauth_key_from_jwks with no kid and with the kids of the vectors;
//   - m2mauth_verifier_from_jwks, then a fixed token verified with it.
#include <string>

#include "fixed_keys.hpp"
#include "fuzz_support.hpp"

namespace {

uint32_t all_algs() {
  uint32_t all = 0;
  for (int alg = M2MAUTH_ALG_HS256; alg <= M2MAUTH_ALG_EDDSA; ++alg) all |= m2mauth_alg_bit(alg);
  return all;
}

void exercise_key(const m2mauth_key *key) {
  fuzz::touch(m2mauth_key_kid(key));
  fuzz::touch(m2mauth_key_curve(key));
  unsigned int bits = m2mauth_key_bits(key);
  int type = m2mauth_key_type_of(key);
  {
    fuzz::Buf jwk, priv, pem, der, thumb, jwks;
    if (m2mauth_key_public_jwk(&jwk, key, nullptr, "sig") == M2MAUTH_OK) jwk.touch_all();
    if (m2mauth_key_has_private(key) && m2mauth_key_private_jwk(&priv, key) == M2MAUTH_OK) priv.touch_all();
    if (m2mauth_key_public_pem(&pem, key) == M2MAUTH_OK) pem.touch_all();
    if (m2mauth_key_public_der(&der, key) == M2MAUTH_OK) der.touch_all();
    if (m2mauth_key_thumbprint(&thumb, key) == M2MAUTH_OK) thumb.touch_all();
    const m2mauth_key *one[] = {key};
    if (m2mauth_key_jwks(&jwks, one, 1) == M2MAUTH_OK) jwks.touch_all();
  }
  // Signing costs grow with the key: RSA keys over 4096 bits are loaded and exported, not used.
  if (!m2mauth_key_has_private(key) || (type == M2MAUTH_KEY_RSA && bits > 4096)) return;
  static const char payload[] = "{\"sub\":\"fuzz\"}";
  fuzz::Buf token;
  if (m2mauth_jws_sign(&token, key, reinterpret_cast<const uint8_t *>(payload), sizeof payload - 1, nullptr) != M2MAUTH_OK) {
    fuzz::touch_error();
    return;
  }
  fuzz::Buf out;
  if (m2mauth_jws_verify(&out, key, reinterpret_cast<const char *>(token.b.ptr), all_algs()) == M2MAUTH_OK) out.touch_all();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string json(reinterpret_cast<const char *>(data), size);
  {
    m2mauth_key *key = nullptr;
    if (m2mauth_key_from_jwk(&key, json.c_str()) == M2MAUTH_OK) exercise_key(key);
    else fuzz::touch_error();
    m2mauth_key_free(key);
  }
  for (const char *kid : {static_cast<const char *>(nullptr), "rsa2048", "ec_p256", "1", ""}) {
    m2mauth_key *key = nullptr;
    if (m2mauth_key_from_jwks(&key, json.c_str(), kid) == M2MAUTH_OK) fuzz::touch(m2mauth_key_kid(key));
    else fuzz::touch_error();
    m2mauth_key_free(key);
  }
  {
    m2mauth_verifier *v = nullptr;
    if (m2mauth_verifier_from_jwks(&v, json.c_str(), all_algs()) == M2MAUTH_OK) {
      m2mauth_verifier_set_clock(v, fuzz::fixed_clock, nullptr, nullptr);
      for (const char *token : fuzz::kFixedTokens) {
        m2mauth_claims *claims = nullptr;
        if (m2mauth_verifier_verify(&claims, v, token) != M2MAUTH_OK) fuzz::touch_error();
        m2mauth_claims_free(claims);
      }
    } else {
      fuzz::touch_error();
    }
    m2mauth_verifier_free(v);
  }
  return 0;
}
