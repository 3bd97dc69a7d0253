// Checks m2mauth.hpp on its own: it compiles with -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror
// (CMake builds this file with those flags) and its RAII classes, errors and results behave. The
// Python module binds the same wrapper; this program is the wrapper's own test, without Python.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <cstdlib>
#include <string>
#include <utility>

#include "m2mauth/m2mauth.hpp"

namespace {

int failures = 0;

void expect(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

template <typename F>
void expect_error(F &&f, m2mauth::Errc errc, const char *what) {
  try {
    f();
    std::fprintf(stderr, "FAILED (no error): %s\n", what);
    ++failures;
  } catch (const m2mauth::Error &e) {
    if (e.errc() != errc) {
      std::fprintf(stderr, "FAILED: %s: got %s (%d): %s\n", what, e.name(), e.code(), e.what());
      ++failures;
    }
  }
}

}  // namespace

int main() {
  using namespace m2mauth;
  expect(version_compatible(), "the headers may use the loaded library");
  require_compatible_library();
  expect(library_version_string() == M2MAUTH_VERSION_STRING, "version string");

  // keys: generation, moves, export, inspection
  Key ec = Key::generate_ec("P-384");
  Key moved = std::move(ec);
  expect(!ec && moved, "a moved-from key is empty");
  expect(moved.type() == KeyType::EC && std::string(moved.kty()) == "EC" && moved.bits() == 384, "EC inspection");
  expect(moved.default_alg() == Alg::ES384, "default alg");
  Secret pem = moved.private_pem(std::string("wrapper-pass"));
  expect(pem.view().find("ENCRYPTED PRIVATE KEY") != std::string_view::npos, "encrypted PEM");
  Key back = Key::from_pem(pem.view(), std::string("wrapper-pass"));
  expect(back.thumbprint() == moved.thumbprint(), "PEM round trip");
  expect_error([&] { Key::from_pem(pem.view(), std::string("wrong-pass")); }, Errc::passphrase, "wrong passphrase");
  expect_error([&] { Key::from_pem(pem.view(), std::string("a\0b", 3)); }, Errc::invalid_argument, "NUL refused");
  Key pub = back.public_key();
  expect(!pub.has_private() && pub.public_pem() == back.public_pem(), "public part");
  expect_error([&] { pub.private_pem(); }, Errc::no_private_key, "no private key");
  Key hmac = Key::from_secret(std::string(32, 'k'));
  expect(hmac.type() == KeyType::oct && hmac.curve().empty(), "HMAC key");
  expect_error([&] { hmac.public_jwk(); }, Errc::key_type, "HMAC has no public JWK");
  expect(Key::from_jwk(back.with_kid("k1").public_jwk()).kid() == "k1", "JWK kid");
  expect(jwks({&pub, &back}).find("\"keys\"") != std::string::npos, "JWKS");

  // algorithms
  expect(alg_from_name("PS256") == Alg::PS256 && std::string(alg_name(Alg::EdDSA)) == "EdDSA", "alg names");
  expect_error([] { alg_from_name("none"); }, Errc::algorithm, "none refused");
  try {
    alg_from_name("none");
  } catch (const Error &e) {
    expect(e.category() == ErrorCategory::verification && !e.transient(), "error category");
    expect(std::string(error_category_name(e.category())) == "verification", "category name");
  }
  expect(error_category(M2MAUTH_ETIMEOUT) == ErrorCategory::timeout && Error(M2MAUTH_ETIMEOUT, "t").transient(),
         "timeout: its own category, transient by nature");
  AlgSet set = AlgSet::parse("ES384, EdDSA");
  expect(set.contains(Alg::ES384) && set.contains(Alg::EdDSA) && !set.contains(Alg::HS256), "alg set");

  // JWS and JWT
  std::string jws_token = jws::sign(back, std::string_view("\0bytes", 6));
  expect(jws::verify(pub, jws_token, {Alg::ES384}) == std::string("\0bytes", 6), "JWS bytes round trip");
  expect_error([&] { jws::verify(pub, jws_token, {Alg::ES256}); }, Errc::algorithm, "allow-list");
  Claims claims;
  claims.set_string("iss", "me").set_int("exp", 4102444800).set_bool("b", true).set_json("o", "{\"a\":[1]}");
  Claims copy = claims;
  copy.set_string("iss", "other");
  expect(claims.get_string("iss") == "me" && copy.get_string("iss") == "other", "claims copies are deep");
  expect(claims.remove("b") && !claims.remove("b"), "remove");
  JwsHeader header;
  header.kid = "hdr";
  std::string token = jwt::sign(back, claims, header);
  Verifier verifier(pub, {Alg::ES384});
  std::int64_t now_ms = 1700000000000;
  verifier.set_issuer("me").set_clock([&now_ms] { return now_ms; });
  Claims verified = verifier.verify(token);
  expect(verified.get_int("exp") == 4102444800 && verified.header_json().find("\"hdr\"") != std::string::npos,
         "JWT verify");
  now_ms = 4102444801000;  // the clock is read on every verify
  expect_error([&] { verifier.verify(token); }, Errc::expired, "injected clock");
  expect_error([&] { verifier.set_issuer("other"); }, Errc::state, "verifier frozen once used");
  expect(jwt::decode_unverified(token).get_string("iss") == "me", "unverified decode");
  expect_error([&] { jwt::decode_unverified("a.b"); }, Errc::malformed, "malformed");

  // certificates, requests, utilities
  Certificate cert = Certificate::self_signed(back, "wrapper", 1);
  expect(cert.subject() == "CN=wrapper" && cert.public_key().thumbprint() == back.thumbprint(), "certificate");
  expect(cert.fingerprint(Hash::sha1, FingerprintFormat::hex).size() == 40, "fingerprint");
  Request req("post", "https://api.example/x");
  req.set_header("A", "1").add_header("A", "2").set_body("body");
  expect(req.method() == "POST" && req.headers().size() == 2 && req.body() == "body", "request");
  expect(req.remove_header("A") && !req.remove_header("A") && !req.header("A"), "remove header");
  Response resp(200);
  resp.add_header("Content-Type", "application/json").set_body("{}");
  expect(resp.status() == 200 && resp.header("content-type") && resp.body() == "{}", "response");
  expect(util::base64url_decode(util::base64url_encode(std::string("\xff\x00", 2))) == std::string("\xff\x00", 2),
         "base64url round trip");
  expect(util::uuid_v4().size() == 36 && util::random_bytes(16).size() == 16, "random");
  expect(util::constant_time_equal("abc", "abc") && !util::constant_time_equal("abc", "abd"), "constant time");

  // OAuth 1.0: RFC 5849 section 1.2 (no oauth_version), the signature and the base string
  OAuth1Signer o1("dpf43f3p2l4k3l03");
  o1.set_consumer_secret(std::string("kd94hf93k423kf44"))
      .set_token(std::string("nnch734d00sl2jdk"), std::string("pfkkdhi9sl3r4s00"))
      .set_include_version(false)
      .set_realm(std::string("Photos"))
      .set_fixed_nonce(std::string("chapoH"))
      .set_fixed_timestamp(137131202);
  Request photo("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original");
  expect(o1.signature(photo, "chapoH", 137131202).view() == "MdpQcU8iPSUjWoN/UDMsK2sui9I=", "OAuth 1.0 signature");
  expect(o1.base_string(photo, "chapoH", 137131202).rfind("GET&http%3A%2F%2Fphotos.example.net%2Fphotos&", 0) == 0,
         "OAuth 1.0 base string");
  o1.sign(photo);
  expect(photo.header("Authorization")->find("oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"") !=
             std::string::npos, "OAuth 1.0 header");
  expect(oauth1_method_from_name("HMAC-SHA256") == OAuth1Method::hmac_sha256 &&
             std::string(oauth1_method_name(OAuth1Method::plaintext)) == "PLAINTEXT", "OAuth 1.0 method names");
  expect_error([] { oauth1_method_from_name("HMAC-MD5"); }, Errc::algorithm, "unknown OAuth 1.0 method");

  // transport, token client and manager (no network: plain http to another host is refused)
  HttpOptions hopts;
  hopts.timeout_ms = 2000;
  Http http(hopts);
  http.add_override("https://vault.example/", hopts);
  expect_error([&] { (void)http.send(Request("GET", "http://api.example.com/")); }, Errc::insecure, "plain http");
  TokenClient tc("http://auth.example.com/token", "svc", http);
  tc.set_auth_method(ClientAuth::client_secret_post).set_secret("s").set_scope("api.read").add_param("a", "b");
  expect(client_auth_from_name("private_key_jwt") == ClientAuth::private_key_jwt &&
             std::string(client_auth_name(ClientAuth::none)) == "none", "client auth names");
  TokenManagerOptions mopts;
  expect(mopts.jitter_fraction == 0.1 && mopts.refresh_fraction == 0.75 && hopts.max_response_bytes == 4194304u,
         "option defaults read from the C _init()");
  mopts.jitter_fraction = 0;  // none, as in C
  expect(mopts.describe().find("\"jitter_fraction\":0,") != std::string::npos, "describe: jitter 0 is none");
  mopts.jitter_fraction = 0.9;
  expect_error([&] { (void)mopts.describe(); }, Errc::invalid_argument, "describe refuses jitter 0.9");
  mopts.jitter_fraction = 0.1;
  mopts.wait_timeout_ms = 500;
  TokenManager manager(tc, mopts);
  std::atomic<int> events{0};
  manager.set_event_callback([&](const TokenEvent &ev) {
    if (ev.kind == TokenEventKind::failed && ev.error_code == M2MAUTH_EINSECURE) ++events;
  });
  expect_error([&] { (void)manager.get_token(); }, Errc::insecure, "manager reports the fetch error");
  // The event comes from the manager's thread, just after the waiting caller is woken.
  for (int i = 0; i < 200 && events.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  expect(events.load() == 1, "failed event");
  expect_error([&] { tc.set_scope("other"); }, Errc::state, "client frozen once used");

  // completion-callback forms: exactly one call each, the error as a copy of the callback's record
  std::atomic<int> token_calls{0}, token_code{0}, response_calls{0}, response_code{0};
  manager.get_token_async([&](const TokenView *t, const Error *e) {
    token_code = e != nullptr && t == nullptr ? e->code() : 1;
    ++token_calls;
  });
  manager.request_async(Request("GET", "http://api.example.com/v1"), [&](Response *r, const Error *e) {
    response_code = e != nullptr && r == nullptr ? e->code() : 1;
    ++response_calls;
  });
  for (int i = 0; i < 500 && (token_calls.load() == 0 || response_calls.load() == 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  expect(token_calls.load() == 1 && token_code.load() == M2MAUTH_EINSECURE, "get_token_async reports the error");
  expect(response_calls.load() == 1 && response_code.load() == M2MAUTH_EINSECURE, "request_async reports the error");
  CallOptions cancelled;
  cancelled.cancel.emplace();
  cancelled.cancel->cancel();
  int at_once = 0;
  manager.get_token_async([&](const TokenView *, const Error *e) {
    at_once = e != nullptr ? e->code() : 1;
  }, cancelled);
  expect(at_once == M2MAUTH_ECANCELLED, "a cancelled read completes on the calling thread before returning");
  expect(token_calls.load() == 1 && response_calls.load() == 1, "each callback ran once");

  // configuration and its builders; A2A helpers
  Config config = Config::from_json(
      R"({"http":{"timeout_ms":1500},"senhasegura":{"base_url":"https://vault.example","client_id":"a",)"
      R"("client_secret":"wrapper-secret"}})");
  expect(config.get_value("http.timeout_ms") == std::optional<std::string>("1500") && config.has("senhasegura") &&
             !config.get_value("oauth2.client_id"), "config get/has");
  std::string described = config.describe();
  expect(described.find("wrapper-secret") == std::string::npos && described.find("<redacted>") != std::string::npos,
         "describe redacts");
  Http from_config = config.http();
  A2AClient vault = config.a2a_client(&from_config);
  expect(static_cast<bool>(vault) && a2a_auth_from_name("oauth1") == A2AAuth::oauth1, "A2A client from config");
  expect_error([] { (void)Config::from_json(R"({"oauth2":{"bogus":1}})"); }, Errc::config, "config key check");
  std::string fps = a2a::cert_fingerprints(cert);
  expect(fps.find("\"sha1_colon\"") != std::string::npos, "A2A fingerprints");
  Key rsa = Key::generate_rsa(2048);
  expect_error([&] { (void)a2a::decrypt(rsa, "bm90IGNpcGhlcnRleHQ="); }, Errc::protocol, "A2A decrypt refuses junk");

  if (failures == 0) std::printf("m2mauth.hpp: all checks passed\n");
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
