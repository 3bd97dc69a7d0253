// RFC 8693 token exchange in the core: request checks, the cache key, the subject's exp, the answer.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "code_of.hpp"
#include "exchange_support.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/token_exchange.hpp"

using namespace m2mauth::core;
using m2mtest::code_of;
using exchange_test::b64url;

namespace {

TokenExchange basic(const std::string &subject = "subject-1") {
  TokenExchange x;
  x.subject_token = SecretString(subject);
  x.subject_token_type = kTokenTypeAccessToken;
  return x;
}

Response json_response(int status, const std::string &body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body;
  return r;
}

}  // namespace

TEST_CASE("token type identifiers: the RFC 8693 URNs and absolute URIs") {
  for (const char *ok : {kTokenTypeAccessToken, kTokenTypeRefreshToken, kTokenTypeIdToken, kTokenTypeSaml1,
                         kTokenTypeSaml2, kTokenTypeJwt, "https://example.com/token-type/x", "urn:example:t"})
    CHECK(token_type_uri_valid(ok));
  for (const char *bad : {"", "access_token", ":x", "1urn:x", "urn:", "urn:x#f", "urn:a b", "urn:\x01", "urn:\xc3\xa9",
                          "urn:{x}", "ht!tp:x"})
    CHECK_FALSE(token_type_uri_valid(bad));
  CHECK_FALSE(token_type_uri_valid("urn:" + std::string(2100, 'a')));
}

TEST_CASE("check_token_exchange names the field, never the token") {
  CHECK(code_of([] { check_token_exchange(basic()); }) == Errc::ok);
  TokenExchange x = basic("");
  CHECK(code_of([&] { check_token_exchange(x); }) == Errc::invalid_argument);
  x = basic("secret\ntoken");
  try {
    check_token_exchange(x);
    FAIL("accepted");
  } catch (const Error &e) {
    CHECK(std::string(e.what()).find("subject_token") != std::string::npos);
    CHECK(std::string(e.what()).find("secret") == std::string::npos);
  }
  x = basic();
  x.actor_token = SecretString("actor");
  CHECK(code_of([&] { check_token_exchange(x); }) == Errc::invalid_argument);  // no actor_token_type
  x.actor_token_type = kTokenTypeJwt;
  CHECK(code_of([&] { check_token_exchange(x); }) == Errc::ok);
  x = basic();
  x.actor_token_type = kTokenTypeJwt;  // a type without a token
  CHECK(code_of([&] { check_token_exchange(x); }) == Errc::invalid_argument);
  x = basic();
  x.resources = {"https://a.example/x#frag"};
  CHECK(code_of([&] { check_token_exchange(x); }) == Errc::invalid_argument);
  x = basic();
  x.audiences = {""};
  CHECK(code_of([&] { check_token_exchange(x); }) == Errc::invalid_argument);
}

TEST_CASE("the cache key: hashes of the tokens, every parameter, no ambiguity") {
  TokenExchange a = basic("the-subject-token-value");
  a.actor_token = SecretString("the-actor-token-value");
  a.actor_token_type = kTokenTypeJwt;
  const std::string key = token_exchange_key(a);
  CHECK(key.find("the-subject-token-value") == std::string::npos);
  CHECK(key.find("the-actor-token-value") == std::string::npos);
  CHECK(key == token_exchange_key(a));
  TokenExchange b = a;
  b.subject_token = SecretString("the-subject-token-valuf");
  CHECK(token_exchange_key(b) != key);
  b = a;
  b.actor_token = SecretString("x");
  CHECK(token_exchange_key(b) != key);
  // ["a b"] and ["a", "b"]; audience "x" and resource "x"; scope vs audience
  TokenExchange c = basic(), d = basic();
  c.audiences = {"a b"};
  d.audiences = {"a", "b"};
  CHECK(token_exchange_key(c) != token_exchange_key(d));
  c = basic(), d = basic();
  c.audiences = {"urn:x"};
  d.resources = {"urn:x"};
  CHECK(token_exchange_key(c) != token_exchange_key(d));
  c = basic(), d = basic();
  c.scope = "s";
  d.requested_token_type = "s";
  CHECK(token_exchange_key(c) != token_exchange_key(d));
}

