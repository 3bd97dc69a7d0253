#include "curl/share.hpp"

#include <new>

#include "curl/handles.hpp"
#include "m2mauth/core/error.hpp"

namespace m2mauth::core::curl {

namespace {
// First libcurl release that serialises shared TLS sessions (safe across threads).
constexpr unsigned kTlsSessionShareSafe = 0x080a00;  // 8.10.0

void must(CURLSHcode rc) {
  if (rc == CURLSHE_NOMEM) throw std::bad_alloc();
  if (rc != CURLSHE_OK) fail(Errc::generic, std::string("libcurl share setup failed: ") + curl_share_strerror(rc));
}
}  // namespace

Share::Share() {
  global_init();
  share_ = curl_share_init();
  if (share_ == nullptr) throw std::bad_alloc();
  try {
    must(curl_share_setopt(share_, CURLSHOPT_USERDATA, this));
    must(curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &Share::lock));
    must(curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &Share::unlock));
    must(curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS));
    if (curl_version_info(CURLVERSION_NOW)->version_num >= kTlsSessionShareSafe) {
      must(curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION));
      tls_sessions_ = true;
    }
  } catch (...) {
    curl_share_cleanup(share_);
    throw;
  }
}

Share::~Share() {
  // Every easy handle using the share is gone by now (the transport destroys its pool first).
  curl_share_cleanup(share_);
}

std::mutex &Share::mutex_for(curl_lock_data data) noexcept {
  auto i = static_cast<std::size_t>(data);
  return mutexes_[i < mutexes_.size() ? i : 0];
}

void Share::lock(CURL *, curl_lock_data data, curl_lock_access, void *self) noexcept {
  static_cast<Share *>(self)->mutex_for(data).lock();
}

void Share::unlock(CURL *, curl_lock_data data, void *self) noexcept {
  static_cast<Share *>(self)->mutex_for(data).unlock();
}

}  // namespace m2mauth::core::curl
