// The core's builders (README "Threads"): setters check their values, the first use freezes the
// object, and every setter afterwards throws Error(state) naming the object and the setter while the
// built object keeps working. Transports here answer from memory (no network).
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/jwt.hpp"
#include "m2mauth/core/oauth1.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/senhasegura.hpp"
#include "m2mauth/core/token_manager.hpp"

using namespace m2mauth::core;

namespace {

Error error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e;
  }
  FAIL("no error");
  return Error(Errc::ok, "");
}

void check_frozen(const char *object, const std::vector<std::pair<const char *, std::function<void()>>> &setters) {
  for (const auto &[name, call] : setters) {
    INFO(object << " " << name);
    Error e = error_of(call);
    CHECK(e.code() == Errc::state);
    CHECK(std::string(e.what()) == std::string(object) + ": " + name + " after first use");
  }
}

struct Canned final : Transport {
  int status;
  std::string body;
  int calls = 0;
  Canned(int s, std::string b) : status(s), body(std::move(b)) {}
  Response send(const Request &, const CallOptions &) override {
    ++calls;
    Response r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = body;
    return r;
  }
};

}  // namespace

TEST_CASE("enums given as numbers are checked next to the enums") {
  CHECK(client_auth_from_int(4) == ClientAuth::private_key_jwt);
  CHECK(error_of([] { client_auth_from_int(0); }).code() == Errc::invalid_argument);
  CHECK(error_of([] { client_auth_from_int(8); }).code() == Errc::invalid_argument);
  CHECK(grant_from_int(2) == Grant::jwt_bearer);
  CHECK(error_of([] { grant_from_int(3); }).code() == Errc::invalid_argument);
  CHECK(a2a_auth_from_int(3) == A2AAuth::query);
  CHECK(error_of([] { a2a_auth_from_int(4); }).code() == Errc::invalid_argument);
  CHECK(oauth1_method_from_int(5) == Oauth1Method::plaintext);
  CHECK(error_of([] { oauth1_method_from_int(6); }).code() == Errc::algorithm);
  CHECK(oauth1_placement_from_int(3) == Oauth1Placement::body);
  CHECK(error_of([] { oauth1_placement_from_int(0); }).code() == Errc::invalid_argument);
  CHECK(alg_or_default_from_int(0) == 0);
  CHECK(alg_or_default_from_int(alg_count) == alg_count);
  CHECK(error_of([] { alg_or_default_from_int(alg_count + 1); }).code() == Errc::algorithm);
  CHECK(cert_members_from_bits(7) == 7);
  CHECK(error_of([] { cert_members_from_bits(8); }).code() == Errc::invalid_argument);
}

