// The token-endpoint test double (testing.h) through the C API: the library's own token client against
// it (every client authentication method, TLS, mTLS, JWT tokens, knobs), and raw sockets for what a
// client library never sends (replayed assertions, hostile requests).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "test_server_support.hpp"

using capi::Buf;
using namespace test_server_support;

TEST_CASE("test server: client_secret_basic and _post, counters, wrong secret is invalid_client") {
  Server server;
  server.add("basic", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret, nullptr, "read write");
  server.add("post", M2MAUTH_TEST_AUTH_CLIENT_SECRET_POST, kSecret);
  server.start();
  CHECK(server.url().rfind("http://127.0.0.1:", 0) == 0);
  Http http;
  TokenClient basic(server.url() + "/token", "basic", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(basic.c, kSecret));
  REQUIRE_OK(m2mauth_token_client_set_scope(basic.c, "read"));
  std::string token;
  REQUIRE_OK(basic.fetch(&token));
  CHECK(token.size() >= 40);

  TokenClient post_client(server.url() + "/token", "post", http);
  REQUIRE_OK(m2mauth_token_client_set_auth_method(post_client.c, M2MAUTH_AUTH_CLIENT_SECRET_POST));
  REQUIRE_OK(m2mauth_token_client_set_secret(post_client.c, kSecret));
  REQUIRE_OK(post_client.fetch());

  // A client registered for Basic that posts its secret is refused, as is a wrong secret.
  TokenClient wrong_method(server.url() + "/token", "basic", http);
  REQUIRE_OK(m2mauth_token_client_set_auth_method(wrong_method.c, M2MAUTH_AUTH_CLIENT_SECRET_POST));
  REQUIRE_OK(m2mauth_token_client_set_secret(wrong_method.c, kSecret));
  CHECK(wrong_method.fetch() != M2MAUTH_OK);
  CHECK(m2mauth_error_last()->http_status == 401);
  CHECK(std::string(m2mauth_error_last()->oauth_error) == "invalid_client");
  TokenClient wrong(server.url() + "/token", "basic", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(wrong.c, "not-the-secret"));
  CHECK(wrong.fetch() != M2MAUTH_OK);
  CHECK(std::string(m2mauth_error_last()->oauth_error) == "invalid_client");
  CHECK(std::string(m2mauth_error_last()->message).find("not-the-secret") == std::string::npos);
  // A scope the client was not registered for.
  TokenClient scoped(server.url() + "/token", "basic", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(scoped.c, kSecret));
  REQUIRE_OK(m2mauth_token_client_set_scope(scoped.c, "admin"));
  CHECK(scoped.fetch() != M2MAUTH_OK);
  CHECK(std::string(m2mauth_error_last()->oauth_error) == "invalid_scope");

  CHECK(server.count("token") == 5);
  CHECK(server.count("grant:client_credentials") == 3);  // authenticated requests only
  CHECK(server.count("") == 5);
  CHECK(server.count(nullptr) == 5);
  CHECK(server.count("failed") == 0);
  CHECK(m2mauth_test_server_requests(nullptr, "token") == 0);
}

