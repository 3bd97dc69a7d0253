// Internal: a small lock-free pool of reusable OpenSSL operation contexts, owned by one key.
//
// Initialising an OpenSSL context (key export to the provider, method fetch, HMAC key schedule) costs
// more than a short HMAC and a sizeable part of an RSA verification. Each key keeps a few initialised
// contexts per operation; a caller takes one (or makes one when all are busy), uses it and gives it
// back. The pools of an algorithm are made the first time the key is used with it (key_impl.hpp), and
// freed, their key material wiped, with the key.
#pragma once

#include <atomic>
#include <memory>

namespace m2mauth::core {

// The pools of one algorithm on one key (key_impl.hpp), owned through this base.
struct AlgOps {
  virtual ~AlgOps() = default;
};

template <typename T, void (*Free)(T *)>
class OpPool {
 public:
  OpPool() = default;
  OpPool(const OpPool &) = delete;
  OpPool &operator=(const OpPool &) = delete;
  ~OpPool() {
    for (auto &slot : slots_)
      if (T *p = slot.load(std::memory_order_acquire)) Free(p);
  }

  // An idle context, or nullptr when none is idle.
  T *take() noexcept {
    for (auto &slot : slots_) {
      if (slot.load(std::memory_order_relaxed) == nullptr) continue;
      if (T *p = slot.exchange(nullptr, std::memory_order_acquire)) return p;
    }
    return nullptr;
  }

  // Returns a context for reuse; frees it when the pool is full.
  void give(T *p) noexcept {
    for (auto &slot : slots_) {
      T *expected = nullptr;
      if (slot.load(std::memory_order_relaxed) == nullptr &&
          slot.compare_exchange_strong(expected, p, std::memory_order_release, std::memory_order_relaxed))
        return;
    }
    Free(p);
  }

 private:
  static constexpr int kSlots = 4;
  std::atomic<T *> slots_[kSlots] = {};
};

// Takes a context from a pool for one scope, and gives it back (or frees it when the operation failed
// and left the context in an unknown state).
template <typename T, void (*Free)(T *)>
class PoolLease {
 public:
  PoolLease(OpPool<T, Free> &pool, T *ctx) : pool_(pool), ctx_(ctx) {}
  PoolLease(const PoolLease &) = delete;
  PoolLease &operator=(const PoolLease &) = delete;
  ~PoolLease() {
    if (ctx_ == nullptr) return;
    if (ok_) pool_.give(ctx_);
    else Free(ctx_);
  }
  T *get() const noexcept { return ctx_; }
  void succeeded() noexcept { ok_ = true; }

 private:
  OpPool<T, Free> &pool_;
  T *ctx_;
  bool ok_ = false;
};

}  // namespace m2mauth::core
