// The senhasegura A2A client through m2mauth.hpp against the emulator (tests/servers/a2a_emulator.py).
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "a2a_servers.hpp"
#include "stall_server.hpp"
#include "wrapper_support.hpp"

using namespace m2mauth;
using namespace m2mauth_test;
using cpptest::error_of;
using cpptest::json_at;

namespace {

A2AClient client_for(A2AAuth auth, const std::string &base_url, const Http &http) {
  A2ACredentials cred = a2a_credentials();
  A2AClient a(base_url, http);
  a.set_auth_method(auth);
  if (auth == A2AAuth::oauth2)
    a.set_oauth2_client(cred.client_id, cred.client_secret);
  else
    a.set_oauth1_credentials(cred.consumer_key, cred.consumer_secret, cred.token, cred.token_secret);
  return a;
}

}  // namespace

TEST_CASE("A2AClient: the three methods, the typed reads and the generic call") {
  Http http = cpptest::loopback_http();
  for (A2AAuth auth : {A2AAuth::oauth2, A2AAuth::oauth1, A2AAuth::query}) {
    CAPTURE(a2a_auth_name(auth));
    CHECK(a2a_auth_from_name(a2a_auth_name(auth)) == auth);
    ServerInfo srv = fresh("a2a");
    A2AClient a = client_for(auth, srv.str("base_url"), http);
    CHECK(json_at(a.credential("credential_5@destktop-91.com").view(), "password") == "secret@2504");
    CHECK(json_at(a.info("10").view(), "content") == "pk_test_51M2mAuTh+/=");
    CHECK(json_at(a.ssh_key("7").view(), "private_key").rfind("-----BEGIN OPENSSH PRIVATE KEY-----", 0) == 0);
    CHECK(json_at(a.dsm_application().view(), "name") == "m2mauth-demo");
    Secret created = a.call("POST", "pam/info", std::string(R"({"content":"cpp secret","name":"x"})"));
    CHECK(json_at(created.view(), "response.status") == "201");
    CHECK(json_number(stats(srv), std::string("requests.") + a2a_auth_name(auth)) == 5);
    CHECK(error_of([&] { a.set_tenant(std::string("t")); }).errc() == Errc::state);
  }
}

TEST_CASE("A2AClient: vendor errors carry the vendor's code and no secret") {
  Http http = cpptest::loopback_http();
  ServerInfo srv = fresh("a2a");
  A2AClient a = client_for(A2AAuth::oauth1, srv.str("base_url"), http);
  Error e = error_of([&] { a.info("424242"); });
  CHECK(e.errc() == Errc::vendor);
  CHECK(e.vendor_code() == 1023);
  for (const std::string &secret : a2a_credentials().secrets()) CHECK(std::string(e.what()).find(secret) == std::string::npos);
}

TEST_CASE("A2AClient: encrypted values are decrypted with the configured key") {
  Http http = cpptest::loopback_http();
  ServerInfo srv = fresh("a2a_enc");
  Key key = Key::from_file(encryption_key_path());
  A2AClient a = client_for(A2AAuth::oauth1, srv.str("base_url"), http);
  a.set_decryption_key(&key);
  CHECK(json_at(a.credential("credential_5@destktop-91.com").view(), "password") == "secret@2504");
  A2AClient raw = client_for(A2AAuth::oauth1, srv.str("base_url"), http);
  std::string encrypted = json_at(raw.credential("credential_5@destktop-91.com").view(), "password");
  CHECK(encrypted != "secret@2504");
  CHECK(a2a::decrypt(key, encrypted).view() == "secret@2504");
}

TEST_CASE("A2AClient: CallOptions bound each call, and a Cancel stops the transfer itself") {
  StallServer server;  // accepts every A2A request and never answers
  Http http = cpptest::loopback_http();
  A2ACredentials cred = a2a_credentials();
  A2AClient a(server.url(""), http);
  a.set_auth_method(A2AAuth::query);
  a.set_oauth1_credentials(cred.consumer_key, cred.consumer_secret, cred.token, cred.token_secret);
  using Call = std::function<void(const CallOptions &)>;
  const std::vector<std::pair<const char *, Call>> calls = {
      {"credential", [&](const CallOptions &o) { a.credential("5", o); }},
      {"info", [&](const CallOptions &o) { a.info("10", o); }},
      {"ssh_key", [&](const CallOptions &o) { a.ssh_key("7", o); }},
      {"dsm_application", [&](const CallOptions &o) { a.dsm_application(o); }},
      {"call", [&](const CallOptions &o) { a.call("GET", "pam/device/1", std::nullopt, true, o); }},
  };
  using Clock = std::chrono::steady_clock;
  for (const auto &[name, call] : calls) {
    CAPTURE(name);
    CallOptions bounded;
    bounded.timeout_ms = 200;
    auto start = Clock::now();
    CHECK(error_of([&] { call(bounded); }).errc() == Errc::timeout);
    CHECK(Clock::now() - start < std::chrono::seconds(2));

    CallOptions cancellable;
    cancellable.cancel = Cancel();
    std::thread canceller([c = *cancellable.cancel] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      c.cancel();
    });
    start = Clock::now();
    Error e = error_of([&] { call(cancellable); });
    auto took = Clock::now() - start;
    canceller.join();
    CHECK(e.errc() == Errc::cancelled);
    CHECK(took < std::chrono::seconds(1));
    // The stalled connection was closed by the client when the cancel came, not left to run.
    for (int i = 0; i < 100 && server.last_close() < start; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(server.last_close() >= start);
  }
}