TEST_CASE("test server: client_secret_jwt and private_key_jwt assertions are verified, a replayed jti is refused") {
  m2mauth_key *k = nullptr;
  REQUIRE_OK(m2mauth_key_generate_ec(&k, "P-256"));
  capi::KeyPtr key(k);
  Buf pub;
  REQUIRE_OK(m2mauth_key_public_pem(pub.out(), key.get()));
  REQUIRE_OK(m2mauth_key_generate_ec(&k, "P-256"));
  capi::KeyPtr other(k);

  Server server;
  server.add("hmac", M2MAUTH_TEST_AUTH_CLIENT_SECRET_JWT, kSecret);
  server.add("pkjwt", M2MAUTH_TEST_AUTH_PRIVATE_KEY_JWT, nullptr, pub.c_str());
  server.start();
  Http http;
  TokenClient hmac(server.url() + "/token", "hmac", http);
  REQUIRE_OK(m2mauth_token_client_set_auth_method(hmac.c, M2MAUTH_AUTH_CLIENT_SECRET_JWT));
  REQUIRE_OK(m2mauth_token_client_set_secret(hmac.c, kSecret));
  REQUIRE_OK(hmac.fetch());
  REQUIRE_OK(hmac.fetch());  // a fresh jti each time

  TokenClient pk(server.url() + "/token", "pkjwt", http);
  REQUIRE_OK(m2mauth_token_client_set_auth_method(pk.c, M2MAUTH_AUTH_PRIVATE_KEY_JWT));
  REQUIRE_OK(m2mauth_token_client_set_private_key(pk.c, key.get()));
  REQUIRE_OK(pk.fetch());

  TokenClient bad(server.url() + "/token", "pkjwt", http);
  REQUIRE_OK(m2mauth_token_client_set_auth_method(bad.c, M2MAUTH_AUTH_PRIVATE_KEY_JWT));
  REQUIRE_OK(m2mauth_token_client_set_private_key(bad.c, other.get()));
  CHECK(bad.fetch() != M2MAUTH_OK);
  CHECK(std::string(m2mauth_error_last()->oauth_error) == "invalid_client");

  // The same assertion twice: the second is a replay.
  m2mauth_claims *c = nullptr;
  REQUIRE_OK(m2mauth_claims_new(&c));
  capi::ClaimsPtr claims(c);
  const std::string aud = server.url() + "/token";
  REQUIRE_OK(m2mauth_claims_set_string(claims.get(), "iss", "pkjwt"));
  REQUIRE_OK(m2mauth_claims_set_string(claims.get(), "sub", "pkjwt"));
  REQUIRE_OK(m2mauth_claims_set_string(claims.get(), "aud", aud.c_str()));
  REQUIRE_OK(m2mauth_claims_set_string(claims.get(), "jti", "one-time"));
  REQUIRE_OK(m2mauth_claims_set_int(claims.get(), "exp", static_cast<int64_t>(time(nullptr)) + 60));
  Buf jwt;
  REQUIRE_OK(m2mauth_jwt_sign(jwt.out(), key.get(), claims.get(), nullptr));
  const std::string body = "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3A"
                           "client-assertion-type%3Ajwt-bearer&client_assertion=" + jwt.str();
  CHECK(status_of(post(server.port(), "/token", body)) == 200);
  std::string replay = post(server.port(), "/token", body);
  CHECK(status_of(replay) == 401);
  CHECK(body_of(replay).find("invalid_client") != std::string::npos);
}

TEST_CASE("test server: fail_next with status, OAuth error and Retry-After, then recovery, stall") {
  Server server;
  server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
  server.start();
  Http http;
  TokenClient client(server.url() + "/token", "svc", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));
  REQUIRE_OK(m2mauth_test_server_fail_next(server.s, 2, 503, "temporarily_unavailable", 7));
  for (int i = 0; i < 2; ++i) {
    CHECK(client.fetch() != M2MAUTH_OK);
    CHECK(m2mauth_error_last()->http_status == 503);
    CHECK(std::string(m2mauth_error_last()->oauth_error) == "temporarily_unavailable");
    CHECK(m2mauth_error_last()->retry_after_ms == 7000);
    CHECK(m2mauth_error_is_transient(m2mauth_error_last()) == 1);
  }
  REQUIRE_OK(client.fetch());
  CHECK(server.count("failed") == 2);
  CHECK(server.count("token") == 3);
  CHECK_STATUS(m2mauth_test_server_fail_next(server.s, 1, 200, nullptr, -1), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_test_server_fail_next(server.s, 1, 500, "bad\"quote", -1), M2MAUTH_EINVAL);

  REQUIRE_OK(m2mauth_test_server_stall(server.s, 1, 300));
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE_OK(client.fetch());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  CHECK(ms >= 290);
  t0 = std::chrono::steady_clock::now();
  REQUIRE_OK(client.fetch());  // only one was stalled
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(280));
  CHECK_STATUS(m2mauth_test_server_stall(server.s, 1, -1), M2MAUTH_EINVAL);
}

TEST_CASE("test server: stop ends a stalled request at once") {
  Server server;
  server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
  server.start();
  REQUIRE_OK(m2mauth_test_server_stall(server.s, 1, 60000));
  const int port = server.port();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    m2mauth_test_server_stop(server.s);
  });
  auto t0 = std::chrono::steady_clock::now();
  post(port, "/token", "grant_type=client_credentials");
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  m2mauth_test_server_stop(server.s);  // idempotent
}

