// The C API's token view version 2 (reuse without a call: fresh_until_ms and the generation counter)
// and a manager holding many keys (max_keys): an in-process application transport plays the token
// endpoint, so thousands of keys cost no sockets.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "m2mauth/m2mauth.h"

namespace {

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Answers every token request with a new token "tok-<n>" living `lifetime` seconds.
struct Endpoint {
  std::atomic<int> requests{0};
  int lifetime = 3600;
  static m2mauth_status send(m2mauth_response **out, const m2mauth_request *, void *payload) {
    auto *self = static_cast<Endpoint *>(payload);
    const int n = ++self->requests;
    std::string body = "{\"access_token\":\"tok-" + std::to_string(n) +
                       "\",\"token_type\":\"Bearer\",\"expires_in\":" + std::to_string(self->lifetime) + "}";
    m2mauth_status st = m2mauth_response_new(out, 200);
    if (st != M2MAUTH_OK) return st;
    m2mauth_response_add_header(*out, "Content-Type", "application/json");
    return m2mauth_response_set_body(*out, reinterpret_cast<const uint8_t *>(body.data()), body.size());
  }
};

struct Fixture {
  Endpoint endpoint;
  m2mauth_http *http = nullptr;
  m2mauth_token_client *client = nullptr;
  m2mauth_token_manager *manager = nullptr;
  explicit Fixture(const m2mauth_token_manager_options *opts = nullptr) {
    REQUIRE(m2mauth_http_new_custom(&http, &Endpoint::send, &endpoint, nullptr) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_client_new(&client, "https://as.example/token", "svc", http) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_client_set_secret(client, "s3cret") == M2MAUTH_OK);
    REQUIRE(m2mauth_token_manager_new(&manager, client, opts) == M2MAUTH_OK);
  }
  ~Fixture() {
    m2mauth_token_manager_free(manager);
    m2mauth_token_client_free(client);
    m2mauth_http_free(http);
  }
};

std::uint64_t load(const std::uint64_t *counter) { return __atomic_load_n(counter, __ATOMIC_ACQUIRE); }

std::string token_of(const m2mauth_token_view &v) { return std::string(v.access_token, v.access_token_len); }

}  // namespace

TEST_CASE("C API: a version 2 view says how long a copy may be reused, and the counter moves on every change") {
  Fixture f;
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
  CHECK(token_of(v) == "tok-1");
  REQUIRE(v.generation != nullptr);
  CHECK(load(v.generation) == v.generation_seen);
  // Fresh until the refresh point: 75 % of an hour at most, and at least half of it.
  const std::int64_t now = unix_ms();
  CHECK(v.fresh_until_ms > now + 1800 * 1000 - 5000);
  CHECK(v.fresh_until_ms <= now + 3600 * 1000);

  // Invalidation from any thread is visible through the counter at once.
  const std::uint64_t seen = v.generation_seen;
  std::thread([&f] { REQUIRE(m2mauth_token_manager_invalidate(f.manager, nullptr) == M2MAUTH_OK); }).join();
  CHECK(load(v.generation) != seen);
  m2mauth_token_view w = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get(&w, f.manager) == M2MAUTH_OK);
  CHECK(token_of(w) == "tok-2");
  CHECK(w.generation == v.generation);  // one counter per key, as long as the manager lives
  CHECK(w.generation_seen == load(w.generation));
  CHECK(w.generation_seen != seen);

  // Another key has its own counter; invalidating it leaves this one alone.
  m2mauth_token_view other = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get_for(&other, f.manager, "api.write", nullptr, nullptr) == M2MAUTH_OK);
  CHECK(other.generation != w.generation);
  REQUIRE(other.scope != nullptr);
  CHECK(std::string(other.scope) == "api.write");  // granted, or the requested one when the server omits it
  CHECK(std::string(w.scope).empty());
  CHECK(f.endpoint.requests.load() == 3);
}

