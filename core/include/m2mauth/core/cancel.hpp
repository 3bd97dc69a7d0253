// A cancel signal shared by a caller and the calls it bounds. request() is thread-safe and idempotent;
// calls in progress subscribe an observer that wakes them (a libcurl poll, a condition variable, the
// token manager's thread), so cancelling takes effect at once rather than at the next poll.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace m2mauth::core {

class Cancel {
 public:
  Cancel() = default;
  Cancel(const Cancel &) = delete;
  Cancel &operator=(const Cancel &) = delete;

  // Sets the signal and runs every subscribed observer once, on this thread. Later calls do nothing.
  void request() noexcept;
  bool requested() const noexcept { return flag_.load(std::memory_order_acquire); }

  // Runs fn (which must not throw) when request() is called, or at once on this thread if it already
  // was; returns an id for unsubscribe (0 when fn already ran).
  std::uint64_t subscribe(std::function<void()> fn);
  // After it returns fn is not running (unless on this very thread) and will not run. Accepts 0.
  void unsubscribe(std::uint64_t id) noexcept;

 private:
  std::atomic<bool> flag_{false};
  std::mutex mu_;
  std::condition_variable done_;
  std::vector<std::pair<std::uint64_t, std::function<void()>>> observers_;
  std::uint64_t next_id_ = 1;
  bool running_ = false;
  std::thread::id runner_;
};

// Subscribes for a scope: unsubscribes when destroyed. A null cancel subscribes nothing.
class CancelSubscription {
 public:
  CancelSubscription(const Cancel *cancel, std::function<void()> fn)
      : cancel_(const_cast<Cancel *>(cancel)), id_(cancel_ != nullptr ? cancel_->subscribe(std::move(fn)) : 0) {}
  ~CancelSubscription() {
    if (cancel_ != nullptr) cancel_->unsubscribe(id_);
  }
  CancelSubscription(const CancelSubscription &) = delete;
  CancelSubscription &operator=(const CancelSubscription &) = delete;

 private:
  Cancel *cancel_;
  std::uint64_t id_;
};

}  // namespace m2mauth::core
