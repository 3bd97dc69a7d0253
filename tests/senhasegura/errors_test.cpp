// Every error code of the emulator mapped to Errc::vendor with its code, status and message, for each
// authentication method, and never a secret in a message.
#include "a2a_support.hpp"

using namespace m2mauth_test;

namespace {

struct Case {
  const char *method;
  const char *path;
  const char *params;
  std::int64_t code;
  const char *text;
};

const Case kCases[] = {
    {"GET", "pam/device/2", nullptr, 1011, "Device not found"},
    {"GET", "pam/info/999", nullptr, 1023, "Information not found"},
    {"GET", "pam/info/1024", nullptr, 1024, "Inactive information"},
    {"GET", "pam/info/1026", nullptr, 1026, "Content missing"},
    {"POST", "pam/info", R"({"name":"no content"})", 1026, "Content missing"},
    {"POST", "pam/credential", R"({"username":"u"})", 1026, "Content missing: password"},
    {"GET", "pam/credential/999", nullptr, 1010, "Credential not found"},
    {"GET", "pam/credential/nobody@nowhere.example", nullptr, 1010, "Credential not found"},
    {"GET", "pam/key/999", nullptr, 1030, "SSH key not found"},
    {"DELETE", "pam/info/999", nullptr, 1023, "Information not found"},
};

}  // namespace

TEST_CASE("vendor error codes: Errc::vendor with vendor_code, HTTP 400, the vendor's message, not transient") {
  for (A2AAuth auth : {A2AAuth::oauth2, A2AAuth::oauth1, A2AAuth::query}) {
    ServerInfo srv = fresh("a2a");
    A2AClient client(config_for(auth, srv.str("base_url")), plain_transport());
    for (const Case &c : kCases) {
      CAPTURE(a2a_auth_name(auth));
      CAPTURE(c.path);
      Json params = c.params != nullptr ? parse(c.params) : Json();
      Error e = error_of([&] { client.call(c.method, c.path, params.get()); });
      CHECK(e.code() == Errc::vendor);
      CHECK(e.detail().vendor_code == c.code);
      CHECK(e.detail().http_status == 400);
      CHECK_FALSE(e.transient());
      std::string msg = e.what();
      CHECK(msg.find(std::to_string(c.code) + ": " + c.text) != std::string::npos);
      CHECK(msg.find(std::string(c.method) + " /iso/" + c.path) != std::string::npos);
      check_no_secret(msg);
    }
    // Typed helpers report the same.
    CHECK(error_of([&] { client.info("1024"); }).detail().vendor_code == 1024);
    CHECK(error_of([&] { client.ssh_key("8"); }).detail().vendor_code == 1030);
    CHECK(error_of([&] { client.credential("0"); }).detail().vendor_code == 1010);
  }
}

TEST_CASE("an unknown function is a vendor error with the envelope's code 404") {
  ServerInfo srv = fresh("a2a");
  A2AClient client(config_for(A2AAuth::query, srv.str("base_url")), plain_transport());
  Error e = error_of([&] { client.call("GET", "pam/nothing"); });
  CHECK(e.code() == Errc::vendor);
  CHECK(e.detail().http_status == 404);
  CHECK(e.detail().vendor_code == 404);
  CHECK(std::string(e.what()).find("Function not found") != std::string::npos);
}

TEST_CASE("an error status without the envelope is Errc::http") {
  ServerInfo fault = plain_servers()["fault"];
  // The fault server answers 404 {"error":"not_found"} (no A2A envelope) to paths it does not know.
  A2AClient client(config_for(A2AAuth::query, fault.str("url")), plain_transport());
  Error e = error_of([&] { client.call("GET", "pam/credential"); });
  CHECK(e.code() == Errc::http);
  CHECK(e.detail().http_status == 404);
  CHECK(e.detail().vendor_code == 0);
  check_no_secret(e.what());
}
