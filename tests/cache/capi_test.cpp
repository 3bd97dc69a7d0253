// The shared cache through the C API (libm2mauth.so, cache.h): the file kind, an application's store
// plugged in through m2mauth_shared_store (free_payload exactly once), and the errors.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "loopback.hpp"
#include "m2mauth/m2mauth.h"
#include "temp_dir.hpp"

using namespace m2mauth_test;

namespace {

Servers &capi_servers() {
  static Servers instance({"fault"});
  return instance;
}

const char kHexKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

int token_requests() {
  std::string s = control(capi_servers()["fault"].str("control_url") + "/stats");
  auto p = s.find("\"token_requests\":");
  REQUIRE(p != std::string::npos);
  return std::stoi(s.substr(p + 17));
}

struct Manager {
  m2mauth_http *http = nullptr;
  m2mauth_token_manager *m = nullptr;
  Manager() {
    REQUIRE(m2mauth_http_new(&http, nullptr) == M2MAUTH_OK);
    m2mauth_token_client *client = nullptr;
    REQUIRE(m2mauth_token_client_new(&client, capi_servers()["fault"].str("token_endpoint").c_str(), "svc-basic",
                                     http) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_client_set_secret(client, client_field("svc-basic", "client_secret").c_str()) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_manager_new(&m, client, nullptr) == M2MAUTH_OK);
    m2mauth_token_client_free(client);
  }
  ~Manager() {
    m2mauth_token_manager_free(m);
    m2mauth_http_free(http);
  }
  std::string token() {
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    REQUIRE(m2mauth_token_manager_get(&v, m) == M2MAUTH_OK);
    return v.access_token;
  }
};

// An application's store: a map behind a mutex, counting its calls; freed once through free_payload.
struct MapStore {
  std::mutex mu;
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> leases;
  std::atomic<int> gets{0}, puts{0}, acquires{0}, releases{0}, removes{0};
  bool fail_all = false;
  static std::atomic<int> freed;

  static MapStore &of(void *p) { return *static_cast<MapStore *>(p); }
  static m2mauth_status get(m2mauth_store_value *out, const char *key, int64_t timeout_ms, void *p) {
    MapStore &s = of(p);
    ++s.gets;
    CHECK(timeout_ms >= 1);
    if (s.fail_all) return M2MAUTH_ENETWORK;
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.values.find(key);
    if (it == s.values.end()) return M2MAUTH_OK;
    return m2mauth_store_value_set(out, reinterpret_cast<const uint8_t *>(it->second.data()), it->second.size());
  }
  static m2mauth_status put(const char *key, const uint8_t *value, size_t len, int64_t ttl_ms, int64_t, void *p) {
    MapStore &s = of(p);
    ++s.puts;
    CHECK(ttl_ms > 0);
    if (s.fail_all) return M2MAUTH_ENETWORK;
    std::lock_guard<std::mutex> lock(s.mu);
    s.values[key] = std::string(reinterpret_cast<const char *>(value), len);
    return M2MAUTH_OK;
  }
  static m2mauth_status acquire(int *out, const char *key, const char *owner, int64_t, int64_t, void *p) {
    MapStore &s = of(p);
    ++s.acquires;
    if (s.fail_all) return M2MAUTH_ENETWORK;
    std::lock_guard<std::mutex> lock(s.mu);
    *out = s.leases.emplace(key, owner).second ? 1 : 0;
    return M2MAUTH_OK;
  }
  static m2mauth_status release(const char *key, const char *owner, int64_t, void *p) {
    MapStore &s = of(p);
    ++s.releases;
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.leases.find(key);
    if (it != s.leases.end() && it->second == owner) s.leases.erase(it);
    return M2MAUTH_OK;
  }
  static m2mauth_status remove_if(const char *key, const uint8_t *value, size_t len, int64_t, void *p) {
    MapStore &s = of(p);
    ++s.removes;
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.values.find(key);
    if (it != s.values.end() && it->second == std::string(reinterpret_cast<const char *>(value), len))
      s.values.erase(it);
    return M2MAUTH_OK;
  }
  // A wait that always gives up at once with M2MAUTH_ETIMEOUT (as a store may when its slice ends).
  std::atomic<int> waits{0};
  static m2mauth_status wait_times_out(m2mauth_store_value *, const char *, int64_t timeout_ms, void *p) {
    ++of(p).waits;
    CHECK(timeout_ms >= 1);
    return M2MAUTH_ETIMEOUT;
  }
  static void free_payload(void *) { ++freed; }

