// Internal: RAII holders for libcurl objects and the one-time global initialisation.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace m2mauth::core::curl {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T *p) const noexcept {
    Fn(p);
  }
};

using Easy = std::unique_ptr<CURL, Deleter<curl_easy_cleanup>>;
using Slist = std::unique_ptr<curl_slist, Deleter<curl_slist_free_all>>;
using Multi = std::unique_ptr<CURLM, Deleter<curl_multi_cleanup>>;

// curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process, thread-safely (a function-local
// static). Throws Error(generic) if libcurl cannot initialise. curl_global_cleanup is never called:
// other code in the process may still use libcurl.
void global_init();

// A new easy handle (after global_init). Throws std::bad_alloc.
Easy new_easy();

// Appends one line to a header list; throws std::bad_alloc (the list is unchanged on failure).
void append(Slist &list, const char *line);

}  // namespace m2mauth::core::curl
