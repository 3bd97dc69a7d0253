// The JWS signature algorithms on OpenSSL: HMAC, RSASSA-PKCS1-v1_5, RSASSA-PSS, ECDSA (raw R||S), Ed25519.
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include <cstring>

#include "jose/ecdsa_raw.hpp"
#include "jose/key_impl.hpp"
#include "jose/signer.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jws.hpp"
#include "base/ossl.hpp"

namespace m2mauth::core {

namespace {

enum class Family { hmac, rsa_pkcs1, rsa_pss, ecdsa, eddsa };

Family family_of(Alg alg) {
  switch (alg) {
    case Alg::hs256: case Alg::hs384: case Alg::hs512: return Family::hmac;
    case Alg::rs256: case Alg::rs384: case Alg::rs512: return Family::rsa_pkcs1;
    case Alg::ps256: case Alg::ps384: case Alg::ps512: return Family::rsa_pss;
    case Alg::es256: case Alg::es384: case Alg::es512: return Family::ecdsa;
    case Alg::eddsa: return Family::eddsa;
  }
  fail(Errc::algorithm, "unknown algorithm");
}

// 0, 1, 2 for SHA-256, SHA-384, SHA-512.
int hash_index(Alg alg) {
  switch (alg) {
    case Alg::hs256: case Alg::rs256: case Alg::ps256: case Alg::es256: return 0;
    case Alg::hs384: case Alg::rs384: case Alg::ps384: case Alg::es384: return 1;
    default: return 2;
  }
}

const EVP_MD *md_of(Alg alg) {
  switch (hash_index(alg)) {
    case 0: return ossl::sha256();
    case 1: return ossl::sha384();
    default: return ossl::sha512();
  }
}

const char *md_name(int index) { return index == 0 ? "SHA256" : index == 1 ? "SHA384" : "SHA512"; }

EVP_MAC *hmac_method() {
  static EVP_MAC *mac = [] {
    EVP_MAC *m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) ossl::throw_error(Errc::unsupported, "HMAC unavailable");
    return m;
  }();
  return mac;
}

// ---- HMAC --------------------------------------------------------------------------------------

// The MAC of data into out (EVP_MAX_MD_SIZE bytes); returns its length.
std::size_t hmac(const Key &key, Alg alg, std::string_view data, unsigned char *out) {
  const Key::Impl &k = key.impl();
  int h = hash_index(alg);
  MacPool &pool = k.ops.get<MacPools>(alg).sign;
  EVP_MAC_CTX *ctx = pool.take();
  bool fresh = ctx == nullptr;
  if (fresh) {
    ctx = EVP_MAC_CTX_new(hmac_method());
    if (ctx == nullptr) throw std::bad_alloc();
  }
  PoolLease<EVP_MAC_CTX, EVP_MAC_CTX_free> lease(pool, ctx);
  int ok;
  if (fresh) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char *>(md_name(h)), 0),
        OSSL_PARAM_construct_end()};
    ok = EVP_MAC_init(ctx, key.secret().data(), key.secret().size(), params);
  } else {
    ok = EVP_MAC_init(ctx, nullptr, 0, nullptr);  // restart with the key schedule kept in the context
  }
  size_t outlen = 0;
  if (ok != 1 || EVP_MAC_update(ctx, reinterpret_cast<const unsigned char *>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out, &outlen, EVP_MAX_MD_SIZE) != 1)
    ossl::throw_error(Errc::generic, "HMAC failed");
  lease.succeeded();
  return outlen;
}

// ---- RSA and ECDSA over a prehashed digest ----------------------------------------------------