TEST_CASE("test server: JWT access tokens with chosen claims verify with its JWKS, introspection and revoke_all") {
  m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
  o.token_format = M2MAUTH_TEST_TOKEN_JWT;
  o.token_lifetime_s = 120;
  o.extra_claims_json = "{\"tenant\":\"t1\",\"roles\":[\"a\"]}";
  o.audience = "https://api.example";
  Server server(&o);
  server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret, nullptr, "read");
  server.start();
  Http http;
  TokenClient client(server.url() + "/token", "svc", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));
  m2mauth_token *t = nullptr;
  REQUIRE_OK(m2mauth_token_client_fetch(&t, client.c));
  const std::string token = m2mauth_token_access_token(t);
  CHECK(std::string(m2mauth_token_scope(t)) == "read");
  CHECK(m2mauth_token_expires_at(t) - m2mauth_token_issued_at(t) == 120000);
  m2mauth_token_free(t);

  std::string jwks = body_of(raw_exchange(server.port(), "GET /jwks HTTP/1.1\r\nHost: x\r\n\r\n"));
  m2mauth_verifier *v = nullptr;
  REQUIRE_OK(m2mauth_verifier_from_jwks(&v, jwks.c_str(), capi::all_algs()));
  capi::VerifierPtr verifier(v);
  REQUIRE_OK(m2mauth_verifier_set_issuer(v, server.url().c_str()));
  REQUIRE_OK(m2mauth_verifier_add_audience(v, "https://api.example"));
  REQUIRE_OK(m2mauth_verifier_set_typ(v, "at+jwt"));
  m2mauth_claims *c = nullptr;
  REQUIRE_OK(m2mauth_verifier_verify(&c, v, token.c_str()));
  capi::ClaimsPtr claims(c);
  Buf tenant, sub;
  REQUIRE_OK(m2mauth_claims_get_string(tenant.out(), c, "tenant"));
  CHECK(tenant.str() == "t1");
  REQUIRE_OK(m2mauth_claims_get_string(sub.out(), c, "sub"));
  CHECK(sub.str() == "svc");

  const std::string basic = "Authorization: Basic " + [] {
    Buf b;
    std::string creds = std::string("svc:") + kSecret;
    REQUIRE_OK(m2mauth_util_base64url_encode(b.out(), capi::bytes(creds), creds.size()));
    std::string std_b64 = b.str();  // to the standard alphabet, padded
    for (char &ch : std_b64) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    while (std_b64.size() % 4 != 0) std_b64 += '=';
    return std_b64;
  }() + "\r\n";
  std::string active = post(server.port(), "/introspect", "token=" + token, basic);
  CHECK(status_of(active) == 200);
  CHECK(body_of(active).find("\"active\":true") != std::string::npos);
  CHECK(body_of(active).find("\"client_id\":\"svc\"") != std::string::npos);
  CHECK(status_of(post(server.port(), "/introspect", "token=" + token)) == 401);  // introspection needs a client
  m2mauth_test_server_revoke_all(server.s);
  CHECK(body_of(post(server.port(), "/introspect", "token=" + token, basic)) == "{\"active\":false}");
  CHECK(server.count("introspection") == 3);

  std::string meta = body_of(raw_exchange(server.port(), "GET /.well-known/openid-configuration HTTP/1.1\r\n\r\n"));
  CHECK(meta.find("\"token_endpoint\":\"" + server.url() + "/token\"") != std::string::npos);
  CHECK(server.count("discovery") == 1);
  CHECK(server.count("jwks") == 1);
}

TEST_CASE("test server: discovery by the library's own client, and token exchange of a token it issued") {
  Server server;
  server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
  server.start();
  Http http;
  m2mauth_token_client *c = nullptr;
  REQUIRE_OK(m2mauth_token_client_discover(&c, server.url().c_str(), "svc", http.h));
  REQUIRE_OK(m2mauth_token_client_set_secret(c, kSecret));
  m2mauth_token *t = nullptr;
  REQUIRE_OK(m2mauth_token_client_fetch(&t, c));
  const std::string token = m2mauth_token_access_token(t);
  m2mauth_token_free(t);
  m2mauth_token_client_free(c);

  const std::string basic_body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
                                 "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token"
                                 "&client_id=svc&client_secret=x&subject_token=";
  // svc is registered for Basic: the post form is refused before the grant is looked at.
  CHECK(status_of(post(server.port(), "/token", basic_body + token)) == 401);
  server.add("exch", M2MAUTH_TEST_AUTH_CLIENT_SECRET_POST, "x");
  std::string body = basic_body;
  body.replace(body.find("client_id=svc"), 13, "client_id=exch");
  std::string ok = post(server.port(), "/token", body + token);
  CHECK(status_of(ok) == 200);
  CHECK(body_of(ok).find("issued_token_type") != std::string::npos);
  CHECK(status_of(post(server.port(), "/token", body + "unknown")) == 400);
  CHECK(server.count("grant:urn:ietf:params:oauth:grant-type:token-exchange") == 2);
}