TEST_CASE("TokenClientBuilder: checked setters, frozen by client(), the client still fetches") {
  auto t = std::make_shared<Canned>(200, R"({"access_token":"core-frozen-0123456789","token_type":"Bearer","expires_in":60})");
  CHECK(error_of([&] { TokenClientBuilder("not a url", "id", t); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { TokenClientBuilder("https://as.test/token", "", t); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { TokenClientBuilder("https://as.test/token", "id", nullptr); }).code() == Errc::invalid_argument);
  TokenClientBuilder b("https://as.test/token", "id", t);
  AssertionOptions bad;
  bad.lifetime_s = 9;
  CHECK(error_of([&] { b.set_assertion(bad); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { b.set_default_expires_in(0); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { b.add_param("", "v"); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { b.client(); }).code() == Errc::config);  // basic without a secret: still open
  CHECK_FALSE(b.frozen());
  b.set_secret(SecretString(std::string("core-secret")));
  b.set_scope("s1");
  auto c = b.client();
  CHECK(b.frozen());
  CHECK(b.client().get() == c.get());
  check_frozen("token client", {{"set_auth_method", [&] { b.set_auth_method(ClientAuth::client_secret_post); }},
                                {"set_secret", [&] { b.set_secret(SecretString(std::string("x"))); }},
                                {"set_private_key", [&] { b.set_private_key(Key::generate_ec(Curve::p256)); }},
                                {"set_grant", [&] { b.set_grant(Grant::jwt_bearer); }},
                                {"set_subject", [&] { b.set_subject("s"); }},
                                {"set_scope", [&] { b.set_scope("s2"); }},
                                {"set_audience", [&] { b.set_audience("a"); }},
                                {"add_resource", [&] { b.add_resource("r"); }},
                                {"add_param", [&] { b.add_param("n", "v"); }},
                                {"set_assertion", [&] { b.set_assertion({}); }},
                                {"set_default_expires_in", [&] { b.set_default_expires_in(10); }},
                                {"set_clock", [&] { b.set_clock(nullptr); }}});
  CHECK(c->fetch().scope == "s1");
  CHECK(t->calls == 1);
}

TEST_CASE("A2AClientBuilder: checked setters, frozen by client(), the client still calls") {
  auto t = std::make_shared<Canned>(200, R"({"response":{"status":200,"message":"OK","error":false}})");
  A2AClientBuilder b("https://vault.test", t);
  CHECK(error_of([&] { b.set_client_auth(ClientAuth::private_key_jwt); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { b.set_oauth1_credentials({"k", {}, {}, {}}); }).code() == Errc::invalid_argument);
  CHECK(error_of([&] { b.set_decryption_key(Key::generate_ec(Curve::p256)); }).code() == Errc::key_type);
  b.set_auth_method(A2AAuth::query);
  b.set_oauth1_credentials({"k", {}, SecretString(std::string("query-token")), {}});
  auto c = b.client();
  check_frozen("A2A client", {{"set_auth_method", [&] { b.set_auth_method(A2AAuth::oauth1); }},
                              {"set_oauth2_client", [&] { b.set_oauth2_client("i", SecretString(std::string("s"))); }},
                              {"set_client_auth", [&] { b.set_client_auth(ClientAuth::client_secret_post); }},
                              {"set_tenant", [&] { b.set_tenant("t"); }},
                              {"set_token_url", [&] { b.set_token_url("https://vault.test/t"); }},
                              {"set_manager_options", [&] { b.set_manager_options({}); }},
                              {"set_oauth1_credentials", [&] { b.set_oauth1_credentials({"k", {}, SecretString(std::string("t")), {}}); }},
                              {"set_decryption_key", [&] { b.set_decryption_key(std::nullopt); }},
                              {"set_clock", [&] { b.set_clock(nullptr); }}});
  c->call("GET", "pam/info/1");
  CHECK(t->calls == 1);
}

TEST_CASE("VerifierBuilder and Oauth1SignerBuilder: frozen by first use, still working") {
  Key key = Key::generate_hmac(32);
  std::string token = jwt_sign_json(key, R"({"iss":"me"})", {});
  VerifierBuilder v(Verifier(key, alg_bit(Alg::hs256)));
  v.set_issuer("me");
  CHECK(v.verifier().verify(token).get_string("iss") == "me");
  check_frozen("verifier", {{"set_issuer", [&] { v.set_issuer("x"); }},
                            {"set_subject", [&] { v.set_subject("x"); }},
                            {"add_audience", [&] { v.add_audience("x"); }},
                            {"require_claim", [&] { v.require_claim("x"); }},
                            {"set_typ", [&] { v.set_typ("JWT"); }},
                            {"set_leeway", [&] { v.set_leeway(1); }},
                            {"set_max_size", [&] { v.set_max_size(100); }},
                            {"set_clock", [&] { v.set_clock(nullptr); }}});
  CHECK(v.verifier().verify(token).get_string("iss") == "me");

  Oauth1SignerBuilder s("ck");
  CHECK(error_of([&] { s.add_param("not_oauth", "1"); }).code() == Errc::invalid_argument);
  s.set_fixed_nonce(std::string("n"));
  s.set_fixed_timestamp(1);
  Request r{"GET", "https://api.test/x", {}, {}};
  s.signer().sign(r);
  check_frozen("OAuth 1.0 signer", {{"set_consumer_secret", [&] { s.set_consumer_secret({}); }},
                                    {"set_token", [&] { s.set_token(std::nullopt, {}); }},
                                    {"set_rsa_key", [&] { s.set_rsa_key(std::nullopt); }},
                                    {"set_method", [&] { s.set_method(Oauth1Method::plaintext); }},
                                    {"set_placement", [&] { s.set_placement(Oauth1Placement::query); }},
                                    {"set_realm", [&] { s.set_realm(std::nullopt); }},
                                    {"set_include_version", [&] { s.set_include_version(false); }},
                                    {"set_callback", [&] { s.set_callback(std::nullopt); }},
                                    {"set_verifier", [&] { s.set_verifier(std::nullopt); }},
                                    {"add_param", [&] { s.add_param("oauth_x", "1"); }},
                                    {"clear_params", [&] { s.clear_params(); }},
                                    {"set_clock", [&] { s.set_clock(nullptr); }},
                                    {"set_fixed_nonce", [&] { s.set_fixed_nonce(std::nullopt); }},
                                    {"set_fixed_timestamp", [&] { s.set_fixed_timestamp(std::nullopt); }},
                                    {"set_body_hash", [&] { s.set_body_hash(true); }}});
  Request r2{"GET", "https://api.test/x", {}, {}};
  s.signer().sign(r2);
  CHECK(*r2.header("Authorization") == *r.header("Authorization"));
}

TEST_CASE("OAuth 1.0 body hash: base64 SHA-1 of a non-form body, signed as a protocol parameter") {
  Request json{"POST", "https://api.test/x", {{"Content-Type", "application/json"}}, "{\"a\":1}"};
  Request form{"POST", "https://api.test/x", {{"Content-Type", "application/x-www-form-urlencoded"}}, "a=1"};
  Request untyped{"POST", "https://api.test/x", {}, "raw"};
  Request empty{"POST", "https://api.test/x", {{"Content-Type", "application/json"}}, ""};
  // SHA-1 of "" is 2jmj7l5rSw0yVb/vlWAYkK/YBwk=; of "abc" qZk+NkcGgWq6PiVxeFDCbJzQ2J0=.
  Request abc{"PUT", "https://api.test/x", {{"Content-Type", "text/plain"}}, "abc"};
  CHECK(oauth1_body_hash(abc) == std::optional<std::string>("qZk+NkcGgWq6PiVxeFDCbJzQ2J0="));
  CHECK(oauth1_body_hash(json).has_value());
  CHECK_FALSE(oauth1_body_hash(form).has_value());
  CHECK_FALSE(oauth1_body_hash(untyped).has_value());
  CHECK_FALSE(oauth1_body_hash(empty).has_value());

  Oauth1Config c;
  c.consumer_key = "ck";
  c.fixed_nonce = "n";
  c.fixed_timestamp = 1;
  c.body_hash = true;
  Oauth1Signer on(c);
  c.body_hash = false;
  Oauth1Signer off(c);
  c.extra_params.emplace_back("oauth_body_hash", *oauth1_body_hash(abc));
  Oauth1Signer by_hand(c);  // what the option must equal: the hash as an extra protocol parameter
  CHECK(on.base_string(abc, "n", 1) == by_hand.base_string(abc, "n", 1));
  CHECK(on.base_string(abc, "n", 1).find("oauth_body_hash%3DqZk%252BNkcGgWq6PiVxeFDCbJzQ2J0%253D") != std::string::npos);
  CHECK(off.base_string(abc, "n", 1).find("oauth_body_hash") == std::string::npos);
  CHECK(on.base_string(form, "n", 1) == off.base_string(form, "n", 1));
  Request a = abc, b = abc;
  on.sign(a);
  by_hand.sign(b);
  CHECK(*a.header("Authorization") == *b.header("Authorization"));
  CHECK(a.header("Authorization")->find("oauth_body_hash=\"qZk%2BNkcGgWq6PiVxeFDCbJzQ2J0%3D\"") != std::string::npos);
  Oauth1Config twice = c;
  twice.body_hash = true;
  CHECK(error_of([&] { Oauth1Signer{twice}; }).code() == Errc::invalid_argument);
}
