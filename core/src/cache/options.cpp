// The shared cache's options and the factory of the built-in stores.
#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "cache/file_store.hpp"
#include "cache/seal.hpp"
#include "cache/shared_cache.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/random.hpp"
#include "m2mauth/core/shared_cache.hpp"

namespace m2mauth::core {

namespace {

// "redis://user:password@host" -> "redis://user:***@host"; no password: as is.
std::string redact_url(const std::string &url) {
  const auto scheme = url.find("://");
  const auto start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto at = url.find('@', start);
  if (at == std::string::npos) return url;
  const auto colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url.substr(0, start) + "***" + url.substr(at);
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace

void SharedCacheOptions::validate() const {
  if (kind != "memory" && kind != "file" && kind != "redis" && kind != "custom")
    fail(Errc::config, "cache.kind: must be memory, file or redis");
  if (lease_ms < 1 || lease_ms > 600000) fail(Errc::config, "cache.lease_ms: must be 1 to 600000");
  if (fallback_ms < 1 || fallback_ms > 60000) fail(Errc::config, "cache.fallback_ms: must be 1 to 60000");
  if (prefix.size() > 64) fail(Errc::config, "cache.prefix: at most 64 characters");
  for (char c : prefix)
    if (c < 0x21 || c > 0x7e) fail(Errc::config, "cache.prefix: printable ASCII without spaces only");
  if (kind == "memory") return;
  if (key.reveal().size() != cache::kKeyBytes)
    fail(Errc::config, "cache.key: a 256-bit key is required (key_file or key_env)");
  if (kind == "file" && path.empty()) fail(Errc::config, "cache.path: required for the file cache");
  if (kind == "redis" && url.empty()) fail(Errc::config, "cache.url: required for the redis cache");
}

std::string SharedCacheOptions::describe() const {
  std::string out = "{\"kind\":";
  json_quote_append(out, kind);
  if (!url.empty()) {
    out += ",\"url\":";
    json_quote_append(out, redact_url(url));
  }
  if (!path.empty()) {
    out += ",\"path\":";
    json_quote_append(out, path);
  }
  out += ",\"prefix\":";
  json_quote_append(out, prefix);
  out += ",\"lease_ms\":" + std::to_string(lease_ms) + ",\"fallback_ms\":" + std::to_string(fallback_ms) + "}";
  return out;
}

SecretString parse_shared_cache_key(std::string_view text, std::string_view field) {
  return cache::parse_cache_key(text, field);
}

std::optional<std::string> poll_wait(SharedStore &store, const std::string &key, StoreDeadline deadline) {
  std::optional<std::string> first = store.get(key, deadline);
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    const auto pause = std::chrono::milliseconds(5 + static_cast<int>(random_unit() * 15));
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    std::optional<std::string> cur = store.get(key, std::max(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
    if (cur && (!first || *cur != *first)) return cur;
  }
}

std::unique_ptr<SharedStore> make_file_store(const std::string &directory) {
  return std::make_unique<cache::FileStore>(directory);
}

std::shared_ptr<SharedTokenCache> make_shared_token_cache(const SharedCacheOptions &options,
                                                          std::unique_ptr<SharedStore> store) {
  options.validate();
  if (options.kind == "memory") return nullptr;
  if (options.kind == "file") store = make_file_store(options.path);
  else if (options.kind == "redis") store = make_redis_store(options);
  else if (!store) fail(Errc::config, "cache.kind: custom needs a store");
  return std::make_shared<SharedTokenCache>(std::move(store), options.key, options.prefix, options.lease_ms,
                                            options.fallback_ms);
}

}  // namespace m2mauth::core
