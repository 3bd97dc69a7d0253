// The senhasegura A2A client through m2mauth.hpp against the emulator (tests/servers/a2a_emulator.py).
#include <doctest/doctest.h>

#include <string>

#include "a2a_servers.hpp"
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
