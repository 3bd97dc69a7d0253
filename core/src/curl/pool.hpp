// Internal: a pool of libcurl easy handles. A handle keeps its own live connections, so taking the
// most recently returned one (LIFO) reuses the warmest connection.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "curl/handles.hpp"
#include "http/profile.hpp"

namespace m2mauth::core::curl {

class Share;

struct PooledEasy {
  Easy easy;
  // The transfer runs on this multi handle (made on first use), which keeps the easy handle's live
  // connections as curl_easy_perform's own would, and which a cancel can wake (curl_multi_wakeup).
  Multi multi;
  // The profile the handle's long-lived options were set for (null = none yet). Holding it keeps the
  // address valid, so comparing pointers is enough to know whether reconfiguration is needed.
  std::shared_ptr<const http::Profile> profile;
  // The last URL that passed check_url_security under `profile` (cleared when it changes): repeated
  // requests to one endpoint skip parsing it again.
  std::string checked_url;
  // Set by the TLS hook (curl_tls.hpp) when a server asked for a client certificate during this
  // transfer's handshake; cleared before each transfer.
  bool client_cert_requested = false;
  char errbuf[CURL_ERROR_SIZE] = {};
};

class Pool {
 public:
  // Returns handles to the pool until max_idle are waiting; more are closed.
  Pool(Share &share, std::size_t max_idle) : share_(share), max_idle_(max_idle) { idle_.reserve(max_idle); }

  class Lease {
   public:
    Lease(Pool &pool, std::unique_ptr<PooledEasy> h) : pool_(&pool), h_(std::move(h)) {}
    Lease(Lease &&) = default;
    Lease &operator=(Lease &&) = delete;
    ~Lease() {
      if (h_) pool_->give_back(std::move(h_));
    }
    PooledEasy *operator->() const noexcept { return h_.get(); }
    PooledEasy &operator*() const noexcept { return *h_; }

   private:
    Pool *pool_;
    std::unique_ptr<PooledEasy> h_;
  };

  Lease take();

 private:
  void give_back(std::unique_ptr<PooledEasy> h) noexcept;

  Share &share_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<PooledEasy>> idle_;
};

}  // namespace m2mauth::core::curl
