// Every signature method: HMAC-SHA1 and HMAC-SHA256 recomputed with OpenSSL's one-shot HMAC(),
// RSA-SHA1 and RSA-SHA256 verified with OpenSSL against the public key, PLAINTEXT as the key itself.
#include <doctest/doctest.h>

#include "code_of.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/oauth1.hpp"
#include "reference.hpp"

#include <functional>
#include <set>

using namespace m2mauth::core;
using m2mtest::code_of;

namespace {

Oauth1Config config(Oauth1Method m) {
  Oauth1Config c;
  c.consumer_key = "consumer";
  c.consumer_secret = SecretString("c s&e=c%r+e/t\xc3\xa9");
  c.token = "token";
  c.token_secret = SecretString("t$s");
  c.method = m;
  return c;
}

Request request() {
  Request r;
  r.method = "POST";
  r.url = "https://api.example.com:8443/iso/pam/credential?limit=10&q=a+b";
  r.set_header("Content-Type", "application/x-www-form-urlencoded");
  r.body = "identifier=robot%20test&hostname=db-01";
  return r;
}

const Key &rsa_key() {
  static const Key key = Key::generate_rsa(2048);
  return key;
}

}  // namespace

TEST_CASE("methods: names round-trip") {
  for (int m = 1; m <= 5; ++m) {
    auto method = static_cast<Oauth1Method>(m);
    CHECK(oauth1_method_from_name(oauth1_method_name(method)) == method);
  }
  CHECK(std::string(oauth1_method_name(Oauth1Method::hmac_sha1)) == "HMAC-SHA1");
  CHECK(std::string(oauth1_method_name(static_cast<Oauth1Method>(0))).empty());
  CHECK(code_of([] { oauth1_method_from_name("hmac-sha1"); }) == Errc::algorithm);
  CHECK(code_of([] { oauth1_method_from_name("HMAC-SHA512"); }) == Errc::algorithm);
}

TEST_CASE("methods: the signing key is percent(consumer secret) & percent(token secret)") {
  Oauth1Steps s = Oauth1Signer(config(Oauth1Method::plaintext)).steps(request(), "n", 1);
  CHECK(s.signature == "c%20s%26e%3Dc%25r%2Be%2Ft%C3%A9&t%24s");
}

TEST_CASE("methods: HMAC-SHA1 equals OpenSSL's HMAC over the base string") {
  Oauth1Steps s = Oauth1Signer(config(Oauth1Method::hmac_sha1)).steps(request(), "n", 1);
  std::string key = oauth1_ref::signing_key("c s&e=c%r+e/t\xc3\xa9", "t$s");
  CHECK(s.signature == oauth1_ref::hmac_b64(EVP_sha1(), key, s.base_string));
  CHECK(s.signature.size() == 28);
  oauth1_ref::Received got = oauth1_ref::receive(s.signed_request);
  CHECK(got.oauth.at("oauth_signature_method") == "HMAC-SHA1");
  CHECK(got.signature == oauth1_ref::hmac_b64(EVP_sha1(), key, oauth1_ref::base_string(got)));
}

TEST_CASE("methods: HMAC-SHA256 equals OpenSSL's HMAC over the base string") {
  Oauth1Steps s = Oauth1Signer(config(Oauth1Method::hmac_sha256)).steps(request(), "n", 1);
  std::string key = oauth1_ref::signing_key("c s&e=c%r+e/t\xc3\xa9", "t$s");
  CHECK(s.signature == oauth1_ref::hmac_b64(EVP_sha256(), key, s.base_string));
  CHECK(s.signature.size() == 44);
  CHECK(oauth1_ref::receive(s.signed_request).oauth.at("oauth_signature_method") == "HMAC-SHA256");
}

TEST_CASE("methods: HMAC with empty secrets uses the key \"&\"") {
  Oauth1Config c;
  c.consumer_key = "k";
  Oauth1Steps s = Oauth1Signer(c).steps(request(), "n", 1);
  CHECK(s.signature == oauth1_ref::hmac_b64(EVP_sha1(), "&", s.base_string));
}

