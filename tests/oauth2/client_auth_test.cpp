// Every client authentication method against real authorization servers on loopback.
#include <doctest/doctest.h>

#include "m2mauth/core/jwt.hpp"
#include "oauth2_support.hpp"

using namespace m2mauth_test;
using namespace m2mauth::core;

TEST_CASE("oidc-provider issues tokens to every client authentication method") {
  const auto oidc = servers()["oidc"];
  auto transport = loopback_transport();
  for (const char *id : {"svc-basic", "svc-post", "svc-jwt", "svc-rs256", "svc-es256", "svc-eddsa"}) {
    CAPTURE(id);
    ClientConfig cfg = client_config(id, oidc.str("token_endpoint"));
    cfg.scope.scope = "api.read";
    TokenClient client(cfg, transport);
    Token t = client.fetch();
    CHECK(!t.access_token.empty());
    CHECK(t.authorization_scheme() == "Bearer");
    CHECK(t.expires_at_ms - t.issued_at_ms == 3600 * 1000);
    CHECK(introspect_active(oidc.str("introspection_endpoint"), t.access_token.reveal()));
    // Assertions are fresh (new jti) on every request: a second fetch works too.
    CHECK(!client.fetch().access_token.empty());
  }
}

TEST_CASE("oidc-provider accepts the issuer as assertion audience; a wrong key is invalid_client") {
  const auto oidc = servers()["oidc"];
  auto transport = loopback_transport();
  ClientConfig cfg = client_config("svc-rs256", oidc.str("token_endpoint"));
  cfg.assertion_audience = oidc.str("issuer");
  CHECK(!TokenClient(cfg, transport).fetch().access_token.empty());

  cfg.private_key = Key::generate_rsa(2048);  // not the registered key
  try {
    TokenClient(cfg, transport).fetch();
    FAIL("expected invalid_client");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::oauth);
    CHECK(e.detail().oauth_error == "invalid_client");
    CHECK_FALSE(e.transient());
    CHECK(e.detail().http_status >= 400);
  }
}

TEST_CASE("wrong client secret: invalid_client, and the secret never appears in the error") {
  auto transport = loopback_transport();
  for (const char *id : {"svc-basic", "svc-post"}) {
    ClientConfig cfg = client_config(id, servers()["oidc"].str("token_endpoint"));
    cfg.client_secret = SecretString("wrong-secret-value-ZZZZ-1234567890");
    try {
      TokenClient(cfg, transport).fetch();
      FAIL("expected invalid_client");
    } catch (const Error &e) {
      CHECK(e.code() == Errc::oauth);
      CHECK(e.detail().oauth_error == "invalid_client");
      CHECK(std::string(e.what()).find("wrong-secret-value") == std::string::npos);
      CHECK(e.detail().oauth_error_description.find("wrong-secret-value") == std::string::npos);
    }
  }
}

TEST_CASE("discovery finds the token endpoint of oidc-provider") {
  auto transport = loopback_transport();
  CHECK(discover_token_endpoint(*transport, servers()["oidc"].str("issuer")) == servers()["oidc"].str("token_endpoint"));
  CHECK_THROWS_AS(discover_token_endpoint(*transport, servers()["oidc"].str("url") + "/other"), Error);
}

TEST_CASE("Authlib: private_key_jwt with aud = token endpoint (the default); the issuer is refused") {
  const auto as = servers()["authlib"];
  auto transport = loopback_transport();
  for (const char *id : {"svc-basic", "svc-post", "svc-rs256", "svc-es256", "svc-jwt"}) {
    CAPTURE(id);
    ClientConfig cfg = client_config(id, as.str("token_endpoint"));
    CHECK(!TokenClient(cfg, transport).fetch().access_token.empty());
  }
  ClientConfig cfg = client_config("svc-rs256", as.str("token_endpoint"));
  cfg.assertion_audience = as.str("issuer");
  CHECK_THROWS_AS(TokenClient(cfg, transport).fetch(), Error);
}

