// Internal: the token manager's keys (scope, audience, resources) -> entries. A lookup is one hash and
// a short probe with no lock and no allocation, whatever the number of keys; adding a key takes a mutex
// and, now and then, doubles the table.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "m2mauth/core/oauth2.hpp"

namespace m2mauth::core {

// Open addressing over E* (E has `std::uint64_t hash` and `TokenScope scope`), at most half full.
// find() runs without a lock at any time; add_locked() and the growth it may do run under the owner's
// mutex. A grown table replaces the old one for new readers; the old stays readable (and owned here)
// until the table is destroyed, so a reader on it is never left dangling: at worst it misses a key
// added meanwhile and takes the owner's locked path, which finds it.
template <typename E>
class KeyTable {
 public:
  KeyTable() { publish(16); }

  E *find(std::uint64_t hash, const TokenKeyRef &key) const noexcept {
    const Slots *s = current_.load(std::memory_order_acquire);
    for (std::size_t i = hash & s->mask;; i = (i + 1) & s->mask) {
      E *e = s->slot[i].load(std::memory_order_acquire);
      if (e == nullptr) return nullptr;
      if (e->hash == hash && key.matches(e->scope)) return e;
    }
  }

  // Adds e, which find() does not hold (checked under the same mutex).
  void add_locked(E *e) {
    const Slots *s = current_.load(std::memory_order_relaxed);
    if ((count_ + 1) * 2 > s->mask + 1) {
      const Slots *old = s;
      s = publish((old->mask + 1) * 2, old);
    }
    place(*s, e);
    ++count_;
  }

  std::size_t size() const noexcept { return count_; }

 private:
  struct Slots {
    std::size_t mask;
    std::unique_ptr<std::atomic<E *>[]> slot;
  };

  static void place(const Slots &s, E *e) {
    std::size_t i = e->hash & s.mask;
    while (s.slot[i].load(std::memory_order_relaxed) != nullptr) i = (i + 1) & s.mask;
    s.slot[i].store(e, std::memory_order_release);
  }

  const Slots *publish(std::size_t capacity, const Slots *from = nullptr) {
    auto s = std::make_unique<Slots>();
    s->mask = capacity - 1;
    s->slot = std::make_unique<std::atomic<E *>[]>(capacity);
    for (std::size_t i = 0; i < capacity; ++i) s->slot[i].store(nullptr, std::memory_order_relaxed);
    if (from != nullptr)
      for (std::size_t i = 0; i <= from->mask; ++i)
        if (E *e = from->slot[i].load(std::memory_order_relaxed)) place(*s, e);
    const Slots *raw = s.get();
    all_.push_back(std::move(s));
    current_.store(raw, std::memory_order_release);
    return raw;
  }

  std::atomic<const Slots *> current_{nullptr};
  std::vector<std::unique_ptr<Slots>> all_;  // every size it had: old readers may still be on one
  std::size_t count_ = 0;
};

}  // namespace m2mauth::core