EVP_PKEY_CTX *new_pkey_ctx(const Key &key, Alg alg, bool signing) {
  ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.evp(), nullptr));
  if (!ctx) throw std::bad_alloc();
  if ((signing ? EVP_PKEY_sign_init(ctx.get()) : EVP_PKEY_verify_init(ctx.get())) != 1)
    ossl::throw_error(Errc::key, "cannot initialise the signature operation");
  const EVP_MD *md = md_of(alg);
  Family f = family_of(alg);
  if (f == Family::rsa_pkcs1 || f == Family::rsa_pss) {
    int pad = f == Family::rsa_pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING;
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), pad) != 1) ossl::throw_error(Errc::key, "cannot set RSA padding");
    if (f == Family::rsa_pss &&
        (EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) != 1 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md) != 1))
      ossl::throw_error(Errc::key, "cannot set RSA-PSS parameters");
  }
  if (EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) ossl::throw_error(Errc::key, "cannot set the signature digest");
  return ctx.release();
}

std::size_t prehash(Alg alg, std::string_view data, unsigned char *out) {
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md_of(alg), nullptr) != 1)
    ossl::throw_error(Errc::generic, "digest failed");
  return len;
}

std::string pkey_sign(const Key &key, Alg alg, std::string_view data) {
  unsigned char dgst[EVP_MAX_MD_SIZE];
  std::size_t dlen = prehash(alg, data, dgst);
  PKeyCtxPool &pool = key.impl().ops.get<PKeyCtxPools>(alg).sign;
  EVP_PKEY_CTX *ctx = pool.take();
  if (ctx == nullptr) ctx = new_pkey_ctx(key, alg, true);
  PoolLease<EVP_PKEY_CTX, EVP_PKEY_CTX_free> lease(pool, ctx);
  std::size_t siglen = 0;
  if (EVP_PKEY_sign(ctx, nullptr, &siglen, dgst, dlen) != 1) ossl::throw_error(Errc::generic, "signing failed");
  std::string sig(siglen, '\0');
  if (EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char *>(sig.data()), &siglen, dgst, dlen) != 1)
    ossl::throw_error(Errc::generic, "signing failed");
  lease.succeeded();
  sig.resize(siglen);
  if (family_of(alg) != Family::ecdsa) return sig;

  std::string raw = ecdsa_der_to_raw(sig, key.curve());
  if (raw.empty()) ossl::throw_error(Errc::generic, "signing failed");
  return raw;
}

