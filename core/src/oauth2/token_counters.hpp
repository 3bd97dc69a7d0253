// Internal: the counters a token manager keeps per key for TokenManager::stats() (issue 15).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "m2mauth/core/token_manager.hpp"
#include "m2mauth/core/token_stats.hpp"

namespace m2mauth::core {

// A count with one writer (the thread that owns it) and any number of readers: the writer's bump is a
// plain load, add and store (no locked instruction), the readers' load sees a whole value.
class OwnCount {
 public:
  OwnCount() = default;
  OwnCount(const OwnCount &o) noexcept : n_(o.get()) {}
  OwnCount &operator=(const OwnCount &o) noexcept {
    n_.store(o.get(), std::memory_order_relaxed);
    return *this;
  }
  void bump() noexcept { n_.store(n_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
  std::uint64_t get() const noexcept { return n_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> n_{0};
};

// Cache hits served outside the library: a binding or an application that keeps its own copy of a
// token (TokenView::fresh_until_ms) adds 1 to one of these counters per read it serves, with a relaxed
// atomic add, picking one per thread so that threads mostly bump different cache lines. stats() adds
// their sum to cache_hits. Allocated with the key (never on the read path) and freed with the manager.
// How many: twice the hardware threads, a power of two from 4 to 32 (256 B to 2 KiB per key), so that
// two threads' picks rarely share a line without every key costing a kilobyte on a small machine.
class ReuseHits {
 public:
  static constexpr std::size_t kStride = 64;
  ReuseHits() : lines_(new Line[lines_for_this_machine()]) {
    where_.first = &lines_[0].n;
    where_.count = lines_for_this_machine();
    where_.stride = kStride;
  }
  ReuseHits(const ReuseHits &) = delete;
  ReuseHits &operator=(const ReuseHits &) = delete;
  // What TokenView::reuse_hits points to.
  const ReuseHitCounters *where() const noexcept { return &where_; }
  std::uint64_t sum() const noexcept {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < where_.count; ++i) total += lines_[i].n.load(std::memory_order_relaxed);
    return total;
  }

 private:
  struct alignas(kStride) Line {
    std::atomic<std::uint64_t> n{0};
  };
  static_assert(sizeof(Line) == kStride, "one counter per cache line");
  static std::size_t lines_for_this_machine() noexcept {
    static const std::size_t n = [] {
      const std::size_t want = 2 * static_cast<std::size_t>(std::thread::hardware_concurrency());
      std::size_t lines = 4;
      while (lines < want && lines < 32) lines *= 2;
      return lines;
    }();
    return n;
  }
  std::unique_ptr<Line[]> lines_;
  ReuseHitCounters where_;
};

// One key's counters. The atomics are bumped off the lock-free read path (under Entry::mu or after a
// wait); the rest is written and read under Entry::mu.
struct KeyCounters {
  mutable std::atomic<std::uint64_t> retired_hits{0};  // lock-free hits of readers whose thread has gone
  std::atomic<std::uint64_t> locked_hits{0};           // hits of the locked read (and at-once get_async)
  std::atomic<std::uint64_t> requests_ok{0};
  std::atomic<std::uint64_t> requests_transient{0};
  std::atomic<std::uint64_t> requests_permanent{0};
  std::atomic<std::uint64_t> waits{0};
  std::atomic<std::int64_t> wait_ms_total{0};
  std::atomic<std::uint64_t> latency[kLatencyBuckets] = {};
  ReuseHits reuse_hits;  // bumped outside the library (through TokenView), never written by it

  // Under Entry::mu.
  TokenSource source = TokenSource::none;
  int last_error_code = 0;  // kept after later successes
  int last_http_status = 0;
  std::string last_oauth_error;
  std::int64_t last_vendor_code = 0;

  static void add(std::atomic<std::uint64_t> &c) noexcept { c.fetch_add(1, std::memory_order_relaxed); }
  // One read's wait, which began at `since` and ends now (a get that waited, or a get_async that
  // queued a waiter and was completed: token, error, timeout, cancel or the manager freed).
  void count_wait(std::chrono::steady_clock::time_point since) noexcept {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since);
    add(waits);
    wait_ms_total.fetch_add(static_cast<std::int64_t>(ms.count()), std::memory_order_relaxed);
  }
};

// Counts one synchronous read's wait (if it waited) when the read ends, however it ends. A get_async
// wait is counted when its waiter is completed (TokenManager::deliver).
class WaitTimer {
 public:
  explicit WaitTimer(KeyCounters &c) noexcept : c_(c) {}
  WaitTimer(const WaitTimer &) = delete;
  WaitTimer &operator=(const WaitTimer &) = delete;
  ~WaitTimer() {
    if (started_) c_.count_wait(t0_);
  }
  void start() noexcept {
    if (started_) return;
    started_ = true;
    t0_ = std::chrono::steady_clock::now();
  }
  bool started() const noexcept { return started_; }

 private:
  KeyCounters &c_;
  bool started_ = false;
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace m2mauth::core
