// Known-answer vectors (RFC 5849, OAuth Core 1.0 appendix A) through the C++ core, one step per test
// case so that a failure names the step: base string URI, normalized parameters, base string,
// signature, Authorization header.
#include <doctest/doctest.h>

#include "m2mauth/core/oauth1.hpp"
#include "vector_file.hpp"

using namespace m2mauth::core;
using oauth1_test::Case;

namespace {

const std::vector<Case> &cases() {
  static const std::vector<Case> all = oauth1_test::load_vectors();
  return all;
}

Oauth1Config config_of(const Case &c) {
  Oauth1Config cfg;
  cfg.consumer_key = c.at("consumer_key");
  cfg.consumer_secret = SecretString(c.get("consumer_secret"));
  if (c.has("token")) cfg.token = c.at("token");
  cfg.token_secret = SecretString(c.get("token_secret"));
  cfg.method = oauth1_method_from_name(c.at("signature_method"));
  cfg.include_version = c.at("version") == "yes";
  if (c.has("realm")) cfg.realm = c.at("realm");
  if (c.has("callback")) cfg.callback = c.at("callback");
  if (c.has("verifier")) cfg.verifier = c.at("verifier");
  return cfg;
}

Request request_of(const Case &c) {
  Request r;
  r.method = c.at("method");
  r.url = c.at("url");
  if (c.has("content_type")) r.set_header("Content-Type", c.at("content_type"));
  r.body = c.get("body");
  return r;
}

Oauth1Steps steps_of(const Case &c) {
  return Oauth1Signer(config_of(c)).steps(request_of(c), c.at("nonce"), std::stoll(c.at("timestamp")));
}

// Runs check(case) for every case that has `key`; returns how many ran.
template <typename F>
int for_each_with(const std::string &key, F &&check) {
  int n = 0;
  for (const Case &c : cases()) {
    if (!c.has(key)) continue;
    INFO("vector: " << c.name << " (" << c.get("source") << ")");
    check(c);
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("vectors: the data file loads and names its sources") {
  REQUIRE(cases().size() >= 8);
  for (const Case &c : cases()) {
    INFO(c.name);
    CHECK(!c.get("source").empty());
  }
}

TEST_CASE("vectors: step 1, base string URI (RFC 5849 section 3.4.1.2)") {
  int n = for_each_with("base_string_uri", [](const Case &c) {
    CHECK(oauth1_base_string_uri(c.at("url")) == c.at("base_string_uri"));
    if (c.is_request()) CHECK(steps_of(c).base_string_uri == c.at("base_string_uri"));
  });
  CHECK(n >= 7);
}

TEST_CASE("vectors: step 2, normalized parameters (section 3.4.1.3.2)") {
  int n = for_each_with("normalized_parameters", [](const Case &c) {
    CHECK(steps_of(c).normalized_parameters == c.at("normalized_parameters"));
  });
  CHECK(n >= 3);
}

TEST_CASE("vectors: step 3, signature base string (section 3.4.1.1)") {
  int n = for_each_with("base_string", [](const Case &c) {
    CHECK(steps_of(c).base_string == c.at("base_string"));
    CHECK(Oauth1Signer(config_of(c)).base_string(request_of(c), c.at("nonce"), std::stoll(c.at("timestamp"))) ==
          c.at("base_string"));
  });
  CHECK(n >= 5);
}

TEST_CASE("vectors: step 4, signature (sections 3.4.2 and 3.4.4)") {
  int n = for_each_with("signature", [](const Case &c) { CHECK(steps_of(c).signature == c.at("signature")); });
  CHECK(n >= 5);
}

TEST_CASE("vectors: step 5, Authorization header (section 3.5.1)") {
  int n = for_each_with("authorization", [](const Case &c) {
    Oauth1Steps s = steps_of(c);
    const std::string *got = s.signed_request.header("Authorization");
    REQUIRE(got != nullptr);
    CHECK(oauth1_test::parse_authorization(*got) == oauth1_test::parse_authorization(c.at("authorization")));
  });
  CHECK(n >= 4);
}

TEST_CASE("vectors: sign() with the vector's nonce and timestamp gives the same header as steps()") {
  for_each_with("signature", [](const Case &c) {
    Oauth1Config cfg = config_of(c);
    cfg.fixed_nonce = c.at("nonce");
    cfg.fixed_timestamp = std::stoll(c.at("timestamp"));
    Request r = request_of(c);
    Oauth1Signer(cfg).sign(r);
    CHECK(*r.header("Authorization") == *steps_of(c).signed_request.header("Authorization"));
  });
}

TEST_CASE("vectors: RFC 5849 section 1.2 with oauth_version=1.0 gives a different signature") {
  for (const Case &c : cases()) {
    if (c.name != "rfc5849-1.2-protected-resource") continue;
    Oauth1Config cfg = config_of(c);
    cfg.include_version = true;
    Oauth1Steps s = Oauth1Signer(cfg).steps(request_of(c), c.at("nonce"), std::stoll(c.at("timestamp")));
    CHECK(s.signature != c.at("signature"));
    CHECK(s.normalized_parameters.find("oauth_version=1.0") != std::string::npos);
    return;
  }
  FAIL("rfc5849-1.2-protected-resource missing from the vectors");
}