TEST_CASE("test server: HTTPS with its certificate, and mTLS tls_client_auth by thumbprint") {
  m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
  o.tls = 1;
  o.request_client_cert = 1;
  Server server(&o);
  m2mauth_key *k = nullptr;
  REQUIRE_OK(m2mauth_key_generate_ec(&k, "P-256"));
  capi::KeyPtr key(k);
  m2mauth_cert *ce = nullptr;
  REQUIRE_OK(m2mauth_cert_self_signed(&ce, key.get(), "svc", 1));
  capi::CertPtr cert(ce);
  Buf thumb, cert_pem, key_pem;
  REQUIRE_OK(m2mauth_cert_fingerprint(thumb.out(), ce, M2MAUTH_HASH_SHA256, M2MAUTH_FP_BASE64URL));
  REQUIRE_OK(m2mauth_cert_pem(cert_pem.out(), ce));
  REQUIRE_OK(m2mauth_key_private_pem(key_pem.out(), key.get(), nullptr));
  m2mauth_test_client tc = M2MAUTH_TEST_CLIENT_INIT;
  tc.client_id = "mtls";
  tc.auth_method = M2MAUTH_TEST_AUTH_TLS_CLIENT_AUTH;
  tc.tls_thumbprint = thumb.c_str();
  REQUIRE_OK(m2mauth_test_server_add_client(server.s, &tc));
  server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
  server.start();
  CHECK(server.url().rfind("https://127.0.0.1:", 0) == 0);
  Buf ca;
  REQUIRE_OK(m2mauth_test_server_ca_pem(ca.out(), server.s));
  CHECK(ca.str().find("-----BEGIN CERTIFICATE-----") == 0);
  const std::string ca_path = "test_server_ca_" + std::to_string(getpid()) + ".pem";
  std::ofstream(ca_path) << ca.str();

  m2mauth_http_options ho = M2MAUTH_HTTP_OPTIONS_INIT;
  ho.ca_file = ca_path.c_str();
  Http trusting(&ho);
  TokenClient svc(server.url() + "/token", "svc", trusting);
  REQUIRE_OK(m2mauth_token_client_set_secret(svc.c, kSecret));
  REQUIRE_OK(svc.fetch());

  Http untrusting;
  TokenClient refused(server.url() + "/token", "svc", untrusting);
  REQUIRE_OK(m2mauth_token_client_set_secret(refused.c, kSecret));
  CHECK_STATUS(refused.fetch(), M2MAUTH_ETLS);

  ho.client_cert = cert_pem.c_str();
  ho.client_key = key_pem.c_str();
  Http with_cert(&ho);
  TokenClient mtls(server.url() + "/token", "mtls", with_cert);
  REQUIRE_OK(m2mauth_token_client_set_auth_method(mtls.c, M2MAUTH_AUTH_SELF_SIGNED_TLS_CLIENT_AUTH));
  REQUIRE_OK(mtls.fetch());
  TokenClient no_cert(server.url() + "/token", "mtls", trusting);
  REQUIRE_OK(m2mauth_token_client_set_auth_method(no_cert.c, M2MAUTH_AUTH_SELF_SIGNED_TLS_CLIENT_AUTH));
  CHECK(no_cert.fetch() != M2MAUTH_OK);
  INFO(std::string(m2mauth_error_last()->message));
  CHECK(std::string(m2mauth_error_last()->oauth_error) == "invalid_client");
  std::remove(ca_path.c_str());
}

