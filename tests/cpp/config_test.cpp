// Config through m2mauth.hpp: JSON, describe (secrets redacted), values, and the objects it builds,
// used against the loopback servers.
#include <doctest/doctest.h>

#include <string>

#include "wrapper_support.hpp"

using namespace m2mauth;
using namespace m2mauth_test;
using cpptest::error_of;

namespace {

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

}  // namespace

TEST_CASE("Config: from JSON, describe without secrets, values, unknown keys refused") {
  Config c = Config::from_json(R"({"oauth2": {"token_url": "https://as.example/t", "client_id": "cfg-id",
      "client_secret": "Zq9-config-secret", "scope": "api.read"}, "http": {"timeout_ms": 1500}})");
  CHECK(c.has("oauth2"));
  CHECK(!c.has("senhasegura"));
  CHECK(c.get_value("oauth2.client_id") == std::optional<std::string>("cfg-id"));
  CHECK(c.get_value("http.timeout_ms") == std::optional<std::string>("1500"));
  CHECK(!c.get_value("oauth2.audience"));
  std::string described = c.describe();
  CHECK(described.find("cfg-id") != std::string::npos);
  CHECK(described.find("Zq9-config-secret") == std::string::npos);
  CHECK(described.find("<redacted>") != std::string::npos);
  Error e = error_of([] { Config::from_json(R"({"oauth2": {"tokn_url": "x"}})"); });
  CHECK(e.errc() == Errc::config);
  CHECK(e.message().find("oauth2.tokn_url") != std::string::npos);
}

TEST_CASE("Config: the token client, manager and HTTP transport it builds work against the servers") {
  const auto oidc = cpptest::servers()["oidc"];
  const auto fault = cpptest::servers()["fault"];
  Config c = Config::from_json(R"({"http": {"timeout_ms": 10000}, "oauth2": {"token_url": )" +
                               quoted(oidc.str("token_endpoint")) + R"(, "client_id": "svc-basic", "client_secret": )" +
                               quoted(client_field("svc-basic", "client_secret")) + R"(, "scope": "api.read"}})");
  Http http = c.http();
  CHECK(http.send(Request("GET", fault.str("echo_url") + "/cfg")).status() == 200);
  TokenClient client = c.token_client(&http);
  CHECK(client.fetch().scope() == "api.read");
  TokenManager manager = c.token_manager();
  CHECK(manager.get_token().access_token.size() > 10);
  CHECK(error_of([&] { c.a2a_client(); }).errc() == Errc::config);
}
