// The OAuth 2.0 C API (libm2mauth.so) against the loopback servers: clients, managers, requests, events
// and the error record.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback.hpp"
#include "m2mauth/m2mauth.h"

using namespace m2mauth_test;

namespace {

Servers &capi_servers() {
  static Servers instance({"oidc", "fault"});
  return instance;
}

struct Http {
  m2mauth_http *h = nullptr;
  Http() { REQUIRE(m2mauth_http_new(&h, nullptr) == M2MAUTH_OK); }
  ~Http() { m2mauth_http_free(h); }
};

std::string body_of(const m2mauth_response *r) {
  size_t len = 0;
  const uint8_t *p = m2mauth_response_body(r, &len);
  return std::string(reinterpret_cast<const char *>(p), len);
}

// Events come from the manager's thread too, and may still be running when the call that caused them has
// returned: every member is atomic or behind the mutex.
struct Events {
  std::atomic<int> fetched{0}, failed{0}, invalidated{0};
  static void cb(const m2mauth_token_event *e, void *payload) {
    auto *self = static_cast<Events *>(payload);
    if (e->kind == M2MAUTH_TOKEN_EVENT_FETCHED) ++self->fetched;
    if (e->kind == M2MAUTH_TOKEN_EVENT_FAILED) ++self->failed;
    if (e->kind == M2MAUTH_TOKEN_EVENT_INVALIDATED) ++self->invalidated;
    std::lock_guard<std::mutex> lock(self->mu);
    self->client = e->client_id;
  }
  std::string last_client() {
    std::lock_guard<std::mutex> lock(mu);
    return client;
  }

 private:
  std::mutex mu;
  std::string client;
};

}  // namespace

TEST_CASE("C API: private_key_jwt and client_secret_basic tokens from oidc-provider") {
  Http http;
  const auto oidc = capi_servers()["oidc"];
  m2mauth_key *key = nullptr;
  REQUIRE(m2mauth_key_from_file(&key, (servers_dir() + "/" + client_field("svc-es256", "private_key")).c_str(), nullptr) == M2MAUTH_OK);

  m2mauth_token_client *client = nullptr;
  REQUIRE(m2mauth_token_client_new(&client, oidc.str("token_endpoint").c_str(), "svc-es256", http.h) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_PRIVATE_KEY_JWT) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_private_key(client, key) == M2MAUTH_OK);
  m2mauth_key_free(key);  // the client keeps its own reference
  REQUIRE(m2mauth_token_client_set_scope(client, "api.read") == M2MAUTH_OK);
  m2mauth_token *token = nullptr;
  REQUIRE(m2mauth_token_client_fetch(&token, client) == M2MAUTH_OK);
  CHECK(std::string(m2mauth_token_access_token(token)).size() > 10);
  CHECK(std::string(m2mauth_token_scope(token)) == "api.read");
  CHECK(m2mauth_token_expires_at(token) - m2mauth_token_issued_at(token) == 3600 * 1000);
  m2mauth_token_free(token);
  // Configuration is frozen once the client is in use.
  CHECK(m2mauth_token_client_set_scope(client, "api.write") == M2MAUTH_ESTATE);
  m2mauth_token_client_free(client);

  REQUIRE(m2mauth_token_client_new(&client, oidc.str("token_endpoint").c_str(), "svc-basic", http.h) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(client, client_field("svc-basic", "client_secret").c_str()) == M2MAUTH_OK);
  m2mauth_token_manager *manager = nullptr;
  REQUIRE(m2mauth_token_manager_new(&manager, client, nullptr) == M2MAUTH_OK);
  m2mauth_token_client_free(client);  // the manager keeps the client alive
  m2mauth_token_view v1 = M2MAUTH_TOKEN_VIEW_INIT, v2 = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get(&v1, manager) == M2MAUTH_OK);
  std::string first(v1.access_token, v1.access_token_len);
  REQUIRE(m2mauth_token_manager_get(&v2, manager) == M2MAUTH_OK);
  CHECK(std::string(v2.access_token, v2.access_token_len) == first);
  CHECK(std::string(v2.scheme) == "Bearer");
  m2mauth_token_manager_free(manager);
}