TEST_CASE("test server: hostile requests are refused with a status, bounded in size and time") {
  m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
  o.max_body_bytes = 1024;
  o.max_headers = 8;
  o.read_timeout_ms = 300;
  Server server(&o);
  server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
  server.start();
  const int port = server.port();
  CHECK(status_of(post(port, "/token", std::string(1025, 'a'))) == 413);
  std::string many;
  for (int i = 0; i < 9; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  CHECK(status_of(raw_exchange(port, "GET /jwks HTTP/1.1\r\n" + many + "\r\n")) == 431);
  CHECK(status_of(raw_exchange(port, "GET /jwks HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n")) == 431);
  CHECK(status_of(raw_exchange(port, "POST /token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")) == 501);
  CHECK(status_of(raw_exchange(port, "GET /jwks HTTP/9\r\n\r\n")) == 400);
  CHECK(status_of(raw_exchange(port, "GET /jwks HTTP/1.1\r\nbad header\r\n\r\n")) == 400);
  CHECK(status_of(raw_exchange(port, "POST /token HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde")) == 400);
  // A request that never completes is answered 408 once read_timeout_ms has passed.
  auto t0 = std::chrono::steady_clock::now();
  CHECK(status_of(raw_exchange(port, "POST /token HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc")) == 408);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  // "Expect: 100-continue" (libcurl's, for large bodies) gets its interim answer, then the real one.
  {
    int fd = connect_loopback(port);
    const std::string head = "POST /token HTTP/1.1\r\nExpect: 100-continue\r\nContent-Type: "
                             "application/x-www-form-urlencoded\r\nContent-Length: 29\r\n\r\n";
    REQUIRE(send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    CHECK(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0) == "HTTP/1.1 100 Continue\r\n\r\n");
    const std::string body = "grant_type=client_credentials";
    REQUIRE(send(fd, body.data(), body.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(body.size()));
    n = recv(fd, buf, sizeof buf, 0);
    CHECK(status_of(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0)) == 401);  // no client authentication
    close(fd);
  }
  // A repeated form parameter and a wrong content type are invalid_request.
  std::string dup = post(port, "/token", "grant_type=client_credentials&grant_type=client_credentials");
  CHECK(status_of(dup) == 400);
  CHECK(body_of(dup).find("invalid_request") != std::string::npos);
  CHECK(server.count("rejected") == 8);
  CHECK(status_of(raw_exchange(port, "GET /nowhere HTTP/1.1\r\n\r\n")) == 404);
  // Still serving.
  CHECK(status_of(raw_exchange(port, "GET /jwks HTTP/1.1\r\n\r\n")) == 200);
}

TEST_CASE("test server: arguments and options are checked") {
  CHECK_STATUS(m2mauth_test_server_new(nullptr, nullptr), M2MAUTH_EINVAL);
  m2mauth_test_server_options o;
  CHECK_STATUS(m2mauth_test_server_options_init(&o, 3), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_test_server_options_init(&o, 0), M2MAUTH_EINVAL);
  REQUIRE_OK(m2mauth_test_server_options_init(&o, 1));
  CHECK(o.token_lifetime_s == 3600);
  CHECK(o.read_timeout_ms == 5000);
  o.request_client_cert = 1;  // without tls
  m2mauth_test_server *s = nullptr;
  CHECK_STATUS(m2mauth_test_server_new(&s, &o), M2MAUTH_EINVAL);
  CHECK(s == nullptr);
  REQUIRE_OK(m2mauth_test_server_options_init(&o, 1));
  o.extra_claims_json = "[1]";
  CHECK(m2mauth_test_server_new(&s, &o) != M2MAUTH_OK);
  m2mauth_test_client c;
  REQUIRE_OK(m2mauth_test_client_init(&c, 1));
  CHECK(c.auth_method == M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC);
  Server server;
  CHECK_STATUS(m2mauth_test_server_add_client(server.s, &c), M2MAUTH_EINVAL);  // no client_id
  c.client_id = "x";
  CHECK_STATUS(m2mauth_test_server_add_client(server.s, &c), M2MAUTH_EINVAL);  // no secret
  c.auth_method = 99;
  c.secret = "s";
  CHECK_STATUS(m2mauth_test_server_add_client(server.s, &c), M2MAUTH_EINVAL);
  c.auth_method = M2MAUTH_TEST_AUTH_CLIENT_SECRET_JWT;  // a 1-byte HMAC key
  CHECK_STATUS(m2mauth_test_server_add_client(server.s, &c), M2MAUTH_EINVAL);
  c.auth_method = M2MAUTH_TEST_AUTH_PRIVATE_KEY_JWT;
  c.public_key = "not a key";
  CHECK(m2mauth_test_server_add_client(server.s, &c) != M2MAUTH_OK);
  Buf url;
  CHECK_STATUS(m2mauth_test_server_url(url.out(), server.s), M2MAUTH_ESTATE);
  server.start();
  CHECK_STATUS(m2mauth_test_server_start(server.s), M2MAUTH_ESTATE);
  Buf ca;
  REQUIRE_OK(m2mauth_test_server_ca_pem(ca.out(), server.s));
  CHECK(ca.str().empty());
  m2mauth_test_server_free(nullptr);
  m2mauth_test_server_stop(nullptr);
  m2mauth_test_server_revoke_all(nullptr);
}
