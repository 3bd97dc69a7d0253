// The three authentication methods, GET and POST, typed helpers and the generic call.
#include "a2a_support.hpp"

using namespace m2mauth_test;

namespace {

const A2AAuth kMethods[] = {A2AAuth::oauth2, A2AAuth::oauth1, A2AAuth::query};

}  // namespace

TEST_CASE("each method reads a credential by id and by username@hostname; the emulator saw that method") {
  for (A2AAuth auth : kMethods) {
    CAPTURE(a2a_auth_name(auth));
    ServerInfo srv = fresh("a2a");
    A2AClient client(config_for(auth, srv.str("base_url")), plain_transport());
    SecretJson cred = client.credential("5");
    CHECK(str(cred.get(), "id") == "5");
    CHECK(str(cred.get(), "username") == "credential_5");
    CHECK(str(cred.get(), "password") == "secret@2504");
    SecretJson by_name = client.credential("dbadmin@db01.example.test");
    CHECK(str(by_name.get(), "id") == "6");
    CHECK(str(by_name.get(), "password") == "Db!p@ss+6 %20&x=\xc3\xa9");
    std::string st = stats(srv);
    CHECK(json_number(st, std::string("requests.") + a2a_auth_name(auth)) == 2);
    CHECK(json_number(st, "rejected") == 0);
    CHECK(json_number(st, "by_path.GET /iso/pam/credential/5") == 1);
    CHECK(json_number(st, "token_requests") == (auth == A2AAuth::oauth2 ? 1 : 0));
  }
}

TEST_CASE("each method POSTs a form body (OAuth 1.0 signs it) and DELETEs") {
  for (A2AAuth auth : kMethods) {
    CAPTURE(a2a_auth_name(auth));
    ServerInfo srv = fresh("a2a");
    A2AClient client(config_for(auth, srv.str("base_url")), plain_transport());
    Json params = parse(R"({"username":"svc deploy","password":"n3w P@ss&x=1+2","hostname":"app01.example.test","port":2222})");
    SecretJson created = client.call("POST", "pam/credential", params.get());
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(created.get(), "credential");
    std::string id = str(c, "id");
    REQUIRE(!id.empty());
    SecretJson back = client.credential(id);
    CHECK(str(back.get(), "username") == "svc deploy");
    CHECK(str(back.get(), "password") == "n3w P@ss&x=1+2");
    CHECK(str(back.get(), "port") == "2222");
    SecretJson deleted = client.call("delete", "/iso/pam/credential/" + id);
    CHECK(json_number(json_print(deleted.get()), "response.status") == 200);
    CHECK(error_of([&] { client.credential(id); }).detail().vendor_code == 1010);
    std::string st = stats(srv);
    CHECK(json_number(st, std::string("requests.") + a2a_auth_name(auth)) == 4);
    CHECK(json_number(st, "by_path.POST /iso/pam/credential") == 1);
    CHECK(json_number(st, "by_path.DELETE /iso/pam/credential/" + id) == 1);
  }
}

TEST_CASE("typed helpers: protected information, SSH key, DSM application") {
  for (A2AAuth auth : kMethods) {
    CAPTURE(a2a_auth_name(auth));
    ServerInfo srv = fresh("a2a");
    A2AClient client(config_for(auth, srv.str("base_url")), plain_transport());
    CHECK(str(client.info("10").get(), "content") == "pk_test_51M2mAuTh+/=");
    SecretJson key = client.ssh_key("7");
    CHECK(str(key.get(), "private_key").rfind("-----BEGIN OPENSSH PRIVATE KEY-----", 0) == 0);
    CHECK(str(key.get(), "public_key").rfind("ssh-ed25519 ", 0) == 0);
    SecretJson app = client.dsm_application();
    CHECK(str(app.get(), "name") == "m2mauth-demo");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(app.get(), "secrets"), 0), "data");
    CHECK(str(cJSON_GetArrayItem(data, 1), "DB_PASSWORD") == "dsm-s3cret");
    SecretJson devices = client.call("GET", "pam/device");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(devices.get(), "devices")) == 1);
  }
}

TEST_CASE("query method: oauth_consumer_key and oauth_token come first in the URL, GET arguments after, POST arguments in the body") {
  ServerInfo fault = plain_servers()["fault"];
  A2ACredentials cred = a2a_credentials();
  // The fault server's /echo answers 200 with what it received: base_url .../echo makes the A2A paths
  // /echo/iso/... so the request can be seen exactly as sent.
  A2AClient client(oauth1_config(fault.str("url") + "/echo", A2AAuth::query), plain_transport());
  Json params = parse(R"({"b":"2 3","a":"x&y"})");
  SecretJson get = client.call("GET", "pam/credential", params.get());
  CHECK(str(get.get(), "path") == "/echo/iso/pam/credential");
  CHECK(str(get.get(), "raw_query") == "oauth_consumer_key=" + cred.consumer_key + "&oauth_token=" + cred.token + "&b=2%203&a=x%26y");
  SecretJson post = client.call("POST", "pam/credential", params.get());
  CHECK(str(post.get(), "raw_query") == "oauth_consumer_key=" + cred.consumer_key + "&oauth_token=" + cred.token);
  CHECK(str(post.get(), "body") == "b=2+3&a=x%26y");
  const cJSON *headers = cJSON_GetObjectItemCaseSensitive(post.get(), "headers");
  CHECK(str(headers, "Content-Type") == "application/x-www-form-urlencoded");
}