TEST_CASE("jwt_exp_unverified reads exp of a JWS JWT, nothing else") {
  const std::string h = b64url(R"({"alg":"none"})");
  CHECK(jwt_exp_unverified(h + "." + b64url(R"({"exp":1700000000})") + ".sig") == 1700000000);
  CHECK(jwt_exp_unverified(h + "." + b64url(R"({"exp":1700000000.9})") + ".") == 1700000000);
  CHECK_FALSE(jwt_exp_unverified(h + "." + b64url(R"({"exp":"1700000000"})") + ".sig"));
  CHECK_FALSE(jwt_exp_unverified(h + "." + b64url(R"({"sub":"x"})") + ".sig"));
  CHECK_FALSE(jwt_exp_unverified(h + "." + b64url(R"([1])") + ".sig"));
  CHECK_FALSE(jwt_exp_unverified(h + ".a.b.c.d"));  // JWE: the payload is encrypted
  CHECK_FALSE(jwt_exp_unverified("opaque-token"));
  CHECK_FALSE(jwt_exp_unverified(h + ".!!!.sig"));
  CHECK_FALSE(jwt_exp_unverified(h + "." + b64url(R"({"exp":1e300})") + ".sig"));
}

TEST_CASE("parse_token_exchange_response") {
  ClientConfig config;
  TokenScope scope;
  scope.scope = "s";
  TokenExchange x = basic();
  Token t = parse_token_exchange_response(
      json_response(200, R"({"access_token":"abc","token_type":"N_A","issued_token_type":")" +
                             std::string(kTokenTypeRefreshToken) + R"(","expires_in":60})"),
      1000, config, scope, x, {});
  CHECK(t.token_type == "N_A");
  CHECK(t.access_token.reveal() == "abc");
  CHECK(t.issued_token_type == kTokenTypeRefreshToken);
  CHECK(t.expires_at_ms == 61000);
  CHECK(t.scope == "s");
  // token_type absent or Bearer: as any token response
  t = parse_token_exchange_response(
      json_response(200, R"({"access_token":"abc","issued_token_type":"urn:x:y"})"), 0, config, scope, x, {});
  CHECK(t.authorization_scheme() == "Bearer");
  CHECK(code_of([&] {
          parse_token_exchange_response(json_response(200, R"({"access_token":"abc","token_type":"Bearer"})"), 0,
                                        config, scope, x, {});
        }) == Errc::protocol);
  CHECK(code_of([&] {
          parse_token_exchange_response(
              json_response(200, R"({"access_token":"abc","token_type":"Bearer","issued_token_type":"no uri"})"), 0,
              config, scope, x, {});
        }) == Errc::protocol);
  CHECK(code_of([&] {
          parse_token_exchange_response(
              json_response(200, R"({"access_token":"abc","token_type":"Bearer","issued_token_type":5})"), 0, config,
              scope, x, {});
        }) == Errc::protocol);
  x.requested_token_type = kTokenTypeAccessToken;
  CHECK(code_of([&] {
          parse_token_exchange_response(json_response(200, R"({"access_token":"abc","issued_token_type":")" +
                                                               std::string(kTokenTypeJwt) + "\"}"),
                                        0, config, scope, x, {});
        }) == Errc::protocol);
  // N_A still needs a usable token
  CHECK(code_of([&] {
          parse_token_exchange_response(
              json_response(200, R"({"access_token":"a b","token_type":"N_A","issued_token_type":"urn:x:y"})"), 0,
              config, scope, x, {});
        }) == Errc::protocol);
  // errors: RFC 6749 5.2, the subject token redacted when it is among the secrets
  std::string subject = "subject-secret-xyz";
  try {
    parse_token_exchange_response(
        json_response(400, R"({"error":"invalid_grant","error_description":"bad subject-secret-xyz here"})"), 0,
        config, scope, x, {subject});
    FAIL("accepted");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::oauth);
    CHECK(e.detail().oauth_error == "invalid_grant");
    CHECK(e.detail().oauth_error_description.find(subject) == std::string::npos);
  }
  CHECK(code_of([&] { parse_token_exchange_response(json_response(200, "not json"), 0, config, scope, x, {}); }) ==
        Errc::protocol);
}
