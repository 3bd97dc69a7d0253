// The test double's DPoP nonce knob (ServerOptions::dpop_nonce; the C API's is in test_server_options_test.cpp)
// against the core's token client and token manager: the first proof without the nonce is answered 400
// use_dpop_nonce with a DPoP-Nonce header, the client retries once with it, and remembers it.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/test_server.hpp"
#include "m2mauth/core/token_manager.hpp"

using namespace m2mauth::core;

namespace {

const char *kSecret = "s3cret-s3cret-s3cret-s3cret-s3cret!";

std::shared_ptr<TokenClient> client_for(const testing::TokenServer &server, std::shared_ptr<Dpop> dpop) {
  ClientConfig cfg;
  cfg.token_url = server.url() + "/token";
  cfg.client_id = "svc";
  cfg.client_secret = SecretString(kSecret);
  cfg.dpop = std::move(dpop);
  HttpConfig http;
  http.timeout_ms = 10000;
  return std::make_shared<TokenClient>(cfg, make_curl_transport(http));
}

testing::TokenServer &started(testing::TokenServer &server) {
  testing::ClientRegistration reg;
  reg.id = "svc";
  reg.secret = kSecret;
  server.add_client(reg);
  server.start();
  return server;
}

}  // namespace

TEST_CASE("dpop_nonce: use_dpop_nonce with DPoP-Nonce, one retry by the token client, the nonce remembered") {
  testing::ServerOptions o;
  o.dpop_nonce = "n-0123456789";
  testing::TokenServer server(o);
  started(server);
  auto dpop = Dpop::generate();
  auto client = client_for(server, dpop);
  Token t = client->fetch();
  CHECK(t.token_type == "DPoP");
  CHECK(dpop->nonce_for(server.url() + "/token") == "n-0123456789");
  CHECK(server.requests("dpop_refused") == 1);  // the first proof, without the nonce
  CHECK(server.requests("dpop") == 1);
  // The nonce is remembered: the next token request needs no retry.
  CHECK(client->fetch().token_type == "DPoP");
  CHECK(server.requests("dpop_refused") == 1);
  CHECK(server.requests("dpop") == 2);

  // The token manager over a new key learns the nonce the same way.
  TokenManager manager(client_for(server, Dpop::generate()));
  CHECK(manager.get().scheme == "DPoP");
  CHECK(server.requests("dpop_refused") == 2);
  CHECK(server.requests("dpop") == 3);

  // A wrong nonce is refused again with the server's nonce; without DPoP the nonce does not matter.
  auto stale = Dpop::generate();
  stale->remember_nonce(server.url(), "stale-nonce");
  auto stale_client = client_for(server, stale);
  CHECK(stale_client->fetch().token_type == "DPoP");
  CHECK(stale->nonce_for(server.url()) == "n-0123456789");
  CHECK(server.requests("dpop_refused") == 3);
  CHECK(client_for(server, nullptr)->fetch().authorization_scheme() == "Bearer");
}

TEST_CASE("dpop_nonce: a value outside RFC 9449's nonce syntax or over 1024 bytes is refused") {
  for (const std::string &bad : {std::string("a b"), std::string("q\"uote"), std::string("back\\slash"),
                                 std::string("tab\t"), std::string(1025, 'n')}) {
    testing::ServerOptions o;
    o.dpop_nonce = bad;
    CHECK_THROWS_AS(testing::TokenServer{o}, Error);
  }
  testing::ServerOptions ok;
  ok.dpop_nonce = std::string(1024, 'n');
  CHECK_NOTHROW(testing::TokenServer{ok});
}
