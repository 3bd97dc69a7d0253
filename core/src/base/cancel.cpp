// The cancel signal: a flag plus observers run once by the first request().
#include "m2mauth/core/cancel.hpp"

namespace m2mauth::core {

void Cancel::request() noexcept {
  std::vector<std::pair<std::uint64_t, std::function<void()>>> run;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (flag_.exchange(true, std::memory_order_acq_rel)) return;
    run.swap(observers_);
    running_ = true;
    runner_ = std::this_thread::get_id();
  }
  for (auto &o : run) o.second();
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }
  done_.notify_all();
}

std::uint64_t Cancel::subscribe(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!flag_.load(std::memory_order_acquire)) {
      std::uint64_t id = next_id_++;
      observers_.emplace_back(id, std::move(fn));
      return id;
    }
  }
  fn();
  return 0;
}

void Cancel::unsubscribe(std::uint64_t id) noexcept {
  if (id == 0) return;
  std::unique_lock<std::mutex> lock(mu_);
  for (auto it = observers_.begin(); it != observers_.end(); ++it)
    if (it->first == id) {
      observers_.erase(it);
      return;
    }
  // Taken by a request() that may be running it now: wait until it is done (unless it runs here).
  if (running_ && runner_ != std::this_thread::get_id()) done_.wait(lock, [&] { return !running_; });
}

}  // namespace m2mauth::core
