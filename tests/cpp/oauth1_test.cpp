// The OAuth 1.0 signer through m2mauth.hpp: the RFC 5849 section 1.2 example, placements, errors.
#include <doctest/doctest.h>

#include <string>

#include "wrapper_support.hpp"

using namespace m2mauth;
using cpptest::error_of;

namespace {

// RFC 5849 section 1.2 (also tests/vectors/oauth1/oauth1_vectors.txt, case rfc5849-1.2).
OAuth1Signer rfc_signer() {
  OAuth1Signer s("dpf43f3p2l4k3l03");
  s.set_consumer_secret(std::string("kd94hf93k423kf44"))
      .set_token(std::string("nnch734d00sl2jdk"), std::string("pfkkdhi9sl3r4s00"))
      .set_method(OAuth1Method::hmac_sha1)
      .set_include_version(false)
      .set_realm(std::string("Photos"));
  return s;
}

const char *const kBase =
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03"
    "%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202"
    "%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal";

}  // namespace

TEST_CASE("OAuth1Signer: the RFC 5849 example, step by step and in the Authorization header") {
  OAuth1Signer s = rfc_signer();
  Request req("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original");
  CHECK(s.base_string(req, "chapoH", 137131202) == kBase);
  CHECK(s.signature(req, "chapoH", 137131202).view() == "MdpQcU8iPSUjWoN/UDMsK2sui9I=");

  // The diagnostics froze s (configured, then frozen by its first use): a fixed nonce is configured
  // on a signer of its own.
  CHECK(error_of([&] { s.set_fixed_nonce(std::string("chapoH")); }).errc() == Errc::state);
  OAuth1Signer fixed = rfc_signer();
  fixed.set_fixed_nonce(std::string("chapoH")).set_fixed_timestamp(137131202);
  fixed.sign(req);
  std::string auth = req.header("Authorization").value_or("");
  CHECK(auth.rfind("OAuth realm=\"Photos\"", 0) == 0);
  CHECK(auth.find("oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"") != std::string::npos);
  CHECK(oauth1_method_from_name(oauth1_method_name(OAuth1Method::rsa_sha256)) == OAuth1Method::rsa_sha256);
}

TEST_CASE("OAuth1Signer: query and body placements, RSA-SHA256, extra parameters, errors") {
  OAuth1Signer q = rfc_signer();
  q.set_placement(OAuth1Placement::query).set_fixed_nonce(std::string("n1")).set_fixed_timestamp(1000);
  Request get("GET", "https://api.example/r?a=1");
  q.sign(get);
  CHECK(get.url().find("oauth_signature=") != std::string::npos);
  CHECK(!get.header("Authorization"));

  OAuth1Signer b = rfc_signer();
  b.set_placement(OAuth1Placement::body).add_param("oauth_session_handle", "x y");
  Request post("POST", "https://api.example/form");
  post.set_header("Content-Type", "application/x-www-form-urlencoded").set_body("a=1");
  b.sign(post);
  CHECK(std::string(post.body()).find("oauth_signature=") != std::string::npos);
  CHECK(std::string(post.body()).rfind("a=1", 0) == 0);
  CHECK(std::string(post.body()).find("oauth_session_handle=x%20y") != std::string::npos);
  CHECK(error_of([&] { OAuth1Signer("c").add_param("extra", "v"); }).errc() == Errc::invalid_argument);

  Key rsa = Key::generate_rsa(2048);
  OAuth1Signer r("consumer");
  r.set_method(OAuth1Method::rsa_sha256).set_rsa_key(&rsa);
  Request req("GET", "https://api.example/rsa");
  Secret sig = r.signature(req, "nonce", 1700000000);
  CHECK(sig.size() == 344);  // base64 of a 2048-bit signature
  CHECK(r.signature(req, "nonce", 1700000000).view() == sig.view());  // PKCS#1 v1.5 is deterministic

  OAuth1Signer no_key("consumer");
  no_key.set_method(OAuth1Method::rsa_sha1);
  CHECK(error_of([&] { no_key.signature(req, "n", 1); }).code() < 0);
}