bool pkey_verify(const Key &key, Alg alg, std::string_view data, std::string_view signature) {
  std::string der;
  std::string_view sig = signature;
  if (family_of(alg) == Family::ecdsa) {
    // R || S must be exactly twice the field size; then re-encode as DER for OpenSSL.
    std::size_t n = ecdsa_field_bytes(key.curve());
    if (signature.size() != 2 * n) return false;
    const auto *raw = reinterpret_cast<const unsigned char *>(signature.data());
    std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>> es(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(raw, static_cast<int>(n), nullptr);
    BIGNUM *s = BN_bin2bn(raw + n, static_cast<int>(n), nullptr);
    if (!es || r == nullptr || s == nullptr || ECDSA_SIG_set0(es.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      throw std::bad_alloc();
    }
    unsigned char *buf = nullptr;
    int len = i2d_ECDSA_SIG(es.get(), &buf);
    if (len <= 0) throw std::bad_alloc();
    der.assign(reinterpret_cast<char *>(buf), static_cast<std::size_t>(len));
    OPENSSL_free(buf);
    sig = der;
  } else if (signature.size() != (key.bits() + 7) / 8) {
    return false;  // RSA signatures have exactly the modulus length
  }
  unsigned char dgst[EVP_MAX_MD_SIZE];
  std::size_t dlen = prehash(alg, data, dgst);
  PKeyCtxPool &pool = key.impl().ops.get<PKeyCtxPools>(alg).verify;
  EVP_PKEY_CTX *ctx = pool.take();
  if (ctx == nullptr) ctx = new_pkey_ctx(key, alg, false);
  PoolLease<EVP_PKEY_CTX, EVP_PKEY_CTX_free> lease(pool, ctx);
  int rc = EVP_PKEY_verify(ctx, reinterpret_cast<const unsigned char *>(sig.data()), sig.size(), dgst, dlen);
  ossl::clear_errors();
  lease.succeeded();  // a failed verification leaves the context reusable
  return rc == 1;
}

// ---- Ed25519 -----------------------------------------------------------------------------------

EVP_MD_CTX *eddsa_ctx(const Key &key, MdCtxPool &pool, bool signing) {
  EVP_MD_CTX *ctx = pool.take();
  if (ctx != nullptr) {
    // Restart on the existing operation: no key export, no method fetch.
    int ok = signing ? EVP_DigestSignInit_ex(ctx, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr)
                     : EVP_DigestVerifyInit_ex(ctx, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
    if (ok == 1) return ctx;
    EVP_MD_CTX_free(ctx);
    ossl::clear_errors();
  }
  ossl::MdCtx fresh(EVP_MD_CTX_new());
  if (!fresh) throw std::bad_alloc();
  int ok = signing ? EVP_DigestSignInit_ex(fresh.get(), nullptr, nullptr, nullptr, nullptr, key.evp(), nullptr)
                   : EVP_DigestVerifyInit_ex(fresh.get(), nullptr, nullptr, nullptr, nullptr, key.evp(), nullptr);
  if (ok != 1) ossl::throw_error(Errc::key, "cannot initialise the Ed25519 operation");
  return fresh.release();
}

std::string eddsa_sign(const Key &key, std::string_view data) {
  MdCtxPool &pool = key.impl().ops.get<MdCtxPools>(Alg::eddsa).sign;
  PoolLease<EVP_MD_CTX, EVP_MD_CTX_free> lease(pool, eddsa_ctx(key, pool, true));
  std::string sig(64, '\0');
  std::size_t siglen = sig.size();
  if (EVP_DigestSign(lease.get(), reinterpret_cast<unsigned char *>(sig.data()), &siglen,
                     reinterpret_cast<const unsigned char *>(data.data()), data.size()) != 1)
    ossl::throw_error(Errc::generic, "signing failed");
  lease.succeeded();
  sig.resize(siglen);
  return sig;
}

bool eddsa_verify(const Key &key, std::string_view data, std::string_view signature) {
  if (signature.size() != 64) return false;
  MdCtxPool &pool = key.impl().ops.get<MdCtxPools>(Alg::eddsa).verify;
  PoolLease<EVP_MD_CTX, EVP_MD_CTX_free> lease(pool, eddsa_ctx(key, pool, false));
  int rc = EVP_DigestVerify(lease.get(), reinterpret_cast<const unsigned char *>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char *>(data.data()), data.size());
  ossl::clear_errors();
  lease.succeeded();
  return rc == 1;
}

}  // namespace

std::size_t ecdsa_field_bytes(Curve curve) noexcept {
  switch (curve) {
    case Curve::p256: return 32;
    case Curve::p384: return 48;
    case Curve::p521: return 66;
    default: return 0;
  }
}

std::string ecdsa_der_to_raw(std::string_view der, Curve curve) {
  const auto *p = reinterpret_cast<const unsigned char *>(der.data());
  std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>> es(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  ossl::clear_errors();
  std::size_t n = ecdsa_field_bytes(curve);
  if (!es || n == 0 || p != reinterpret_cast<const unsigned char *>(der.data()) + der.size()) return {};
  std::string raw(2 * n, '\0');
  auto *r = reinterpret_cast<unsigned char *>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), r, static_cast<int>(n)) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), r + n, static_cast<int>(n)) < 0)
    return {};
  return raw;
}

bool alg_fits_key_type(const Key &key, Alg alg) noexcept {
  switch (family_of(alg)) {
    case Family::hmac: return key.type() == KeyType::oct;
    case Family::rsa_pkcs1:
    case Family::rsa_pss: return key.type() == KeyType::rsa;
    case Family::ecdsa:
      return key.type() == KeyType::ec &&
             key.curve() == (alg == Alg::es256 ? Curve::p256 : alg == Alg::es384 ? Curve::p384 : Curve::p521);
    case Family::eddsa: return key.type() == KeyType::okp;
  }
  return false;
}

