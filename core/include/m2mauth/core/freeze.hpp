// Configure, then freeze: the one thread model of every configurable object (token client, A2A client,
// JWT verifier, OAuth 1.0 signer, HTTP transport).
//
// Setters run one at a time under the gate's lock until the first use freezes the object; a setter
// after that throws Error(state) naming the object and the setter ("token client: set_scope after
// first use"). A frozen object is read-only and safe from any number of threads. A first use whose
// build fails (an incomplete configuration) leaves the object open, so it can still be completed.
#pragma once

#include <atomic>
#include <mutex>
#include <string>

namespace m2mauth::core {

// "<object>: <setter> after first use", the message of Error(state) from a frozen object.
std::string frozen_message(const char *object, const char *setter);
// Throws Error(state, frozen_message(object, setter)).
[[noreturn]] void fail_frozen(const char *object, const char *setter);

class FreezeGate {
 public:
  // object: how messages name it ("token client"); a string literal.
  explicit FreezeGate(const char *object) noexcept : object_(object) {}
  FreezeGate(const FreezeGate &) = delete;
  FreezeGate &operator=(const FreezeGate &) = delete;

  // Runs change() under the lock, or throws Error(state) naming the setter once frozen.
  template <typename F>
  void configure(const char *setter, F &&change) {
    std::lock_guard<std::mutex> lock(mu_);
    if (frozen_.load(std::memory_order_relaxed)) fail_frozen(object_, setter);
    change();
  }

  // The first call runs build() under the lock and then freezes; later calls return at once (one
  // atomic load). If build() throws, the gate stays open.
  template <typename F>
  void freeze(F &&build) {
    if (frozen_.load(std::memory_order_acquire)) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (frozen_.load(std::memory_order_relaxed)) return;
    build();
    frozen_.store(true, std::memory_order_release);
  }

  bool frozen() const noexcept { return frozen_.load(std::memory_order_acquire); }
  const char *object() const noexcept { return object_; }

 private:
  const char *object_;
  std::mutex mu_;
  std::atomic<bool> frozen_{false};
};

}  // namespace m2mauth::core
