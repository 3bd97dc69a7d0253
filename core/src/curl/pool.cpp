#include "curl/pool.hpp"

#include <new>

#include "curl/share.hpp"

namespace m2mauth::core::curl {

Pool::Lease Pool::take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<PooledEasy> h = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(h));
    }
  }
  auto h = std::make_unique<PooledEasy>();
  h->easy = new_easy();
  // The share survives curl_easy_reset, so it is attached once for the handle's life.
  if (curl_easy_setopt(h->easy.get(), CURLOPT_SHARE, share_.get()) != CURLE_OK) throw std::bad_alloc();
  return Lease(*this, std::move(h));
}

void Pool::give_back(std::unique_ptr<PooledEasy> h) noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < max_idle_) {  // capacity was reserved: push_back cannot throw
      idle_.push_back(std::move(h));
      return;
    }
  }
  h.reset();  // closes its connections outside the lock
}

}  // namespace m2mauth::core::curl