TEST_CASE("C API: no reuse promised for short tokens, cache-hit events, or a version 1 view") {
  SUBCASE("a token under the min_fetch_interval_ms floor is never fresh") {
    Fixture f;
    f.endpoint.lifetime = 0;
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
    CHECK(v.fresh_until_ms < unix_ms());
  }
  SUBCASE("report_cache_hits: every read must reach the manager") {
    m2mauth_token_manager_options o = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
    o.report_cache_hits = 1;
    Fixture f(&o);
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
    CHECK(v.fresh_until_ms == 0);
    CHECK(v.generation == nullptr);
  }
  SUBCASE("a version 1 struct is filled up to expires_at_ms and nothing past it") {
    Fixture f;
    alignas(m2mauth_token_view) unsigned char raw[sizeof(m2mauth_token_view)];
    std::memset(raw, 0xab, sizeof raw);
    auto *v = reinterpret_cast<m2mauth_token_view *>(raw);
    v->version = 1;
    REQUIRE(m2mauth_token_manager_get(v, f.manager) == M2MAUTH_OK);
    CHECK(token_of(*v) == "tok-1");
    const std::size_t end = offsetof(m2mauth_token_view, fresh_until_ms);
    for (std::size_t i = end; i < sizeof raw; ++i) CHECK(raw[i] == 0xab);
    v->version = M2MAUTH_TOKEN_VIEW_VERSION + 1;
    CHECK(m2mauth_token_manager_get(v, f.manager) == M2MAUTH_EINVAL);
  }
}

TEST_CASE("C API: max_keys bounds the keys; 10,000 keys are filled and read back, each from its own token") {
  m2mauth_token_manager_options o = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
  CHECK(o.max_keys == 64);
  o.max_keys = 10000;
  o.min_fetch_interval_ms = 0;
  Fixture f(&o);
  std::vector<std::string> tokens;
  const int keys = 9999;  // and the configured one
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < keys; ++i) {
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    const std::string scope = "scope-" + std::to_string(i);
    REQUIRE(m2mauth_token_manager_get_for(&v, f.manager, scope.c_str(), nullptr, nullptr) == M2MAUTH_OK);
    tokens.push_back(token_of(v));
  }
  const double fill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("filling 9,999 keys took " << fill_s << " s");
  CHECK(f.endpoint.requests.load() == keys);
  // Every key reads back its own token without a request, from another thread too.
  std::thread reader([&] {
    for (int i = keys - 1; i >= 0; --i) {
      m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
      const std::string scope = "scope-" + std::to_string(i);
      REQUIRE(m2mauth_token_manager_get_for(&v, f.manager, scope.c_str(), nullptr, nullptr) == M2MAUTH_OK);
      CHECK(token_of(v) == tokens[static_cast<std::size_t>(i)]);
    }
  });
  reader.join();
  CHECK(f.endpoint.requests.load() == keys);
  // The configured key is the 10,000th; one more is refused, and the ones held keep working.
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get(&v, f.manager) == M2MAUTH_OK);
  CHECK(m2mauth_token_manager_get_for(&v, f.manager, "one-more", nullptr, nullptr) == M2MAUTH_ETOOLARGE);
  REQUIRE(m2mauth_token_manager_get_for(&v, f.manager, "scope-0", nullptr, nullptr) == M2MAUTH_OK);
  CHECK(token_of(v) == tokens[0]);
  // A key is scope, audience and resource together: the same scope with an audience is another key.
  o.max_keys = 3;
  Fixture small(&o);
  REQUIRE(m2mauth_token_manager_get_for(&v, small.manager, "s", nullptr, nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_manager_get_for(&v, small.manager, "s", "aud", nullptr) == M2MAUTH_OK);
  CHECK(m2mauth_token_manager_get_for(&v, small.manager, "s", nullptr, "https://r") == M2MAUTH_ETOOLARGE);
  REQUIRE(m2mauth_token_manager_get_for(&v, small.manager, "s", "aud", nullptr) == M2MAUTH_OK);
  CHECK(small.endpoint.requests.load() == 2);
}