TEST_CASE("C API: the error record carries the OAuth error, the status and transience; no secret") {
  Http http;
  m2mauth_token_client *client = nullptr;
  REQUIRE(m2mauth_token_client_new(&client, capi_servers()["oidc"].str("token_endpoint").c_str(), "svc-basic", http.h) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(client, "definitely-wrong-secret-0123456789") == M2MAUTH_OK);
  m2mauth_token *token = nullptr;
  CHECK(m2mauth_token_client_fetch(&token, client) == M2MAUTH_EOAUTH);
  CHECK(token == nullptr);
  const m2mauth_error *e = m2mauth_error_last();
  CHECK(e->code == M2MAUTH_EOAUTH);
  CHECK(std::string(e->oauth_error) == "invalid_client");
  CHECK(e->http_status == 401);
  CHECK(e->transient == 0);
  CHECK(std::string(e->message).find("definitely-wrong-secret") == std::string::npos);
  CHECK(std::string(m2mauth_error_name(e->code)) == "oauth");
  m2mauth_token_client_free(client);
}

TEST_CASE("C API: authenticated requests, a 401 retried once, events") {
  Http http;
  const auto fault = capi_servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST", "{}");
  m2mauth_token_client *client = nullptr;
  REQUIRE(m2mauth_token_client_new(&client, fault.str("token_endpoint").c_str(), "svc-post", http.h) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_CLIENT_SECRET_POST) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(client, client_field("svc-post", "client_secret").c_str()) == M2MAUTH_OK);
  m2mauth_token_manager *manager = nullptr;
  REQUIRE(m2mauth_token_manager_new(&manager, client, nullptr) == M2MAUTH_OK);
  Events events;
  REQUIRE(m2mauth_token_manager_set_event_cb(manager, &Events::cb, &events, nullptr) == M2MAUTH_OK);

  m2mauth_request *req = nullptr;
  REQUIRE(m2mauth_request_new(&req, "post", (fault.str("api_url") + "/items?a=1").c_str()) == M2MAUTH_OK);
  REQUIRE(m2mauth_request_set_header(req, "Content-Type", "application/json") == M2MAUTH_OK);
  const std::string body = R"({"name":"x"})";
  REQUIRE(m2mauth_request_set_body(req, reinterpret_cast<const uint8_t *>(body.data()), body.size()) == M2MAUTH_OK);
  m2mauth_response *resp = nullptr;
  REQUIRE(m2mauth_token_manager_request(&resp, manager, req) == M2MAUTH_OK);
  CHECK(m2mauth_response_status(resp) == 200);
  CHECK(body_of(resp).find("\"method\": \"POST\"") != std::string::npos);
  m2mauth_response_free(resp);

  control(fault.str("control_url") + "/revoke", "POST", "{}");
  REQUIRE(m2mauth_token_manager_request(&resp, manager, req) == M2MAUTH_OK);
  CHECK(m2mauth_response_status(resp) == 200);
  m2mauth_response_free(resp);
  CHECK(events.fetched == 1);
  CHECK(events.invalidated == 1);
  CHECK(events.last_client() == "svc-post");

  // authorize() sets the header on a request the application sends itself.
  REQUIRE(m2mauth_token_manager_authorize(manager, req) == M2MAUTH_OK);
  CHECK(std::string(m2mauth_request_header(req, "authorization")).rfind("Bearer ", 0) == 0);
  m2mauth_request_free(req);
  m2mauth_token_manager_free(manager);
  m2mauth_token_client_free(client);
}

TEST_CASE("C API: 16 threads share one manager") {
  Http http;
  const auto fault = capi_servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST", "{}");
  m2mauth_token_client *client = nullptr;
  REQUIRE(m2mauth_token_client_new(&client, fault.str("token_endpoint").c_str(), "svc-basic", http.h) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(client, client_field("svc-basic", "client_secret").c_str()) == M2MAUTH_OK);
  m2mauth_token_manager *manager = nullptr;
  REQUIRE(m2mauth_token_manager_new(&manager, client, nullptr) == M2MAUTH_OK);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 2000; ++k) {
        m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
        if (m2mauth_token_manager_get(&v, manager) != M2MAUTH_OK || v.access_token_len == 0) ++failures;
      }
    });
  for (auto &t : threads) t.join();
  CHECK(failures == 0);
  std::string stats = control(fault.str("control_url") + "/stats");
  CHECK(stats.find("\"token_requests\": 1,") != std::string::npos);
  m2mauth_token_manager_free(manager);
  m2mauth_token_client_free(client);
}

