// RFC 8693 token exchange through the C API (libm2mauth.so) against the strict loopback server.
#include <doctest/doctest.h>

#include <string>

#include "exchange_support.hpp"
#include "support.hpp"
#include "m2mauth/m2mauth.h"

using namespace exchange_test;

namespace {

struct Client {
  m2mauth_http *http = nullptr;
  m2mauth_token_client *client = nullptr;
  m2mauth_key *key = nullptr;
  Client(const char *id, int auth, const char *secret = nullptr) {
    REQUIRE(m2mauth_http_new(&http, nullptr) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_client_new(&client, token_url().c_str(), id, http) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_client_set_auth_method(client, auth) == M2MAUTH_OK);
    if (secret != nullptr) REQUIRE(m2mauth_token_client_set_secret(client, secret) == M2MAUTH_OK);
  }
  ~Client() {
    m2mauth_token_client_free(client);
    m2mauth_http_free(http);
    m2mauth_key_free(key);
  }
};

struct Exchange {
  m2mauth_token_exchange *x = nullptr;
  Exchange(const std::string &subject, const char *type = kAccess) {
    REQUIRE(m2mauth_token_exchange_new(&x, subject.c_str(), type) == M2MAUTH_OK);
  }
  ~Exchange() { m2mauth_token_exchange_free(x); }
};

struct Tok {
  m2mauth_token *t = nullptr;
  ~Tok() { m2mauth_token_free(t); }
};

m2mauth_status exchange(Client &c, Exchange &x, Tok &out) {
  return m2mauth_token_client_exchange(&out.t, c.client, x.x, nullptr);
}

bool contains(const char *haystack, const std::string &needle) { return std::string(haystack).find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("exchange: every RFC 8693 parameter is sent, once, as given") {
  reset();
  Client c("svc-basic", M2MAUTH_AUTH_CLIENT_SECRET_BASIC, kBasicSecret);
  Exchange x("subject-token-1");
  REQUIRE(m2mauth_token_exchange_set_actor(x.x, "actor-token-1", kJwtType) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_exchange_set_requested_type(x.x, M2MAUTH_TOKEN_TYPE_ACCESS_TOKEN) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_exchange_add_audience(x.x, "api-a") == M2MAUTH_OK);
  REQUIRE(m2mauth_token_exchange_add_audience(x.x, "api-b") == M2MAUTH_OK);
  REQUIRE(m2mauth_token_exchange_add_resource(x.x, "https://api.example/a") == M2MAUTH_OK);
  REQUIRE(m2mauth_token_exchange_add_resource(x.x, "urn:example:b") == M2MAUTH_OK);
  REQUIRE(m2mauth_token_exchange_set_scope(x.x, "api.read api.write") == M2MAUTH_OK);
  Tok t;
  REQUIRE(exchange(c, x, t) == M2MAUTH_OK);
  CHECK(std::string(m2mauth_token_issued_token_type(t.t)) == kAccess);
  CHECK(std::string(m2mauth_token_type(t.t)) == "Bearer");
  CHECK(std::string(m2mauth_token_scope(t.t)) == "api.read api.write");
  CHECK(std::string(m2mauth_token_access_token(t.t)).rfind("xt-", 0) == 0);
  CHECK(last_form() ==
        "grant_type=urn:ietf:params:oauth:grant-type:token-exchange\n"
        "subject_token=subject-token-1\n"
        "subject_token_type=urn:ietf:params:oauth:token-type:access_token\n"
        "actor_token=actor-token-1\n"
        "actor_token_type=urn:ietf:params:oauth:token-type:jwt\n"
        "requested_token_type=urn:ietf:params:oauth:token-type:access_token\n"
        "audience=api-a\naudience=api-b\n"
        "resource=https://api.example/a\nresource=urn:example:b\n"
        "scope=api.read api.write\n"
        "@auth=client_secret_basic\n");
}

TEST_CASE("exchange: every client authentication method combines with it") {
  struct Case {
    const char *id;
    int auth;
    const char *secret;
    const char *seen;
  } cases[] = {
      {"svc-basic", M2MAUTH_AUTH_CLIENT_SECRET_BASIC, kBasicSecret, "client_secret_basic"},
      {"svc-post", M2MAUTH_AUTH_CLIENT_SECRET_POST, kPostSecret, "client_secret_post"},
      {"svc-jwt", M2MAUTH_AUTH_CLIENT_SECRET_JWT, kJwtSecret, "client_secret_jwt"},
      {"svc-rs256", M2MAUTH_AUTH_PRIVATE_KEY_JWT, nullptr, "private_key_jwt"},
      {"pub-x", M2MAUTH_AUTH_NONE, nullptr, "none"},
  };
  for (const Case &k : cases) {
    CAPTURE(k.id);
    Client c(k.id, k.auth, k.secret);
    if (k.auth == M2MAUTH_AUTH_PRIVATE_KEY_JWT) {
      std::string path = m2mauth_test::servers_dir() + "/keys/rsa2048.pem";
      REQUIRE(m2mauth_key_from_file(&c.key, path.c_str(), nullptr) == M2MAUTH_OK);
      REQUIRE(m2mauth_token_client_set_private_key(c.client, c.key) == M2MAUTH_OK);
    }
    Exchange x("subject-of-" + std::string(k.id));
    Tok t;
    REQUIRE(exchange(c, x, t) == M2MAUTH_OK);
    CHECK(last_form().find(std::string("@auth=") + k.seen + "\n") != std::string::npos);
  }
}

TEST_CASE("exchange: invalid requests are refused before sending, naming the field, never the token") {
  m2mauth_token_exchange *x = nullptr;
  CHECK(m2mauth_token_exchange_new(&x, nullptr, kAccess) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_exchange_new(&x, "", kAccess) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_exchange_new(&x, "secret-subject", "access_token") == M2MAUTH_EINVAL);
  CHECK(contains(m2mauth_error_last()->message, "subject_token_type"));
  CHECK_FALSE(contains(m2mauth_error_last()->message, "secret-subject"));
  CHECK(m2mauth_token_exchange_new(&x, "secret subject", kAccess) == M2MAUTH_EINVAL);
  CHECK_FALSE(contains(m2mauth_error_last()->message, "secret subject"));
  CHECK(m2mauth_token_exchange_new(&x, "tok", "urn:x#frag") == M2MAUTH_EINVAL);
  CHECK(x == nullptr);
  Exchange ok("secret-subject");
  CHECK(m2mauth_token_exchange_set_actor(ok.x, "actor", nullptr) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_exchange_set_actor(ok.x, nullptr, kAccess) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_exchange_set_actor(ok.x, "actor", "not a uri") == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_exchange_set_actor(ok.x, "", kAccess) == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_exchange_set_requested_type(ok.x, "jwt") == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_exchange_add_audience(ok.x, "") == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_exchange_add_resource(ok.x, "/relative") == M2MAUTH_EINVAL);
  CHECK(m2mauth_token_exchange_add_resource(ok.x, "https://api.example/#x") == M2MAUTH_EINVAL);
  CHECK(contains(m2mauth_error_last()->message, "resource"));
  m2mauth_token_exchange_free(nullptr);
  // a failed setter leaves the request as it was: still valid and sendable
  reset();
  Client c("svc-basic", M2MAUTH_AUTH_CLIENT_SECRET_BASIC, kBasicSecret);
  Tok t;
  REQUIRE(exchange(c, ok, t) == M2MAUTH_OK);
  CHECK(last_form().find("resource=") == std::string::npos);
  CHECK(last_form().find("actor_token") == std::string::npos);
}

TEST_CASE("exchange: the answer's issued_token_type is required and checked") {
  Client c("svc-basic", M2MAUTH_AUTH_CLIENT_SECRET_BASIC, kBasicSecret);
  {
    Exchange x("subject-missing");
    REQUIRE(m2mauth_token_exchange_add_audience(x.x, "fault:missing-issued-type") == M2MAUTH_OK);
    Tok t;
    CHECK(exchange(c, x, t) == M2MAUTH_EPROTOCOL);
    CHECK(contains(m2mauth_error_last()->message, "issued_token_type"));
    CHECK(t.t == nullptr);
  }
  {
    Exchange x("subject-bad-type");
    REQUIRE(m2mauth_token_exchange_add_audience(x.x, "fault:bad-issued-type") == M2MAUTH_OK);
    Tok t;
    CHECK(exchange(c, x, t) == M2MAUTH_EPROTOCOL);
    CHECK(contains(m2mauth_error_last()->message, "not a token type URI"));
  }
  {
    Exchange x("subject-other");
    REQUIRE(m2mauth_token_exchange_add_audience(x.x, "fault:other-type") == M2MAUTH_OK);
    REQUIRE(m2mauth_token_exchange_set_requested_type(x.x, kAccess) == M2MAUTH_OK);
    Tok t;
    CHECK(exchange(c, x, t) == M2MAUTH_EPROTOCOL);
    CHECK(contains(m2mauth_error_last()->message, "differs"));
  }
  {
    Exchange x("subject-other-unrequested");  // no requested type: the server decides
    REQUIRE(m2mauth_token_exchange_add_audience(x.x, "fault:other-type") == M2MAUTH_OK);
    Tok t;
    REQUIRE(exchange(c, x, t) == M2MAUTH_OK);
    CHECK(std::string(m2mauth_token_issued_token_type(t.t)) == kJwtType);
  }
  {
    Exchange x("subject-id");  // not an access token: token_type N_A
    REQUIRE(m2mauth_token_exchange_set_requested_type(x.x, kIdToken) == M2MAUTH_OK);
    Tok t;
    REQUIRE(exchange(c, x, t) == M2MAUTH_OK);
    CHECK(std::string(m2mauth_token_type(t.t)) == "N_A");
    CHECK(std::string(m2mauth_token_issued_token_type(t.t)) == kIdToken);
  }
}

TEST_CASE("exchange: RFC 6749 error answers, and an echoed subject token is redacted") {
  Client c("svc-basic", M2MAUTH_AUTH_CLIENT_SECRET_BASIC, kBasicSecret);
  for (const char *fault : {"fault:invalid-request", "fault:invalid-target"}) {
    Exchange x("subject-err");
    REQUIRE(m2mauth_token_exchange_add_audience(x.x, fault) == M2MAUTH_OK);
    Tok t;
    CHECK(exchange(c, x, t) == M2MAUTH_EOAUTH);
    CHECK(std::string(m2mauth_error_last()->oauth_error) ==
          (std::string(fault) == "fault:invalid-request" ? "invalid_request" : "invalid_target"));
    CHECK(m2mauth_error_last()->http_status == 400);
  }
  const std::string subject = "ST-very-secret-subject-0123456789", actor = "AT-very-secret-actor-9876543210";
  Exchange x(subject);
  REQUIRE(m2mauth_token_exchange_set_actor(x.x, actor.c_str(), kAccess) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_exchange_add_audience(x.x, "fault:echo-subject") == M2MAUTH_OK);
  Tok t;
  CHECK(exchange(c, x, t) == M2MAUTH_EOAUTH);
  const m2mauth_error *e = m2mauth_error_last();
  CHECK(std::string(e->oauth_error) == "invalid_grant");
  CHECK(contains(e->oauth_error_description, "is not acceptable"));  // the rest of the text is kept
  CHECK_FALSE(contains(e->oauth_error_description, subject));
  CHECK_FALSE(contains(e->oauth_error_description, actor));
  CHECK_FALSE(contains(e->message, subject));
}

TEST_CASE("exchange: a JWT subject whose exp has passed is refused without a request") {
  reset();
  Client c("svc-basic", M2MAUTH_AUTH_CLIENT_SECRET_BASIC, kBasicSecret);
  Exchange x(jwt_with_exp(now_s() - 10));
  Tok t;
  CHECK(exchange(c, x, t) == M2MAUTH_EEXPIRED);
  CHECK(count() == 0);
}

TEST_CASE("exchange: the manager caches by subject, bounded by the subject's exp") {
  reset();
  Client c("svc-basic", M2MAUTH_AUTH_CLIENT_SECRET_BASIC, kBasicSecret);
  m2mauth_token_manager *m = nullptr;
  REQUIRE(m2mauth_token_manager_new(&m, c.client, nullptr) == M2MAUTH_OK);
  const std::int64_t exp = now_s() + 600;  // the server gives 3600 s
  const std::string jwt_subject = jwt_with_exp(exp);
  {
    Exchange a(jwt_subject), again(jwt_subject), other("opaque-subject");
    Tok t1, t2, t3, t4;
    REQUIRE(m2mauth_token_manager_exchange(&t1.t, m, a.x, nullptr) == M2MAUTH_OK);
    REQUIRE(m2mauth_token_manager_exchange(&t2.t, m, again.x, nullptr) == M2MAUTH_OK);
    CHECK(count() == 1);  // same subject, same parameters: the cached answer
    CHECK(std::string(m2mauth_token_access_token(t1.t)) == m2mauth_token_access_token(t2.t));
    CHECK(m2mauth_token_expires_at(t1.t) <= exp * 1000);
    CHECK(m2mauth_token_expires_at(t1.t) > (exp - 30) * 1000);
    CHECK(std::string(m2mauth_token_issued_token_type(t1.t)) == kAccess);
    REQUIRE(m2mauth_token_manager_exchange(&t3.t, m, other.x, nullptr) == M2MAUTH_OK);
    CHECK(count() == 2);  // another subject: another key
    CHECK(m2mauth_token_expires_at(t3.t) > (now_s() + 3000) * 1000);  // an opaque subject has no bound
    REQUIRE(m2mauth_token_exchange_add_audience(again.x, "api-a") == M2MAUTH_OK);
    REQUIRE(m2mauth_token_manager_exchange(&t4.t, m, again.x, nullptr) == M2MAUTH_OK);
    CHECK(count() == 3);  // another audience: another key
  }
  // A refused exchange is an error of that key only.
  {
    Exchange bad("subject-bad");
    REQUIRE(m2mauth_token_exchange_add_audience(bad.x, "fault:invalid-target") == M2MAUTH_OK);
    Tok t;
    CHECK(m2mauth_token_manager_exchange(&t.t, m, bad.x, nullptr) == M2MAUTH_EOAUTH);
  }
  m2mauth_token_manager_free(m);
}

TEST_CASE("exchange: mTLS client authentication (RFC 8705 tls_client_auth)") {
  const http_test::Pki &pki = http_test::Pki::get();
  http_test::Server tls("exchange_server.py", {"--tls-cert", pki.cert("server"), "--tls-key", pki.key("server"),
                                               "--client-ca", pki.ca(), "--mtls-client", "svc-mtls"});
  const std::string ca = pki.ca(), cert = pki.cert("client_rsa"), key = pki.key("client_rsa");
  m2mauth_http_options o = M2MAUTH_HTTP_OPTIONS_INIT;
  o.ca_file = ca.c_str();
  o.client_cert = cert.c_str();
  o.client_key = key.c_str();
  m2mauth_http *http = nullptr;
  REQUIRE(m2mauth_http_new(&http, &o) == M2MAUTH_OK);
  m2mauth_token_client *client = nullptr;
  REQUIRE(m2mauth_token_client_new(&client, (tls.url() + "/token").c_str(), "svc-mtls", http) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_TLS_CLIENT_AUTH) == M2MAUTH_OK);
  Exchange x("subject-over-mtls");
  Tok t;
  REQUIRE(m2mauth_token_client_exchange(&t.t, client, x.x, nullptr) == M2MAUTH_OK);
  CHECK(std::string(m2mauth_token_issued_token_type(t.t)) == kAccess);
  m2mauth_token_client_free(client);
  m2mauth_http_free(http);
}
