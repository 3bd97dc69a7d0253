// The A2A client against hostile input: identifiers are one URL path segment ("", "." and ".." refused,
// "/" "?" "#" "%" encoded), vendor messages that echo the request's credentials are redacted, vendor
// codes are decimal digits only.
#include "a2a_support.hpp"
#include "senhasegura/senhasegura_impl.hpp"

using namespace m2mauth_test;

namespace {

int query_requests(const ServerInfo &srv) {
  Json s = parse(stats(srv));
  const cJSON *requests = cJSON_GetObjectItemCaseSensitive(s.get(), "requests");
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(requests, "query");
  return cJSON_IsNumber(n) ? static_cast<int>(n->valuedouble) : 0;
}

Response response(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/json"}};
  return r;
}

std::int64_t vendor_code_of(const std::string &code_json) {
  A2AContext ctx;
  ctx.method = "GET";
  ctx.path = "/iso/pam/info/1";
  std::string body = R"({"response":{"status":400,"error":true},"exception":{"code":)" + code_json +
                     R"(,"message":"failed"}})";
  return error_of([&] { a2a_parse_response(response(400, body), ctx); }).detail().vendor_code;
}

}  // namespace

TEST_CASE("an identifier is one path segment: empty, \".\" and \"..\" are refused before anything is sent") {
  ServerInfo srv = fresh("a2a");
  A2AClient client(config_for(A2AAuth::query, srv.str("base_url")), plain_transport());
  for (const char *id : {"", ".", ".."}) {
    CAPTURE(id);
    for (Error e : {error_of([&] { client.info(id); }), error_of([&] { client.credential(id); }),
                    error_of([&] { client.ssh_key(id); })}) {
      CHECK(e.code() == Errc::invalid_argument);
      CHECK(std::string(e.what()).find("path segment") != std::string::npos);
    }
  }
  CHECK(error_of([&] { client.call("GET", "pam/info/.."); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { client.call("GET", "pam/./info"); }).code() == Errc::invalid_argument);
  CHECK(query_requests(srv) == 0);  // nothing reached the server

  // Reserved characters stay inside their segment: "a/.." is one (unknown) id, not a way up.
  Error up = error_of([&] { client.info("a/.."); });
  CHECK(up.code() == Errc::vendor);
  CHECK(up.detail().vendor_code == 1023);
  CHECK(stats(srv).find("GET /iso/pam/info/a%2F..") != std::string::npos);
  CHECK(client.info("10") != nullptr);
  CHECK(query_requests(srv) == 2);
}

TEST_CASE("path segments are percent-encoded (RFC 3986 unreserved, \":\" and \"@\" kept)") {
  CHECK(a2a::encode_path({"pam", "info", "a/b?c#d%e f"}) == "/iso/pam/info/a%2Fb%3Fc%23d%25e%20f");
  CHECK(a2a::encode_path({"pam", "credential", "dbadmin@db01.example.test"}) == "/iso/pam/credential/dbadmin@db01.example.test");
  CHECK(a2a::encode_path({"pam", "info", "..."}) == "/iso/pam/info/...");
  CHECK(a2a::encode_path({"pam", "info", "%2e%2e"}) == "/iso/pam/info/%252e%252e");
  CHECK(a2a::encode_path({"pam", "info", "\xc3\xa9"}) == "/iso/pam/info/%C3%A9");
  for (const char *bad : {"", ".", ".."})
    CHECK(error_of([&] { a2a::encode_path({"pam", "info", bad}); }).code() == Errc::invalid_argument);
}

TEST_CASE("a vendor message that echoes the request's credentials is redacted, for every method") {
  for (A2AAuth auth : {A2AAuth::oauth2, A2AAuth::oauth1, A2AAuth::query}) {
    CAPTURE(a2a_auth_name(auth));
    ServerInfo srv = fresh("a2a");
    A2AClient client(config_for(auth, srv.str("base_url")), plain_transport());
    Error e = error_of([&] { client.call("GET", "test/echo"); });
    CHECK(e.code() == Errc::vendor);
    CHECK(e.detail().vendor_code == 9999);
    std::string msg = e.what();
    CAPTURE(msg);
    check_no_secret(msg);
    CHECK(msg.find("<redacted>") != std::string::npos);
    if (auth == A2AAuth::oauth2) {
      std::string token(client.token_manager()->get().access_token);
      CHECK(msg.find(token) == std::string::npos);
      CHECK(msg.find(token.substr(token.size() - 20)) == std::string::npos);
    }
  }
}

TEST_CASE("vendor codes are decimal digits or JSON integers, 0 to 999999999; anything else is no code") {
  CHECK(vendor_code_of("1023") == 1023);
  CHECK(vendor_code_of("\"1023\"") == 1023);
  CHECK(vendor_code_of("\"0x10\"") == 0);
  CHECK(vendor_code_of("\"+5\"") == 0);
  CHECK(vendor_code_of("\" 5\"") == 0);
  CHECK(vendor_code_of("\"5.0\"") == 0);
  CHECK(vendor_code_of("\"1e3\"") == 0);
  CHECK(vendor_code_of("\"99999999999999999999\"") == 0);
  CHECK(vendor_code_of("-5") == 0);
  CHECK(vendor_code_of("1.5") == 0);
  CHECK(vendor_code_of("1e12") == 0);
}