TEST_CASE("the BMP moneyp profile: RS256 assertion, client_credentials with scope, the 300-character limit") {
  auto transport = loopback_transport();
  for (const char *server : {"oidc", "authlib"}) {
    CAPTURE(server);
    ClientConfig cfg = client_config("svc-moneyp", servers()[server].str("token_endpoint"));
    cfg.scope.scope = "api.read api.write";
    TokenClient client(cfg, transport);
    Request req = client.build_request(cfg.scope);
    // The assertion is exactly the BMP Money Plus private-key JWT guide (README, "The two seed APIs"): RS256, typ JWT, iss = sub = client_id, aud = endpoint.
    auto form = parse_form(req.body);
    std::string assertion;
    for (auto &[k, v] : form)
      if (k == "client_assertion") assertion = v;
    Claims claims = jwt_decode_unverified(assertion);
    CHECK(claims.get_string("iss") == "svc-moneyp");
    CHECK(claims.get_string("sub") == "svc-moneyp");
    CHECK(claims.get_string("aud") == servers()[server].str("token_endpoint"));
    CHECK(claims.get_int("exp") - claims.get_int("iat") == 125);  // iat backdated by the default skew, 5 s
    CHECK(claims.get_int("nbf") == claims.get_int("iat"));
    CHECK(claims.get_string("jti").size() == 36);
    CHECK(claims.header_json().find("\"alg\":\"RS256\"") != std::string::npos);
    Token t = client.fetch();
    CHECK(!t.access_token.empty());

    cfg.scope.scope = std::string(301, 'a');
    try {
      TokenClient(cfg, transport).fetch();
      FAIL("expected a refusal of the 301-character scope");
    } catch (const Error &e) {
      CHECK(e.code() == Errc::oauth);
      CHECK_FALSE(e.transient());
    }
  }
}

TEST_CASE("client_secret_basic form-urlencodes id and secret before base64 (RFC 6749 2.3.1)") {
  ClientConfig cfg;
  cfg.token_url = "https://as.example.com/token";
  cfg.client_id = "s6BhdRkqt3";
  cfg.client_secret = SecretString("gX1fBat3bV");
  TokenClient client(cfg, loopback_transport());
  Request req = client.build_request(cfg.scope);
  // RFC 6749 4.4.2's example.
  CHECK(*req.header("Authorization") == "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW");
  cfg.client_id = "a b:c";
  cfg.client_secret = SecretString("p+q%r");
  TokenClient odd(cfg, loopback_transport());
  // "a+b%3Ac:p%2Bq%25r"
  CHECK(*odd.build_request(cfg.scope).header("Authorization") == "Basic YStiJTNBYzpwJTJCcSUyNXI=");
}

TEST_CASE("jwt-bearer grant (RFC 7523 2.1) sends the signed assertion as the grant") {
  ClientConfig cfg;
  cfg.token_url = "https://as.example.com/token";
  cfg.client_id = "svc";
  cfg.auth = ClientAuth::none;
  cfg.grant = Grant::jwt_bearer;
  cfg.private_key = Key::generate_ec(Curve::p256);
  cfg.jwt_bearer_subject = "user-42";
  TokenClient client(cfg, loopback_transport());
  auto form = parse_form(client.build_request(cfg.scope).body);
  std::string grant, assertion;
  for (auto &[k, v] : form) {
    if (k == "grant_type") grant = v;
    if (k == "assertion") assertion = v;
  }
  CHECK(grant == "urn:ietf:params:oauth:grant-type:jwt-bearer");
  Verifier v(cfg.private_key->public_only(), alg_bit(Alg::es256));
  v.add_audience(cfg.token_url);
  Claims claims = v.verify(assertion);
  CHECK(claims.get_string("sub") == "user-42");
  CHECK(claims.get_string("iss") == "svc");
}
