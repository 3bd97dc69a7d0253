// libcurl's process-wide initialisation and small helpers over its allocating calls.
#include <new>

#include "curl/handles.hpp"
#include "m2mauth/core/error.hpp"

namespace m2mauth::core::curl {

void global_init() {
  // C++11 guarantees one thread runs the initialiser while the others wait. curl_global_init is not
  // reference-counted here: once is enough, and cleanup is left to process exit.
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) fail(Errc::generic, std::string("libcurl initialisation failed: ") + curl_easy_strerror(rc));
}

Easy new_easy() {
  global_init();
  Easy easy(curl_easy_init());
  if (!easy) throw std::bad_alloc();
  return easy;
}

void append(Slist &list, const char *line) {
  curl_slist *grown = curl_slist_append(list.get(), line);
  if (grown == nullptr) throw std::bad_alloc();
  (void)list.release();  // the old head (if any) is now owned by `grown`
  list.reset(grown);
}

}  // namespace m2mauth::core::curl