TEST_CASE("C API: bad arguments are typed errors") {
  Http http;
  m2mauth_token_client *client = nullptr;
  CHECK(m2mauth_token_client_new(nullptr, "https://a/token", "x", http.h) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_client_new(&client, nullptr, "x", http.h) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_client_new(&client, "not a url", "x", http.h) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_client_new(&client, "https://a/token", "", http.h) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_client_new(&client, "https://a/token", "x", nullptr) == M2MAUTH_EINVAL);
  REQUIRE(m2mauth_token_client_new(&client, "https://as.invalid/token", "x", http.h) == M2MAUTH_OK);
  CHECK(m2mauth_token_client_set_auth_method(client, 99) == M2MAUTH_EINVAL);
  m2mauth_assertion_options assertion = M2MAUTH_ASSERTION_OPTIONS_INIT;
  assertion.lifetime_s = 5;
  CHECK(m2mauth_token_client_set_assertion(client, &assertion) == M2MAUTH_EINVAL);
  assertion.lifetime_s = 0;  // no longer "the default": the default is in the struct
  CHECK(m2mauth_token_client_set_assertion(client, &assertion) == M2MAUTH_EINVAL);
  assertion = m2mauth_assertion_options M2MAUTH_ASSERTION_OPTIONS_INIT;
  assertion.alg = 99;
  CHECK(m2mauth_token_client_set_assertion(client, &assertion) == M2MAUTH_EALGORITHM);
  assertion.alg = 0;
  assertion.version = 99;
  CHECK(m2mauth_token_client_set_assertion(client, &assertion) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_client_set_assertion(client, nullptr) == M2MAUTH_EINVAL);
  REQUIRE(m2mauth_assertion_options_init(&assertion, M2MAUTH_ASSERTION_OPTIONS_VERSION) == M2MAUTH_OK);
  CHECK(assertion.lifetime_s == 120);
  CHECK(assertion.alg == 0);
  CHECK(m2mauth_assertion_options_init(&assertion, 99) == M2MAUTH_EINVAL);
  REQUIRE(m2mauth_assertion_options_init(&assertion, M2MAUTH_ASSERTION_OPTIONS_VERSION) == M2MAUTH_OK);
  CHECK(m2mauth_token_client_set_assertion(client, &assertion) == M2MAUTH_OK);
  m2mauth_token *token = nullptr;
  CHECK(m2mauth_token_client_fetch(&token, client) == M2MAUTH_ECONFIG);  // basic without a secret
  m2mauth_token_manager_options opts = M2MAUTH_TOKEN_MANAGER_OPTIONS_INIT;
  opts.refresh_fraction = 2.0;
  m2mauth_token_manager *manager = nullptr;
  CHECK(m2mauth_token_manager_new(&manager, client, &opts) == M2MAUTH_ECONFIG);  // still no secret
  REQUIRE(m2mauth_token_client_set_secret(client, "s3cret-for-a-client-that-never-fetches") == M2MAUTH_OK);
  CHECK(m2mauth_token_manager_new(&manager, client, &opts) == M2MAUTH_EINVAL);  // refresh_fraction 2.0
  CHECK(manager == nullptr);
  m2mauth_token_client_free(client);
  CHECK(m2mauth_token_manager_get(nullptr, nullptr) == M2MAUTH_EINVAL);
  m2mauth_token_manager_free(nullptr);
  m2mauth_token_client_free(nullptr);
  m2mauth_token_free(nullptr);
  CHECK(std::string(m2mauth_client_auth_name(M2MAUTH_AUTH_PRIVATE_KEY_JWT)) == "private_key_jwt");
  int auth = 0;
  CHECK(m2mauth_client_auth_from_name(&auth, "tls_client_auth") == M2MAUTH_OK);
  CHECK(auth == M2MAUTH_AUTH_TLS_CLIENT_AUTH);
  CHECK(m2mauth_client_auth_from_name(&auth, "bogus") == M2MAUTH_EINVAL);
  CHECK(auth == 0);
}
