// RFC 8693 token exchange through the C++ wrapper (m2mauth.hpp) against the strict loopback server.
#include <doctest/doctest.h>

#include <string>

#include "exchange_support.hpp"
#include "m2mauth/m2mauth.hpp"

using namespace exchange_test;

TEST_CASE("exchange (C++): client and manager, errors as exceptions") {
  reset();
  m2mauth::Http http;
  m2mauth::TokenClient client(token_url(), "svc-post", http);
  client.set_auth_method(m2mauth::ClientAuth::client_secret_post).set_secret(kPostSecret);
  m2mauth::TokenExchange x("cpp-subject", m2mauth::token_type::access_token);
  x.add_audience("api-a").set_scope("api.read").set_requested_type(m2mauth::token_type::access_token);
  m2mauth::Token t = client.exchange(x);
  CHECK(t.issued_token_type() == kAccess);
  CHECK(t.scope() == "api.read");
  CHECK(last_form().find("@auth=client_secret_post") != std::string::npos);

  m2mauth::TokenManager manager(client);
  m2mauth::Token a = manager.exchange(x);
  m2mauth::Token b = manager.exchange(x);
  CHECK(a.access_token() == b.access_token());
  CHECK(count() == 2);  // the client's uncached one, then one for the manager

  CHECK_THROWS_AS(m2mauth::TokenExchange("", m2mauth::token_type::access_token), m2mauth::Error);
  m2mauth::TokenExchange bad("cpp-subject-2", m2mauth::token_type::access_token);
  bad.add_audience("fault:missing-issued-type");
  try {
    client.exchange(bad);
    FAIL("no error");
  } catch (const m2mauth::Error &e) {
    CHECK(e.code() == M2MAUTH_EPROTOCOL);
    CHECK(std::string(e.what()).find("cpp-subject-2") == std::string::npos);
  }
}
