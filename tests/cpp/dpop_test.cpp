// Dpop and TokenClient::set_dpop through m2mauth.hpp against oidc-provider and the DPoP resource server.
#include <doctest/doctest.h>

#include <string>

#include "wrapper_support.hpp"

using namespace m2mauth;
using namespace m2mauth_test;
using cpptest::error_of;

namespace {

m2mauth_test::Servers &dpop_servers() {
  static m2mauth_test::Servers instance({"oidc", "rs=dpop"}, {"rs.nonce=true"});
  return instance;
}

}  // namespace

TEST_CASE("Dpop: generated and given keys, thumbprint, proofs, HMAC and public keys refused") {
  Dpop generated;
  CHECK(generated.thumbprint().size() == 43);
  Dpop copy = generated;
  CHECK(copy.thumbprint() == generated.thumbprint());
  Key ed = Key::generate_ed25519();
  Dpop d(ed);
  CHECK(d.thumbprint() == ed.public_key().thumbprint());
  std::string proof = d.proof("GET", "https://example.com/x?y", std::string("tok"));
  std::string payload = jws::verify(ed.public_key(), proof, {Alg::EdDSA});
  CHECK(payload.find("\"htu\":\"https://example.com/x\"") != std::string::npos);
  CHECK(error_of([] { Dpop bad(Key::generate_hmac()); }).errc() == Errc::key_type);
  CHECK(error_of([&] { Dpop bad(ed.public_key()); }).errc() == Errc::no_private_key);
}

TEST_CASE("TokenClient::set_dpop: a DPoP-bound token and a managed request the resource server verifies") {
  Http http = cpptest::loopback_http();
  TokenClient client(dpop_servers()["oidc"].str("token_endpoint"), "svc-basic", http);
  client.set_secret(client_field("svc-basic", "client_secret")).set_dpop(Dpop());
  TokenManager manager(client);
  CHECK(manager.get_token().scheme == "DPoP");
  Response resp = manager.request(Request("POST", dpop_servers()["rs"].str("api_url") + "/cpp"));
  CHECK(resp.status() == 200);
  CHECK(std::string(resp.body()).find("\"scheme\": \"DPoP\"") != std::string::npos);
}

TEST_CASE("TokenManager::dpop and Dpop::observe: an application's own request learns the nonce, one retry") {
  Http http = cpptest::loopback_http();
  TokenClient plain(dpop_servers()["oidc"].str("token_endpoint"), "svc-basic", http);
  plain.set_secret(client_field("svc-basic", "client_secret"));
  CHECK_FALSE(TokenManager(plain).dpop().has_value());

  TokenClient client(dpop_servers()["oidc"].str("token_endpoint"), "svc-basic", http);
  Dpop given;
  client.set_secret(client_field("svc-basic", "client_secret")).set_dpop(given);
  TokenManager manager(client);
  std::optional<Dpop> d = manager.dpop();
  REQUIRE(d.has_value());
  CHECK(d->thumbprint() == given.thumbprint());

  const std::string url = dpop_servers()["rs"].str("api_url") + "/own-cpp";
  const std::string token(manager.get_token().access_token);
  auto send = [&] {
    Request req("GET", url);
    req.set_header("Authorization", "DPoP " + token);
    req.set_header("DPoP", d->proof("GET", url, token));
    return http.send(req);
  };
  Response first = send();
  CHECK(first.status() == 401);
  REQUIRE(d->observe(url, first));  // use_dpop_nonce: the nonce is now remembered
  Response second = send();
  CHECK(second.status() == 200);
  CHECK_FALSE(d->observe(url, second));
  // The manager's own requests use the nonce learnt here: no challenge.
  CHECK(manager.request(Request("GET", url)).status() == 200);
}
