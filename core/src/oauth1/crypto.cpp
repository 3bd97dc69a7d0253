// OAuth 1.0 signature methods (RFC 5849 section 3.4.2-3.4.4): HMAC-SHA1 / HMAC-SHA256 over pooled
// contexts that keep the key schedule, RSASSA-PKCS1-v1_5 with SHA-1 / SHA-256, and PLAINTEXT.
#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include "m2mauth/core/error.hpp"
#include "jose/signer.hpp"
#include "oauth1/oauth1_impl.hpp"
#include "base/ossl.hpp"

namespace m2mauth::core {

namespace {

EVP_MAC *hmac_method() {
  static EVP_MAC *mac = [] {
    EVP_MAC *m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) ossl::throw_error(Errc::unsupported, "HMAC unavailable");
    return m;  // kept for the life of the process
  }();
  return mac;
}

bool uses_sha1(Oauth1Method m) { return m == Oauth1Method::hmac_sha1 || m == Oauth1Method::rsa_sha1; }

void append_base64(std::string &out, const unsigned char *data, std::size_t len) {
  std::size_t start = out.size();
  out.resize(start + (len + 2) / 3 * 4 + 1);  // EVP_EncodeBlock writes a NUL
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data() + start), data, static_cast<int>(len));
  out.resize(start + static_cast<std::size_t>(n));
}

// HMAC over the base string with a context from the signer's pool: a fresh context gets the key
// (one key schedule); a reused one restarts from the schedule it keeps, with no fetch.
void append_hmac(const Oauth1Signer::Impl &k, std::string &out, std::string_view base) {
  EVP_MAC_CTX *ctx = k.mac_pool.take();
  bool fresh = ctx == nullptr;
  if (fresh) {
    ctx = EVP_MAC_CTX_new(hmac_method());
    if (ctx == nullptr) throw std::bad_alloc();
  }
  PoolLease<EVP_MAC_CTX, EVP_MAC_CTX_free> lease(k.mac_pool, ctx);
  int ok;
  if (fresh) {
    char *digest = const_cast<char *>(uses_sha1(k.config.method) ? "SHA1" : "SHA256");
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    ok = EVP_MAC_init(ctx, k.key.data(), k.key.size(), params);
  } else {
    ok = EVP_MAC_init(ctx, nullptr, 0, nullptr);
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (ok != 1 || EVP_MAC_update(ctx, reinterpret_cast<const unsigned char *>(base.data()), base.size()) != 1 ||
      EVP_MAC_final(ctx, mac, &len, sizeof mac) != 1)
    ossl::throw_error(Errc::generic, "HMAC failed");
  lease.succeeded();
  append_base64(out, mac, len);
}

EVP_PKEY_CTX *new_rsa_ctx(const Oauth1Signer::Impl &k, const EVP_MD *md) {
  ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, k.config.rsa_key->evp(), nullptr));
  if (!ctx) throw std::bad_alloc();
  if (EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1)
    ossl::throw_error(Errc::key, "cannot initialise the RSA signature");
  return ctx.release();
}

// RSASSA-PKCS1-v1_5 (RFC 3447 section 8.2.1) over the digest of the base string.
void append_rsa(const Oauth1Signer::Impl &k, std::string &out, std::string_view base) {
  if (k.config.rsa_key->is_signer()) {
    std::string sig = signer_sign_rsa_pkcs1(*k.config.rsa_key, uses_sha1(k.config.method), base);
    append_base64(out, reinterpret_cast<const unsigned char *>(sig.data()), sig.size());
    return;
  }
  const EVP_MD *md = uses_sha1(k.config.method) ? ossl::sha1() : ossl::sha256();
  unsigned char dgst[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  if (EVP_Digest(base.data(), base.size(), dgst, &dlen, md, nullptr) != 1) ossl::throw_error(Errc::generic, "digest failed");
  EVP_PKEY_CTX *ctx = k.rsa_pool.take();
  if (ctx == nullptr) ctx = new_rsa_ctx(k, md);
  PoolLease<EVP_PKEY_CTX, EVP_PKEY_CTX_free> lease(k.rsa_pool, ctx);
  std::size_t siglen = 0;
  if (EVP_PKEY_sign(ctx, nullptr, &siglen, dgst, dlen) != 1) ossl::throw_error(Errc::generic, "RSA signing failed");
  std::string sig(siglen, '\0');
  if (EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char *>(sig.data()), &siglen, dgst, dlen) != 1)
    ossl::throw_error(Errc::generic, "RSA signing failed");
  lease.succeeded();
  append_base64(out, reinterpret_cast<const unsigned char *>(sig.data()), siglen);
}

}  // namespace

void Oauth1Signer::Impl::append_signature(std::string &out, std::string_view base) const {
  switch (config.method) {
    case Oauth1Method::hmac_sha1:
    case Oauth1Method::hmac_sha256: append_hmac(*this, out, base); return;
    case Oauth1Method::rsa_sha1:
    case Oauth1Method::rsa_sha256: append_rsa(*this, out, base); return;
    case Oauth1Method::plaintext: out.append(key.view()); return;  // section 3.4.4: the key itself
  }
  fail(Errc::algorithm, "unknown OAuth 1.0 signature method");
}

}  // namespace m2mauth::core