void check_key_for_alg(const Key &key, Alg alg, bool signing) {
  if (key.alg_binding() != 0 && key.alg_binding() != static_cast<int>(alg))
    fail(Errc::algorithm, std::string("the key's JWK binds it to ") + alg_name(static_cast<Alg>(key.alg_binding())) +
                              ", not " + alg_name(alg) + " (RFC 7517 section 4.4)");
  switch (family_of(alg)) {
    case Family::hmac: {
      if (key.type() != KeyType::oct) fail(Errc::key_type, std::string(alg_name(alg)) + " needs an HMAC (oct) key");
      std::size_t min = hash_index(alg) == 0 ? 32 : hash_index(alg) == 1 ? 48 : 64;
      if (key.secret().size() < min)
        fail(Errc::key_type, std::string(alg_name(alg)) + " needs a secret of at least " + std::to_string(min) +
                                 " bytes (RFC 7518 section 3.2)");
      return;  // an HMAC key is always "private"
    }
    case Family::rsa_pkcs1:
    case Family::rsa_pss:
      if (key.type() != KeyType::rsa) fail(Errc::key_type, std::string(alg_name(alg)) + " needs an RSA key");
      if (key.bits() < 2048) fail(Errc::key_type, "RSA keys must have at least 2048 bits (RFC 7518 section 3.3)");
      break;
    case Family::ecdsa: {
      Curve want = alg == Alg::es256 ? Curve::p256 : alg == Alg::es384 ? Curve::p384 : Curve::p521;
      if (key.type() != KeyType::ec || key.curve() != want)
        fail(Errc::key_type, std::string(alg_name(alg)) + " needs an EC " + curve_name(want) + " key");
      break;
    }
    case Family::eddsa:
      if (key.type() != KeyType::okp) fail(Errc::key_type, "EdDSA needs an Ed25519 (OKP) key");
      break;
  }
  if (signing && !key.has_private()) fail(Errc::no_private, "signing needs a private key");
}

std::string sign_bytes(const Key &key, Alg alg, std::string_view data) {
  check_key_for_alg(key, alg, true);
  if (key.is_signer()) return signer_sign(key, alg, data);
  switch (family_of(alg)) {
    case Family::hmac: {
      unsigned char mac[EVP_MAX_MD_SIZE];
      return std::string(reinterpret_cast<char *>(mac), hmac(key, alg, data, mac));
    }
    case Family::eddsa: return eddsa_sign(key, data);
    default: return pkey_sign(key, alg, data);
  }
}

void append_signature_base64url(std::string &out, const Key &key, Alg alg, std::string_view data) {
  if (family_of(alg) != Family::hmac) {
    std::string sig = sign_bytes(key, alg, data);
    out.push_back('.');
    base64url_append(out, reinterpret_cast<const std::uint8_t *>(sig.data()), sig.size());
    return;
  }
  check_key_for_alg(key, alg, true);
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = hmac(key, alg, data, mac);  // before out grows: data may be out's own text
  out.push_back('.');
  base64url_append(out, mac, len);
}

bool verify_bytes(const Key &key, Alg alg, std::string_view data, std::string_view signature) {
  check_key_for_alg(key, alg, false);
  switch (family_of(alg)) {
    case Family::hmac: {
      unsigned char mac[EVP_MAX_MD_SIZE];
      std::size_t len = hmac(key, alg, data, mac);
      bool ok = constant_time_equal(mac, len, reinterpret_cast<const std::uint8_t *>(signature.data()), signature.size());
      secure_wipe(mac, len);
      return ok;
    }
    case Family::eddsa: return eddsa_verify(key, data, signature);
    default: return pkey_verify(key, alg, data, signature);
  }
}

}  // namespace m2mauth::core