TEST_CASE("methods: pooled HMAC contexts give the same signature on every call") {
  Oauth1Signer signer(config(Oauth1Method::hmac_sha1));
  std::string first = signer.steps(request(), "n", 1).signature;
  for (int i = 0; i < 50; ++i) CHECK(signer.steps(request(), "n", 1).signature == first);
  CHECK(signer.steps(request(), "m", 1).signature != first);
}

TEST_CASE("methods: RSA-SHA1 and RSA-SHA256 verify with OpenSSL against the public key") {
  const std::string pub = rsa_key().public_pem();
  for (auto m : {Oauth1Method::rsa_sha1, Oauth1Method::rsa_sha256}) {
    INFO(std::string(oauth1_method_name(m)));
    Oauth1Config c = config(m);
    c.rsa_key = rsa_key();
    Oauth1Signer signer(c);
    Oauth1Steps s = signer.steps(request(), "nonce", 1700000000);
    const EVP_MD *md = m == Oauth1Method::rsa_sha1 ? EVP_sha1() : EVP_sha256();
    CHECK(oauth1_ref::rsa_verify(pub, md, s.base_string, s.signature));
    CHECK_FALSE(oauth1_ref::rsa_verify(pub, m == Oauth1Method::rsa_sha1 ? EVP_sha256() : EVP_sha1(), s.base_string,
                                       s.signature));
    CHECK_FALSE(oauth1_ref::rsa_verify(pub, md, s.base_string + "x", s.signature));
    CHECK(s.signature.size() == 344);  // 256 bytes in base64
    // PKCS#1 v1.5 is deterministic; the pooled context gives the same bytes again.
    CHECK(signer.steps(request(), "nonce", 1700000000).signature == s.signature);
    oauth1_ref::Received got = oauth1_ref::receive(s.signed_request);
    CHECK(got.oauth.at("oauth_signature_method") == oauth1_method_name(m));
    CHECK(oauth1_ref::rsa_verify(pub, md, oauth1_ref::base_string(got), got.signature));
  }
}

TEST_CASE("methods: RSA needs a private RSA key of at least 2048 bits") {
  Oauth1Config c = config(Oauth1Method::rsa_sha1);
  Request r = request();
  CHECK(code_of([&] { Oauth1Signer(c).sign(r); }) == Errc::config);
  CHECK(code_of([&] { Oauth1Signer(c).steps(r, "n", 1); }) == Errc::config);
  c.rsa_key = Key::generate_ec(Curve::p256);
  CHECK(code_of([&] { Oauth1Signer s(c); }) == Errc::key_type);
  c.rsa_key = Key::generate_hmac(32);
  CHECK(code_of([&] { Oauth1Signer s(c); }) == Errc::key_type);
  c.rsa_key = rsa_key().public_only();
  CHECK(code_of([&] { Oauth1Signer s(c); }) == Errc::no_private);
  EVP_PKEY *small = EVP_RSA_gen(1024);
  REQUIRE(small != nullptr);
  c.rsa_key = Key::adopt(small, true);
  CHECK(code_of([&] { Oauth1Signer s(c); }) == Errc::key_type);
}

TEST_CASE("methods: PLAINTEXT sends the key, encoded once more in the header (RFC 5849 section 3.4.4)") {
  Oauth1Config c;
  c.consumer_key = "k";
  c.consumer_secret = SecretString("djr9rjt0jd78jf88");
  c.token_secret = SecretString("jjd99$tj88uiths3");
  c.method = Oauth1Method::plaintext;
  Request r;
  r.url = "https://example.com/";
  Oauth1Signer(c).sign(r, "n", 1);
  auto params = oauth1_test::parse_authorization(*r.header("Authorization"));
  CHECK(params.at("oauth_signature") == "djr9rjt0jd78jf88%26jjd99%2524tj88uiths3");
  CHECK(params.at("oauth_signature_method") == "PLAINTEXT");
}

TEST_CASE("methods: each method gives a different signature for the same request") {
  std::set<std::string> seen;
  for (int m = 1; m <= 5; ++m) {
    Oauth1Config c = config(static_cast<Oauth1Method>(m));
    c.rsa_key = rsa_key();
    seen.insert(Oauth1Signer(c).steps(request(), "n", 1).signature);
  }
  CHECK(seen.size() == 5);
}
