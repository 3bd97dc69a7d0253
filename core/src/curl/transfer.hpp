// Internal: one HTTP exchange on a pooled easy handle.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "curl/pool.hpp"
#include "http/profile.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/request.hpp"

namespace m2mauth::core::curl {

// What the callbacks of one transfer write to and read from.
struct Sink {
  Response *response = nullptr;
  std::size_t max_bytes = 0;  // 0 = unlimited
  const Cancel *cancel = nullptr;
  bool too_large = false;
  bool cancelled = false;
  bool out_of_memory = false;
  bool has_client_cert = false;         // the profile offers one
  bool client_cert_requested = false;   // the server asked for one (copied from the handle afterwards)
};

// Sets the options that depend only on the profile (after curl_easy_reset). Records the profile in h.
void configure(PooledEasy &h, const std::shared_ptr<const http::Profile> &profile);

// Sends req on h (configured for profile) and returns the response; throws Error on failure.
Response perform(PooledEasy &h, const http::Profile &profile, const Request &req, const CallOptions &options);

// Throws the Error for a failed transfer: code, transient flag and a message naming the host and port
// of url (never its path or query) and libcurl's reason when it cannot quote the request.
[[noreturn]] void throw_transfer_error(CURLcode rc, const Sink &sink, const char *errbuf, const Request &req,
                                       std::size_t max_bytes, std::int64_t timeout_ms);

}  // namespace m2mauth::core::curl
