// Internal: what a Key holds.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/key.hpp"
#include "jose/op_pool.hpp"
#include "base/ossl.hpp"

namespace m2mauth::core {

// The operation contexts of one algorithm on one key: one pool for signing, one for verifying (HMAC
// computes the same MAC both ways and uses `sign` only).
template <typename T, void (*Free)(T *)>
struct AlgPools final : AlgOps {
  OpPool<T, Free> sign, verify;
};
using MacPools = AlgPools<EVP_MAC_CTX, EVP_MAC_CTX_free>;      // HS256, HS384, HS512
using PKeyCtxPools = AlgPools<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;  // RSA and ECDSA over a prehashed digest
using MdCtxPools = AlgPools<EVP_MD_CTX, EVP_MD_CTX_free>;        // Ed25519 (no prehash)
using MacPool = OpPool<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using PKeyCtxPool = OpPool<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPool = OpPool<EVP_MD_CTX, EVP_MD_CTX_free>;

// The pools of one key, made on first use per algorithm (see op_pool.hpp): a key that never signs or
// verifies holds no context, and one that uses a single algorithm holds that algorithm's only.
class KeyOps {
 public:
  KeyOps() = default;
  KeyOps(const KeyOps &) = delete;
  KeyOps &operator=(const KeyOps &) = delete;
  ~KeyOps() { delete table_.load(std::memory_order_acquire); }

  // The pools of alg, made on first use. Pools is the type every algorithm of alg's family uses (the
  // caller has checked that alg fits the key, so one slot always holds one type).
  template <typename Pools>
  Pools &get(Alg alg) const {
    Table *table = table_.load(std::memory_order_acquire);
    if (table == nullptr) table = install(table_, std::make_unique<Table>());
    std::atomic<AlgOps *> &slot = table->by_alg[slot_of(alg)];
    AlgOps *ops = slot.load(std::memory_order_acquire);
    if (ops == nullptr) ops = install(slot, std::unique_ptr<AlgOps>(std::make_unique<Pools>()));
    return static_cast<Pools &>(*ops);
  }

 private:
  // The most algorithms one key type allows: RSA with RS and PS over three hashes.
  static constexpr int kSlots = 6;
  struct Table {
    std::atomic<AlgOps *> by_alg[kSlots] = {};
    ~Table() {
      for (auto &ops : by_alg) delete ops.load(std::memory_order_acquire);
    }
  };
  // HS256..HS512 -> 0..2, RS256..PS512 -> 0..5, ES256..ES512 -> 0..2, EdDSA -> 0.
  static int slot_of(Alg alg) noexcept {
    int a = static_cast<int>(alg);
    return a <= 3 ? a - 1 : a <= 9 ? a - 4 : a <= 12 ? a - 10 : 0;
  }
  // Publishes fresh in slot unless another thread did first; returns what the slot holds.
  template <typename T>
  static T *install(std::atomic<T *> &slot, std::unique_ptr<T> fresh) {
    T *expected = nullptr;
    if (slot.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel, std::memory_order_acquire))
      return fresh.release();
    return expected;
  }

  mutable std::atomic<Table *> table_{nullptr};
};

struct SignerState;  // signer.cpp: the application's sign function and the lock that serialises it

// Laid out small: a key that is only held (a JWKS, a cache of keys) costs little more than its EVP_PKEY.
struct Key::Impl {
  std::uint64_t id = 0;
  ossl::PKey pkey;                       // RSA, EC, Ed25519
  KeyOps ops;                            // initialised operation contexts, reused across calls and threads
  std::unique_ptr<const std::string> kid;  // null when the key has none (most keys): 8 bytes, not a string's 32
  std::unique_ptr<SecretBytes> secret;  // HMAC
  std::shared_ptr<SignerState> signer;  // a signer key (pkey then holds the public key only)
  unsigned int bits = 0;
  KeyType type = KeyType::rsa;
  Curve curve = Curve::none;
  std::uint8_t alg = 0;  // the JWK's "alg" as an Alg value; 0 when none
  bool has_private = false;
  bool in_token = false;  // the private key is held by a PKCS#11 token: it signs, but cannot be exported
};

}  // namespace m2mauth::core