  m2mauth_shared_store callbacks() {
    m2mauth_shared_store st = M2MAUTH_SHARED_STORE_INIT;
    st.get = get;
    st.put = put;
    st.acquire = acquire;
    st.release = release;
    st.remove_if = remove_if;
    st.payload = this;
    st.free_payload = free_payload;
    return st;
  }
};
std::atomic<int> MapStore::freed{0};

m2mauth_shared_cache_options custom_options(const m2mauth_shared_store *store) {
  m2mauth_shared_cache_options o;
  REQUIRE(m2mauth_shared_cache_options_init(&o, M2MAUTH_SHARED_CACHE_OPTIONS_VERSION) == M2MAUTH_OK);
  o.kind = "custom";
  o.key = reinterpret_cast<const uint8_t *>(kHexKey);
  o.key_len = sizeof kHexKey - 1;
  o.store = store;
  return o;
}

}  // namespace

TEST_CASE("C API shared cache: the file kind shares one token between two managers") {
  control(capi_servers()["fault"].str("control_url") + "/reset", "POST", "{}");
  TempDir tmp("m2mauth-capi-cache");
  const std::string dir = tmp.path + "/c";
  m2mauth_shared_cache_options o = M2MAUTH_SHARED_CACHE_OPTIONS_INIT;
  o.kind = "file";
  o.path = dir.c_str();
  o.key = reinterpret_cast<const uint8_t *>(kHexKey);
  o.key_len = sizeof kHexKey - 1;
  Manager a, b;
  REQUIRE(m2mauth_token_manager_set_shared_cache(a.m, &o) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_manager_set_shared_cache(b.m, &o) == M2MAUTH_OK);
  struct stat st;
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  const std::string t = a.token();
  CHECK(b.token() == t);
  CHECK(token_requests() == 1);
}

TEST_CASE("C API shared cache: an application's store, free_payload exactly once, fallback when it fails") {
  control(capi_servers()["fault"].str("control_url") + "/reset", "POST", "{}");
  MapStore::freed = 0;
  MapStore store;
  m2mauth_shared_store st = store.callbacks();
  {
    Manager a, b;
    m2mauth_shared_cache_options o = custom_options(&st);
    REQUIRE(m2mauth_token_manager_set_shared_cache(a.m, &o) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_manager_set_shared_cache(b.m, &o) == M2MAUTH_OK);
    const std::string t = a.token();
    CHECK(b.token() == t);
    CHECK(token_requests() == 1);
    CHECK(store.puts == 1);
    CHECK(store.acquires == 1);
    CHECK(store.releases == 1);
    CHECK(store.values.size() == 1);
    // The key is the prefix and 64 hex digits; the value is sealed (the token is not in it).
    const std::string key = store.values.begin()->first;
    CHECK(key.rfind("m2mauth:", 0) == 0);
    CHECK(key.size() == 8 + 64);
    CHECK(store.values.begin()->second.find(t) == std::string::npos);
    // 401: invalidate drops the shared entry (it still holds that token).
    REQUIRE(m2mauth_token_manager_invalidate(a.m, t.c_str()) == M2MAUTH_OK);
    CHECK(store.removes == 1);
    CHECK(store.values.empty());
    CHECK(MapStore::freed == 0);
  }
  CHECK(MapStore::freed == 2);  // once per manager that took it
  // A failing store: each manager fetches itself, no call fails.
  MapStore::freed = 0;
  MapStore broken;
  broken.fail_all = true;
  m2mauth_shared_store bst = broken.callbacks();
  {
    Manager a;
    m2mauth_shared_cache_options o = custom_options(&bst);
    REQUIRE(m2mauth_token_manager_set_shared_cache(a.m, &o) == M2MAUTH_OK);
    control(capi_servers()["fault"].str("control_url") + "/reset", "POST", "{}");
    CHECK(a.token().size() > 10);
    CHECK(token_requests() == 1);
  }
  CHECK(MapStore::freed == 1);
}

