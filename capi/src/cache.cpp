// The shared token cache (cache.h): options converted for the core, and an application's store
// (m2mauth_shared_store callbacks) adapted to core::SharedStore. The policy is the core's.
#include "m2mauth/cache.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "guard.hpp"
#include "handles.hpp"
#include "m2mauth/core/payload.hpp"
#include "m2mauth/core/shared_cache.hpp"

using namespace m2mauth;

struct m2mauth_store_value {
  std::optional<std::string> value;
};

namespace {

constexpr std::size_t kMaxStoreValue = 128 * 1024;

std::int64_t timeout_of(core::StoreDeadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return std::max<std::int64_t>(1, left.count());
}

void check(m2mauth_status status, const char *what) {
  if (status != M2MAUTH_OK)
    throw core::Error(core::Errc::io, std::string("shared store callback ") + what + " failed");
}

class CallbackStore : public core::SharedStore {
 public:
  CallbackStore(const m2mauth_shared_store &s, core::Payload payload) : s_(s), payload_(std::move(payload)) {}

  std::optional<std::string> get(const std::string &key, core::StoreDeadline deadline) override {
    m2mauth_store_value out;
    check(s_.get(&out, key.c_str(), timeout_of(deadline), payload_.get()), "get");
    return std::move(out.value);
  }
  void put(const std::string &key, std::string_view value, std::int64_t ttl_ms, core::StoreDeadline deadline) override {
    check(s_.put(key.c_str(), reinterpret_cast<const uint8_t *>(value.data()), value.size(), ttl_ms,
                 timeout_of(deadline), payload_.get()),
          "put");
  }
  bool acquire(const std::string &key, const std::string &owner, std::int64_t lease_ms,
               core::StoreDeadline deadline) override {
    int got = 0;
    check(s_.acquire(&got, key.c_str(), owner.c_str(), lease_ms, timeout_of(deadline), payload_.get()), "acquire");
    return got != 0;
  }
  void release(const std::string &key, const std::string &owner, core::StoreDeadline deadline) override {
    check(s_.release(key.c_str(), owner.c_str(), timeout_of(deadline), payload_.get()), "release");
  }
  void remove_if(const std::string &key, std::string_view value, core::StoreDeadline deadline) override {
    check(s_.remove_if(key.c_str(), reinterpret_cast<const uint8_t *>(value.data()), value.size(),
                       timeout_of(deadline), payload_.get()),
          "remove_if");
  }
  std::optional<std::string> wait(const std::string &key, core::StoreDeadline deadline) override {
    if (s_.wait == nullptr) return core::poll_wait(*this, key, deadline);
    m2mauth_store_value out;
    const m2mauth_status status = s_.wait(&out, key.c_str(), timeout_of(deadline), payload_.get());
    if (status == M2MAUTH_ETIMEOUT) return std::nullopt;  // nothing put within the slice
    check(status, "wait");
    return std::move(out.value);
  }
  std::string describe() const override { return "{\"kind\":\"custom\"}"; }

 private:
  m2mauth_shared_store s_;
  core::Payload payload_;
};

}  // namespace

extern "C" {

m2mauth_status m2mauth_store_value_set(m2mauth_store_value *out, const uint8_t *value, size_t len) {
  return capi::guard([&] {
    capi::need(out, "out");
    std::string_view v = capi::need_bytes(value, len, "value");
    if (v.size() > kMaxStoreValue) core::fail(core::Errc::too_large, "a store value over 128 KiB");
    out->value = std::string(v);
  });
}

m2mauth_status m2mauth_shared_cache_options_init(m2mauth_shared_cache_options *opts, unsigned int version) {
  return capi::guard([&] {
    capi::need(opts, "opts");
    if (version != M2MAUTH_SHARED_CACHE_OPTIONS_VERSION)
      core::fail(core::Errc::invalid_argument, "m2mauth_shared_cache_options.version " + std::to_string(version) +
                                                   " is not supported (use 1)");
    static const m2mauth_shared_cache_options defaults = M2MAUTH_SHARED_CACHE_OPTIONS_INIT;
    std::memcpy(opts, &defaults, sizeof *opts);
  });
}

m2mauth_status m2mauth_token_manager_set_shared_cache(m2mauth_token_manager *manager,
                                                      const m2mauth_shared_cache_options *opts) {
  return capi::guard([&] {
    // The store's payload is held first, so it is released exactly once whatever happens below.
    const m2mauth_shared_store *store =
        opts != nullptr && opts->version == M2MAUTH_SHARED_CACHE_OPTIONS_VERSION ? opts->store : nullptr;
    core::Payload payload;
    if (store != nullptr && store->version == M2MAUTH_SHARED_STORE_VERSION)
      payload = core::hold_payload(store->payload, store->free_payload);
    core::TokenManager &m = *capi::need(manager, "manager")->manager;
    capi::need(opts, "opts");
    if (opts->version != M2MAUTH_SHARED_CACHE_OPTIONS_VERSION)
      core::fail(core::Errc::invalid_argument, "m2mauth_shared_cache_options.version " +
                                                   std::to_string(opts->version) + " is not supported (use 1)");
    core::SharedCacheOptions o;
    if (opts->kind != nullptr) o.kind = opts->kind;
    if (opts->path != nullptr) o.path = opts->path;
    if (opts->url != nullptr) o.url = opts->url;
    if (opts->prefix != nullptr) o.prefix = opts->prefix;
    if (opts->key != nullptr || opts->key_len != 0)
      o.key = core::parse_shared_cache_key(capi::need_bytes(opts->key, opts->key_len, "key"), "key");
    o.lease_ms = opts->lease_ms;
    o.fallback_ms = opts->fallback_ms;
    std::unique_ptr<core::SharedStore> custom;
    if (o.kind == "custom") {
      capi::need(store, "store");
      if (store->version != M2MAUTH_SHARED_STORE_VERSION)
        core::fail(core::Errc::invalid_argument, "m2mauth_shared_store.version must be 1");
      if (store->get == nullptr || store->put == nullptr || store->acquire == nullptr || store->release == nullptr ||
          store->remove_if == nullptr)
        core::fail(core::Errc::invalid_argument, "m2mauth_shared_store: get, put, acquire, release and remove_if are required");
      custom = std::make_unique<CallbackStore>(*store, std::move(payload));
    }
    m.set_shared_cache(core::make_shared_token_cache(o, std::move(custom)));
  });
}

}  // extern "C"
