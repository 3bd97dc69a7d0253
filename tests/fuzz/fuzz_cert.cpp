// Fuzz target "cert": a certificate file's bytes (PEM or DER). The whole input goes to
// m2mauth_cert_from_pem and m2mauth_cert_from_der; every certificate that loads gives its
// fingerprints (every hash and format), DER, PEM, subject, notAfter, public key and the senhasegura
// registration fingerprints.
#include "fuzz_support.hpp"

namespace {

void exercise_cert(const m2mauth_cert *cert) {
  for (int hash : {M2MAUTH_HASH_SHA1, M2MAUTH_HASH_SHA256})
    for (int format : {M2MAUTH_FP_HEX_COLONS, M2MAUTH_FP_HEX, M2MAUTH_FP_BASE64URL}) {
      fuzz::Buf fp;
      if (m2mauth_cert_fingerprint(&fp, cert, hash, format) == M2MAUTH_OK) fp.touch_all();
    }
  fuzz::Buf der, pem, subject, a2a;
  if (m2mauth_cert_der(&der, cert) == M2MAUTH_OK) der.touch_all();
  if (m2mauth_cert_pem(&pem, cert) == M2MAUTH_OK) pem.touch_all();
  if (m2mauth_cert_subject(&subject, cert) == M2MAUTH_OK) subject.touch_all();
  else fuzz::touch_error();
  if (m2mauth_a2a_cert_fingerprints(&a2a, cert) == M2MAUTH_OK) a2a.touch_all();
  int64_t not_after = m2mauth_cert_not_after(cert);
  fuzz::touch(&not_after, sizeof not_after);
  m2mauth_key *key = nullptr;
  if (m2mauth_cert_public_key(&key, cert) == M2MAUTH_OK) {
    fuzz::Buf jwk;
    if (m2mauth_key_public_jwk(&jwk, key, nullptr, nullptr) == M2MAUTH_OK) jwk.touch_all();
  } else {
    fuzz::touch_error();
  }
  m2mauth_key_free(key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  for (bool pem : {true, false}) {
    m2mauth_cert *cert = nullptr;
    m2mauth_status rc = pem ? m2mauth_cert_from_pem(&cert, data, size) : m2mauth_cert_from_der(&cert, data, size);
    if (rc == M2MAUTH_OK) exercise_cert(cert);
    else fuzz::touch_error();
    m2mauth_cert_free(cert);
  }
  return 0;
}