TEST_CASE("C API shared cache: bad options fail with typed errors, and the payload is still freed once") {
  Manager a;
  MapStore::freed = 0;
  MapStore store;
  m2mauth_shared_store st = store.callbacks();
  m2mauth_shared_cache_options o = custom_options(&st);
  o.key_len = 10;  // not a 256-bit key
  CHECK(m2mauth_token_manager_set_shared_cache(a.m, &o) == M2MAUTH_ECONFIG);
  CHECK(std::string(m2mauth_error_last()->message).find("key") != std::string::npos);
  CHECK(std::string(m2mauth_error_last()->message).find("0001020304") == std::string::npos);
  CHECK(MapStore::freed == 1);
  o = custom_options(&st);
  st.remove_if = nullptr;
  CHECK(m2mauth_token_manager_set_shared_cache(a.m, &o) == M2MAUTH_EINVAL);
  CHECK(MapStore::freed == 2);
  st = store.callbacks();
  o = custom_options(&st);
  CHECK(m2mauth_token_manager_set_shared_cache(nullptr, &o) == M2MAUTH_EINVAL);
  CHECK(MapStore::freed == 3);
  CHECK(m2mauth_token_manager_set_shared_cache(a.m, nullptr) == M2MAUTH_EINVAL);
  o.kind = "redis";
  o.url = "redis://u:pw@127.0.0.1:1/0";
  const m2mauth_status redis = m2mauth_token_manager_set_shared_cache(a.m, &o);
  CHECK((redis == M2MAUTH_EUNSUPPORTED || redis == M2MAUTH_ECONFIG || redis == M2MAUTH_ENETWORK || redis == M2MAUTH_OK));
  CHECK(std::string(m2mauth_error_last()->message).find("pw@") == std::string::npos);
  o.kind = "file";
  o.path = "/tmp";  // world-writable
  CHECK(m2mauth_token_manager_set_shared_cache(a.m, &o) == M2MAUTH_ECONFIG);
  CHECK(std::string(m2mauth_error_last()->message).find("cache.path") != std::string::npos);
  o.kind = "bogus";
  CHECK(m2mauth_token_manager_set_shared_cache(a.m, &o) == M2MAUTH_ECONFIG);
  o.kind = "memory";
  CHECK(m2mauth_token_manager_set_shared_cache(a.m, &o) == M2MAUTH_OK);
  CHECK(MapStore::freed == 7);
  CHECK(m2mauth_shared_cache_options_init(&o, 99) == M2MAUTH_EINVAL);
  CHECK(m2mauth_shared_cache_options_init(nullptr, 1) == M2MAUTH_EINVAL);
  m2mauth_store_value *none = nullptr;
  CHECK(m2mauth_store_value_set(none, reinterpret_cast<const uint8_t *>("x"), 1) == M2MAUTH_EINVAL);
  CHECK(std::string(m2mauth_token_event_name(M2MAUTH_TOKEN_EVENT_SHARED_HIT)) == "shared_hit");
  CHECK(std::string(m2mauth_token_event_name(M2MAUTH_TOKEN_EVENT_LEASE_WAIT)) == "lease_wait");
  CHECK(std::string(m2mauth_token_event_name(M2MAUTH_TOKEN_EVENT_SHARED_FALLBACK)) == "shared_fallback");
}

TEST_CASE("C API shared cache: a wait that times out is not a failing store: the waiter takes the holder's token") {
  control(capi_servers()["fault"].str("control_url") + "/reset", "POST", "{}");
  MapStore store;
  m2mauth_shared_store st = store.callbacks();
  st.wait = MapStore::wait_times_out;
  Manager a, b;
  m2mauth_shared_cache_options o = custom_options(&st);
  REQUIRE(m2mauth_token_manager_set_shared_cache(a.m, &o) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_manager_set_shared_cache(b.m, &o) == M2MAUTH_OK);
  const std::string t = a.token();
  REQUIRE(token_requests() == 1);
  // Another process holds the lease and publishes 400 ms later: b waits through slices that time out,
  // looks again after each, and takes that entry; it neither fetches nor asks the store in a hot loop.
  std::string key, sealed;
  {
    std::lock_guard<std::mutex> lock(store.mu);
    REQUIRE(store.values.size() == 1);
    key = store.values.begin()->first;
    sealed = store.values.begin()->second;
    store.values.clear();
    store.leases[key] = "another-process";
  }
  std::thread holder([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    std::lock_guard<std::mutex> lock(store.mu);
    store.values[key] = sealed;
    store.leases.erase(key);
  });
  const int gets_before = store.gets;
  const std::string got = b.token();
  holder.join();
  CHECK(got == t);
  CHECK(token_requests() == 1);
  CHECK(store.waits >= 1);
  CHECK(store.gets - gets_before <= 12);  // about one look per 100 ms slice, not a spin
}
