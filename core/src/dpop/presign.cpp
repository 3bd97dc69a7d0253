// ECDSA with nonces computed ahead for DPoP proofs (presign.hpp). Uses OpenSSL's EC_KEY interface,
// deprecated in OpenSSL 3 but the only one that splits the signature in two.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "dpop/presign.hpp"

#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "m2mauth/core/encoding.hpp"

namespace m2mauth::core {

namespace {

const EVP_MD *md_of(Alg alg) {
  switch (alg) {
    case Alg::es256: return EVP_sha256();
    case Alg::es384: return EVP_sha384();
    case Alg::es512: return EVP_sha512();
    default: return nullptr;
  }
}

}  // namespace

std::unique_ptr<EcPresigner> EcPresigner::make(const Key &key, Alg alg) {
  if (key.type() != KeyType::ec || !key.has_private() || key.evp() == nullptr) return nullptr;
  std::size_t n = 0;
  switch (key.curve()) {
    case Curve::p256: n = alg == Alg::es256 ? 32 : 0; break;
    case Curve::p384: n = alg == Alg::es384 ? 48 : 0; break;
    case Curve::p521: n = alg == Alg::es512 ? 66 : 0; break;
    default: break;
  }
  if (n == 0) return nullptr;
  EC_KEY *ec = EVP_PKEY_get1_EC_KEY(key.evp());
  if (ec == nullptr) return nullptr;
  return std::unique_ptr<EcPresigner>(new EcPresigner(ec, alg, n));
}

EcPresigner::EcPresigner(ec_key_st *ec, Alg alg, std::size_t field_bytes)
    : ec_(ec), alg_(alg), field_bytes_(field_bytes), pid_(static_cast<long>(getpid())) {}

EcPresigner::~EcPresigner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  for (Pair &p : ready_) wipe(p);
  EC_KEY_free(ec_);  // the legacy copy: its private scalar is cleared when freed
}

void EcPresigner::wipe(Pair &p) noexcept {
  BN_clear_free(p.kinv);
  BN_clear_free(p.r);
  p.kinv = p.r = nullptr;
}

void EcPresigner::refill_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || ready_.size() < kLow; });
    if (stopping_) return;
    while (!stopping_ && ready_.size() < kTarget) {
      lock.unlock();
      Pair p{nullptr, nullptr};
      const bool ok = ECDSA_sign_setup(ec_, nullptr, &p.kinv, &p.r) == 1;
      lock.lock();
      if (!ok) {
        wipe(p);
        break;  // the callers sign the usual way meanwhile; retried when they take the next pair
      }
      ready_.push_back(p);
    }
  }
}

bool EcPresigner::append_signature(std::string &out, std::string_view data) {
  Pair p{nullptr, nullptr};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (static_cast<long>(getpid()) != pid_) {  // a forked child: never use the parent's nonces
      for (Pair &q : ready_) wipe(q);
      ready_.clear();
      return false;
    }
    if (!started_) {
      started_ = true;
      worker_ = std::thread([this] { refill_loop(); });
    }
    if (!ready_.empty()) {
      p = ready_.back();
      ready_.pop_back();
    }
    if (ready_.size() < kLow) cv_.notify_one();
  }
  if (p.kinv == nullptr) return false;
  unsigned char dgst[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  const bool digested = EVP_Digest(data.data(), data.size(), dgst, &dlen, md_of(alg_), nullptr) == 1;
  ECDSA_SIG *sig = digested ? ECDSA_do_sign_ex(dgst, static_cast<int>(dlen), p.kinv, p.r, ec_) : nullptr;
  wipe(p);
  if (sig == nullptr) return false;
  unsigned char raw[2 * 66];
  const bool encoded = BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, static_cast<int>(field_bytes_)) >= 0 &&
                       BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + field_bytes_, static_cast<int>(field_bytes_)) >= 0;
  ECDSA_SIG_free(sig);
  if (!encoded) return false;
  out.push_back('.');
  base64url_append(out, raw, 2 * field_bytes_);
  return true;
}

}  // namespace m2mauth::core
