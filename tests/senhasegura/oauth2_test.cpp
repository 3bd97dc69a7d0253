// OAuth 2.0 on /iso/oauth2/token: Basic and body client authentication, tenant, the cached token,
// re-fetch after revocation (401 -> retry), 401 after the retry, a refused client.
#include <thread>

#include "a2a_support.hpp"

using namespace m2mauth_test;

TEST_CASE("OAuth 2.0 with Basic (the default) and with body credentials, for both registered clients") {
  A2ACredentials cred = a2a_credentials();
  struct Client {
    std::string id, secret;
  };
  for (const Client &cl : {Client{cred.client_id, cred.client_secret}, Client{cred.special_id, cred.special_secret}}) {
    for (ClientAuth auth : {ClientAuth::client_secret_basic, ClientAuth::client_secret_post}) {
      CAPTURE(cl.id);
      CAPTURE(client_auth_name(auth));
      ServerInfo srv = fresh("a2a");
      A2AConfig c = oauth2_config(srv.str("base_url"));
      c.client_id = cl.id;
      c.client_secret = SecretString(cl.secret);
      c.client_auth = auth;
      A2AClient client(c, plain_transport());
      CHECK(str(client.credential("5").get(), "password") == "secret@2504");
      std::string st = stats(srv);
      CHECK(json_number(st, "token_requests") == 1);
      CHECK(json_number(st, auth == ClientAuth::client_secret_basic ? "token_auth.basic" : "token_auth.body") == 1);
      CHECK(json_number(st, "tokens_issued") == 1);
      CHECK(json_number(st, "requests.oauth2") == 1);
    }
  }
}

TEST_CASE("OAuth 2.0 tenant parameter reaches the token endpoint") {
  ServerInfo srv = fresh("a2a");
  A2AConfig c = oauth2_config(srv.str("base_url"));
  c.tenant = "tenant-42.example";
  A2AClient client(c, plain_transport());
  client.info("10");
  cJSON *st = cJSON_Parse(stats(srv).c_str());
  CHECK(str(st, "last_tenant") == "tenant-42.example");
  cJSON_Delete(st);
}

TEST_CASE("the token is cached: one token request for many calls on many threads") {
  ServerInfo srv = fresh("a2a");
  A2AClient client(oauth2_config(srv.str("base_url")), plain_transport());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i)
        if (str(client.info("10").get(), "content") == "pk_test_51M2mAuTh+/=") ++ok;
    });
  for (auto &t : threads) t.join();
  CHECK(ok == 20);
  std::string st = stats(srv);
  CHECK(json_number(st, "token_requests") == 1);
  CHECK(json_number(st, "requests.oauth2") == 20);
  CHECK(client.token_manager() != nullptr);
}

TEST_CASE("after /_control/revoke the API answers 401: the token is invalidated, re-fetched, the call retried once") {
  ServerInfo srv = fresh("a2a");
  // Declared before the client, so they outlive its manager: the refresh's event may still be running on the
  // manager's thread when the call that caused it has returned.
  std::vector<int> events;
  std::mutex mu;
  A2AClient client(oauth2_config(srv.str("base_url")), plain_transport());
  client.token_manager()->set_event_callback([&](const TokenEvent &e) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(static_cast<int>(e.kind));
  });
  client.credential("5");
  control(srv.str("control_url") + "/revoke", "POST", "{}");
  CHECK(str(client.credential("5").get(), "id") == "5");
  std::string st = stats(srv);
  CHECK(json_number(st, "token_requests") == 2);
  CHECK(json_number(st, "rejected") == 1);
  CHECK(json_number(st, "requests.oauth2") == 2);
  std::lock_guard<std::mutex> lock(mu);
  CHECK(std::count(events.begin(), events.end(), static_cast<int>(TokenEventKind::invalidated)) == 1);
}

TEST_CASE("401 after the retry is Errc::unauthorized (tokens from another server are never accepted)") {
  ServerInfo srv = fresh("a2a");
  ServerInfo fault = plain_servers()["fault"];
  control(fault.str("control_url") + "/reset", "POST", "{}");
  A2AConfig c;
  c.base_url = srv.str("base_url");
  c.client_id = "svc-basic";
  c.client_secret = SecretString(client_field("svc-basic", "client_secret"));
  c.token_url = fault.str("token_endpoint");
  A2AClient client(c, plain_transport());
  Error e = error_of([&] { client.credential("5"); });
  CHECK(e.code() == Errc::unauthorized);
  CHECK(e.detail().http_status == 401);
  CHECK(e.detail().vendor_code == 401);
  CHECK_FALSE(e.transient());
  CHECK(std::string(e.what()).find("GET /iso/pam/credential/5") != std::string::npos);
  CHECK(json_number(stats(fault), "token_requests") == 2);
  CHECK(json_number(stats(srv), "rejected") == 2);
}

TEST_CASE("a wrong client secret: Errc::oauth invalid_client from the token endpoint, no secret in the message") {
  ServerInfo srv = fresh("a2a");
  for (ClientAuth auth : {ClientAuth::client_secret_basic, ClientAuth::client_secret_post}) {
    A2AConfig c = oauth2_config(srv.str("base_url"));
    c.client_secret = SecretString("wrong-" + a2a_credentials().client_secret);
    c.client_auth = auth;
    A2AClient client(c, plain_transport());
    Error e = error_of([&] { client.credential("5"); });
    CHECK(e.code() == Errc::oauth);
    CHECK(e.detail().oauth_error == "invalid_client");
    CHECK(e.detail().http_status == 401);
    check_no_secret(e.what());
    check_no_secret(e.detail().oauth_error_description);
  }
}

TEST_CASE("query and OAuth 1.0 with wrong credentials: Errc::unauthorized at once, no secret in the message") {
  ServerInfo srv = fresh("a2a");
  for (A2AAuth auth : {A2AAuth::oauth1, A2AAuth::query}) {
    A2AConfig c = oauth1_config(srv.str("base_url"), auth);
    c.token_secret = SecretString("wrong-token-secret-value");
    if (auth == A2AAuth::query) c.token = SecretString("wrong-token-value-123");
    A2AClient client(c, plain_transport());
    Error e = error_of([&] { client.info("10"); });
    CHECK(e.code() == Errc::unauthorized);
    CHECK(e.detail().http_status == 401);
    std::string msg = e.what();
    CHECK(msg.find("wrong-token") == std::string::npos);
    check_no_secret(msg);
  }
  CHECK(json_number(stats(srv), "rejected") == 2);
}