TEST_CASE("OAuth 1.0: HMAC-SHA1 header with oauth_version, no credentials in the URL") {
  ServerInfo fault = plain_servers()["fault"];
  A2AClient client(oauth1_config(fault.str("url") + "/echo"), plain_transport());
  SecretJson echo = client.call("GET", "pam/info/10");
  const cJSON *headers = cJSON_GetObjectItemCaseSensitive(echo.get(), "headers");
  std::string auth = str(headers, "Authorization");
  CHECK(auth.rfind("OAuth ", 0) == 0);
  CHECK(auth.find("oauth_signature_method=\"HMAC-SHA1\"") != std::string::npos);
  CHECK(auth.find("oauth_version=\"1.0\"") != std::string::npos);
  CHECK(str(echo.get(), "raw_query").empty());
  A2ACredentials cred = a2a_credentials();
  CHECK(auth.find("oauth_token=\"" + cred.token + "\"") != std::string::npos);
  for (const std::string &secret : {cred.consumer_secret, cred.token_secret})  // the HMAC key, never sent
    CHECK(auth.find(percent_encode(secret)) == std::string::npos);
}

TEST_CASE("generic call: arguments, paths and values are checked before anything is sent") {
  A2AClient client(oauth1_config("https://vault.example.test"), plain_transport());
  Json params = parse(R"({"id":5,"active":true,"ratio":0.5,"name":"a b"})");
  Request req = client.build_request("get", "iso/pam/credential/a b@host/x", params.get());
  CHECK(req.method == "GET");
  CHECK(req.url == "https://vault.example.test/iso/pam/credential/a%20b@host/x?id=5&active=true&ratio=0.5&name=a%20b");
  CHECK(req.header("Authorization") == nullptr);
  Request post = client.build_request("PUT", "pam/key/7", params.get());
  CHECK(post.url == "https://vault.example.test/iso/pam/key/7");
  CHECK(post.body == "id=5&active=true&ratio=0.5&name=a+b");
  // A trailing "/iso" or "/" of base_url is dropped.
  A2AClient iso(oauth1_config("https://vault.example.test/iso/"), plain_transport());
  CHECK(iso.build_request("GET", "pam/device", nullptr).url == "https://vault.example.test/iso/pam/device");
  for (const char *bad : {"", "pam", "/iso/pam", "pam//x", "pam/../x", "pam/./x"})
    CHECK(error_of([&] { client.build_request("GET", bad, nullptr); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { client.build_request("PATCH", "pam/x", nullptr); }).code() == Errc::invalid_argument);
  Json nested = parse(R"({"a":{"b":1}})");
  CHECK(error_of([&] { client.build_request("GET", "pam/x", nested.get()); }).code() == Errc::invalid_argument);
  Json array = parse("[1]");
  CHECK(error_of([&] { client.build_request("GET", "pam/x", array.get()); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { client.credential(""); }).code() == Errc::invalid_argument);
}

TEST_CASE("configuration errors name what is missing") {
  auto t = plain_transport();
  A2AConfig c = oauth2_config("https://vault.example.test");
  c.client_secret = SecretString();
  CHECK(error_of([&] { A2AClient x(c, t); }).code() == Errc::config);
  c = oauth2_config("https://vault.example.test");
  c.client_auth = ClientAuth::private_key_jwt;
  CHECK(error_of([&] { A2AClient x(c, t); }).code() == Errc::config);
  A2AConfig q = oauth1_config("https://vault.example.test", A2AAuth::query);
  q.token = SecretString();
  Error e = error_of([&] { A2AClient x(q, t); });
  CHECK(e.code() == Errc::config);
  CHECK(std::string(e.what()).find("token") != std::string::npos);
  A2AConfig nobase = oauth2_config("");
  CHECK(error_of([&] { A2AClient x(nobase, t); }).code() == Errc::config);
  CHECK(error_of([&] { A2AClient x(oauth2_config("ftp://x"), t); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { A2AClient x(oauth2_config("https://x/?q=1"), t); }).code() == Errc::config);
  CHECK(error_of([&] { A2AClient x(oauth2_config("https://x"), nullptr); }).code() == Errc::invalid_argument);
  CHECK(a2a_auth_from_name("query") == A2AAuth::query);
  CHECK(error_of([&] { a2a_auth_from_name("basic"); }).code() == Errc::invalid_argument);
}

TEST_CASE("plain http to a host that is not loopback is refused by the transport") {
  A2AClient client(oauth1_config("http://vault.example.test", A2AAuth::query), plain_transport());
  CHECK(error_of([&] { client.credential("5"); }).code() == Errc::insecure);
}
