// senhasegura A2A: decryption of protected values (RSA-OAEP with SHA-1) and certificate fingerprints.
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cstring>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/senhasegura.hpp"
#include "base/ossl.hpp"

namespace m2mauth::core {

namespace {

void check_decryption_key(const Key &key) {
  if (key.type() != KeyType::rsa) fail(Errc::key_type, "A2A decryption needs an RSA key");
  if (!key.has_private()) fail(Errc::no_private, "A2A decryption needs the RSA private key, not only the public one");
  if (key.is_signer()) fail(Errc::no_private, "A2A decryption needs the RSA private key; a signer key only signs");
}

ossl::PKeyCtx oaep_context(const Key &key) {
  ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.evp(), nullptr));
  if (!ctx) throw std::bad_alloc();
  if (EVP_PKEY_decrypt_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), ossl::sha1()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), ossl::sha1()) <= 0)
    ossl::throw_error(Errc::key, "cannot set up RSA-OAEP decryption");
  return ctx;
}

// Replaces the string value of item (a member of some object) with its decryption.
void decrypt_item(cJSON *item, const Key &key, const std::string &where) {
  if (!cJSON_IsString(item) || item->valuestring[0] == '\0') return;
  SecretString plain;
  try {
    plain = a2a_decrypt(key, item->valuestring);
  } catch (const Error &e) {
    if (e.code() != Errc::protocol) throw;
    fail(Errc::protocol, "cannot decrypt " + where + ": " + e.what());
  }
  if (cJSON_SetValuestring(item, plain.c_str()) == nullptr) throw std::bad_alloc();
}

void decrypt_members(cJSON *obj, const Key &key, const char *obj_name) {
  if (!cJSON_IsObject(obj)) return;
  for (const char *field : {"password", "content", "private_key", "passphrase"})
    decrypt_item(cJSON_GetObjectItemCaseSensitive(obj, field), key, std::string(obj_name) + "." + field);
}

void decrypt_data(cJSON *data, const Key &key, const std::string &where) {
  if (cJSON_IsObject(data)) {
    for (cJSON *v = data->child; v != nullptr; v = v->next)
      decrypt_item(v, key, where + "." + (v->string != nullptr ? v->string : "?"));
  } else if (cJSON_IsArray(data)) {
    for (cJSON *item = data->child; item != nullptr; item = item->next) decrypt_data(item, key, where);
  }
}

}  // namespace

SecretString a2a_decrypt(const Key &key, std::string_view base64_value) {
  check_decryption_key(key);
  std::vector<std::uint8_t> cipher;
  try {
    cipher = base64_decode(base64_value);
  } catch (const Error &) {
    fail(Errc::protocol, "the protected value is not base64");
  }
  const std::size_t block = (key.bits() + 7) / 8;
  if (cipher.empty() || cipher.size() % block != 0)
    fail(Errc::protocol, "the protected value is not a whole number of " + std::to_string(block) + "-byte RSA blocks");
  ossl::PKeyCtx ctx = oaep_context(key);
  SecretBytes out;
  out.resize(cipher.size());
  std::size_t total = 0;
  for (std::size_t off = 0; off < cipher.size(); off += block) {
    std::size_t len = out.size() - total;
    if (EVP_PKEY_decrypt(ctx.get(), out.data() + total, &len, cipher.data() + off, block) <= 0)
      ossl::throw_error(Errc::protocol, "RSA-OAEP decryption of the protected value failed (wrong key?)");
    total += len;
  }
  std::string_view plain(reinterpret_cast<const char *>(out.data()), total);
  if (plain.find('\0') != std::string_view::npos || !utf8_valid(plain))
    fail(Errc::protocol, "the decrypted value is not UTF-8 text");
  return SecretString(std::string(plain));
}

void a2a_decrypt_fields(cJSON *doc, const Key &key) {
  if (!cJSON_IsObject(doc)) return;
  check_decryption_key(key);
  for (const char *name : {"credential", "info", "key"}) decrypt_members(cJSON_GetObjectItemCaseSensitive(doc, name), key, name);
  cJSON *app = cJSON_GetObjectItemCaseSensitive(doc, "application");
  cJSON *secrets = cJSON_IsObject(app) ? cJSON_GetObjectItemCaseSensitive(app, "secrets") : nullptr;
  if (!cJSON_IsArray(secrets)) return;
  for (cJSON *secret = secrets->child; secret != nullptr; secret = secret->next)
    if (cJSON_IsObject(secret)) decrypt_data(cJSON_GetObjectItemCaseSensitive(secret, "data"), key, "application.secrets.data");
}

CertFingerprints cert_fingerprints(const Certificate &cert) {
  CertFingerprints f;
  f.sha256 = cert.fingerprint(HashAlg::sha256, FingerprintFormat::hex);
  f.sha256_colon = cert.fingerprint(HashAlg::sha256, FingerprintFormat::hex_colons);
  f.sha1 = cert.fingerprint(HashAlg::sha1, FingerprintFormat::hex);
  f.sha1_colon = cert.fingerprint(HashAlg::sha1, FingerprintFormat::hex_colons);
  return f;
}

}  // namespace m2mauth::core
