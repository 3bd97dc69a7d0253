// Fuzz target "key": a key file's bytes (PEM or DER: PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, SPKI, an
// X.509 certificate). The whole input goes to m2mauth_key_from_pem or m2mauth_key_from_der, as
// m2mauth_key_from_file would choose, with the vectors' passphrase (so the encrypted seeds decrypt);
// a key that loads is loaded again without a passphrase, exported and, when private, signs once.
//
// PKCS#12 is not parsed by m2mauth: a PKCS#12 client certificate is a file path that libcurl reads
// when it opens a TLS connection (README.md beside this file).
#include <algorithm>
#include <string>

#include "fixed_keys.hpp"
#include "fuzz_support.hpp"

namespace {

void exercise_key(const m2mauth_key *key) {
  fuzz::touch(m2mauth_key_kid(key));
  fuzz::touch(m2mauth_key_curve(key));
  unsigned int bits = m2mauth_key_bits(key);
  int type = m2mauth_key_type_of(key);
  fuzz::Buf jwk, pem, der, thumb, priv_pem;
  if (m2mauth_key_public_jwk(&jwk, key, nullptr, nullptr) == M2MAUTH_OK) jwk.touch_all();
  if (m2mauth_key_public_pem(&pem, key) == M2MAUTH_OK) pem.touch_all();
  if (m2mauth_key_public_der(&der, key) == M2MAUTH_OK) der.touch_all();
  if (m2mauth_key_thumbprint(&thumb, key) == M2MAUTH_OK) thumb.touch_all();
  if (!m2mauth_key_has_private(key)) return;
  if (m2mauth_key_private_pem(&priv_pem, key, nullptr) == M2MAUTH_OK) priv_pem.touch_all();
  if (type == M2MAUTH_KEY_RSA && bits > 4096) return;  // loaded and exported; signing would only be slow
  static const uint8_t payload[] = {'f', 'u', 'z', 'z'};
  fuzz::Buf token;
  if (m2mauth_jws_sign(&token, key, payload, sizeof payload, nullptr) == M2MAUTH_OK) token.touch_all();
  else fuzz::touch_error();
}

bool load(const uint8_t *data, size_t size, const char *passphrase, bool pem) {
  m2mauth_key *key = nullptr;
  m2mauth_status rc = pem ? m2mauth_key_from_pem(&key, data, size, passphrase)
                          : m2mauth_key_from_der(&key, data, size, passphrase);
  if (rc == M2MAUTH_OK) exercise_key(key);
  else fuzz::touch_error();
  m2mauth_key_free(key);
  return rc == M2MAUTH_OK;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // As m2mauth_key_from_file decides: PEM when the text has a PEM boundary, else DER. (OpenSSL 3
  // tries its decoders one after the other: 1-4 ms for an input that is no key, so one attempt each.)
  static const char kBoundary[] = "-----BEGIN ";
  const bool pem = std::search(data, data + size, kBoundary, kBoundary + sizeof kBoundary - 1) != data + size;
  // With the passphrase (ignored by a key that is not encrypted), then, for a key that loaded, without
  // one: an encrypted key must then fail with M2MAUTH_EPASSPHRASE.
  if (load(data, size, fuzz::kFixedPassphrase, pem)) load(data, size, nullptr, pem);
  return 0;
}
