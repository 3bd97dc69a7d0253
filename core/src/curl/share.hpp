// Internal: a CURLSH shared by the easy handles of one transport, with one mutex per kind of data.
#pragma once

#include <curl/curl.h>

#include <array>
#include <mutex>

namespace m2mauth::core::curl {

// Shares the DNS cache always, and TLS session tickets where libcurl supports sharing them across
// concurrent threads (8.10.0 and later; older OpenSSL-backed libcurl races on the shared
// SSL_SESSION, curl PR #14751). Connections are never put in the share: libcurl documents a shared
// connection cache as unsupported between concurrent threads (CURLSHOPT_SHARE(3), curl issues
// #4544 and #4915); each pooled easy handle keeps its own connections alive instead.
class Share {
 public:
  Share();
  ~Share();
  Share(const Share &) = delete;
  Share &operator=(const Share &) = delete;

  CURLSH *get() const noexcept { return share_; }
  bool shares_tls_sessions() const noexcept { return tls_sessions_; }

 private:
  static void lock(CURL *, curl_lock_data data, curl_lock_access, void *self) noexcept;
  static void unlock(CURL *, curl_lock_data data, void *self) noexcept;
  std::mutex &mutex_for(curl_lock_data data) noexcept;

  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes_;
  CURLSH *share_ = nullptr;
  bool tls_sessions_ = false;
};

}  // namespace m2mauth::core::curl
