// The native state of one m2mauth.OAuth2Client, shared by oauth2.cpp (construction, token() and the
// blocking calls) and oauth2_async.cpp (the completion-callback calls behind token_async() and
// AsyncOAuth2Client).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "binding.hpp"

namespace m2mauth_py {

// Everything one OAuth2Client owns natively. Destroyed with the GIL held, on a thread that is not
// running one of the manager's callbacks (see destroy_core).
struct ManagerCore {
  std::shared_ptr<const m2mauth::Http> http;   // kept alive for the client and for fetch()
  std::optional<m2mauth::TokenClient> client;  // for fetch(); from a Config it is made on first use
  std::shared_ptr<const m2mauth::Config> config;
  std::optional<m2mauth::TokenManager> manager;
  std::mutex client_mu;

  bool background = true;
  std::int64_t skew_ms = 30000;

  // Bumped by every invalidation (from any thread); the fast path compares it.
  std::atomic<std::uint64_t> generation{0};
  // Python state, guarded by the GIL.
  PyObject *cached = nullptr;  // the last token object (owned reference)
  std::uint64_t cached_generation = ~std::uint64_t{0};
  std::int64_t cached_expires_ms = 0;
  // The view's reuse fields for `cached` (fresh_until_ms minus a coarse tick; generation NULL: none).
  std::int64_t reuse_until_ms = 0;
  const std::uint64_t *reuse_generation = nullptr;
  std::uint64_t reuse_seen = 0;
  // The view's reuse-hit counters (version 3): each reuse adds 1 to the first (the GIL serialises them).
  std::uint64_t *reuse_hits = nullptr;
  PyObject *token_factory = nullptr;  // m2mauth.oauth2.Token
  PyObject *dispatcher = nullptr;     // logs the event and calls the user's callback (m2mauth._events)
  PyObject *user_callback = nullptr;  // for sys.unraisablehook reports
  std::atomic<bool> has_callback{false};
  // cache_hit events reach Python only for a user callback: logging never runs on the cached read path.
  std::atomic<bool> forward_cache_hits{false};

  ~ManagerCore();
};

using CorePtr = std::shared_ptr<ManagerCore>;

struct ManagerHandle {
  CorePtr core;

  CorePtr need() const {
    if (!core) throw py::value_error("the OAuth 2.0 client is closed");
    return core;
  }
};

// Marks the current thread as running one of the library's callbacks into this module (events,
// completions, payload releases) for the scope. A manager cannot be freed from its own callback (it
// joins its threads), so a core whose last reference is dropped there (Python code in the callback
// released the last OAuth2Client) is destroyed on a new thread instead.
class LibraryCallbackScope {
 public:
  LibraryCallbackScope() noexcept;
  ~LibraryCallbackScope();
  LibraryCallbackScope(const LibraryCallbackScope &) = delete;
  LibraryCallbackScope &operator=(const LibraryCallbackScope &) = delete;

 private:
  bool outer_;
};

// A new Token object (factory: the Token class) for a view this thread just read; the GIL held.
py::object token_of_view(PyObject *factory, const m2mauth_token_view &v);

// The Token object for a view this thread just read (the GIL held), remembered as the cached one for
// token()'s fast path. generation: the core's invalidation count read before the read began.
py::object token_from_view(ManagerCore &c, const m2mauth_token_view &v, std::uint64_t generation);

// The cached Token while the library's view allows reusing it without any call (no lock, no wait:
// safe on an event loop's thread), else nullptr. A borrowed reference; the GIL held.
PyObject *cached_if_fresh(const ManagerCore &c) noexcept;

// _token_async and _request_async on TokenManagerBase (oauth2_async.cpp).
void add_async_methods(py::class_<ManagerHandle> &cls);

}  // namespace m2mauth_py
