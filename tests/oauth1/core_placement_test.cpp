// Where the protocol parameters go (RFC 5849 section 3.5): the Authorization header, the query string,
// or a form body. Each signed request is checked by the reference verifier as a server would see it.
#include <doctest/doctest.h>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/oauth1.hpp"
#include "reference.hpp"

using namespace m2mauth::core;

namespace {

Oauth1Config config(Oauth1Placement where) {
  Oauth1Config c;
  c.consumer_key = "key with space";
  c.consumer_secret = SecretString("cs&=");
  c.token = "tok";
  c.token_secret = SecretString("ts%");
  c.placement = where;
  c.realm = "Example \"quoted\" \\ realm";
  c.fixed_nonce = "nonce";
  c.fixed_timestamp = 1700000000;
  return c;
}

Request request(const std::string &method, const std::string &url, const std::string &content_type = "",
                const std::string &body = "") {
  Request r;
  r.method = method;
  r.url = url;
  if (!content_type.empty()) r.set_header("Content-Type", content_type);
  r.body = body;
  return r;
}

// The reference verifier accepts the request signed with HMAC-SHA1 and sees the protocol parameters.
void check_verifies(const Request &signed_req) {
  oauth1_ref::Received got = oauth1_ref::receive(signed_req);
  CHECK(got.oauth.at("oauth_consumer_key") == "key with space");
  CHECK(got.oauth.at("oauth_token") == "tok");
  CHECK(got.oauth.at("oauth_version") == "1.0");
  CHECK(got.oauth.at("oauth_nonce") == "nonce");
  CHECK(got.oauth.at("oauth_timestamp") == "1700000000");
  CHECK(got.signature ==
        oauth1_ref::hmac_b64(EVP_sha1(), oauth1_ref::signing_key("cs&=", "ts%"), oauth1_ref::base_string(got)));
}

Errc sign_error(Oauth1Placement where, Request &r) {
  Request before = r;
  try {
    Oauth1Signer(config(where)).sign(r);
  } catch (const Error &e) {
    CHECK(r.url == before.url);
    CHECK(r.body == before.body);
    CHECK(r.headers == before.headers);
    return e.code();
  }
  return Errc::ok;
}

}  // namespace

TEST_CASE("placement header: Authorization carries realm and every protocol parameter, percent-encoded") {
  Request r = request("GET", "http://h/p?x=1");
  Oauth1Signer(config(Oauth1Placement::header)).sign(r);
  const std::string &auth = *r.header("Authorization");
  CHECK(auth.rfind("OAuth realm=\"Example \\\"quoted\\\" \\\\ realm\", oauth_consumer_key=\"key%20with%20space\", "
                   "oauth_token=\"tok\", oauth_signature_method=\"HMAC-SHA1\", oauth_version=\"1.0\", "
                   "oauth_timestamp=\"1700000000\", oauth_nonce=\"nonce\", oauth_signature=\"",
                   0) == 0);
  CHECK(r.url == "http://h/p?x=1");
  CHECK(r.body.empty());
  auto params = oauth1_test::parse_authorization(auth);
  CHECK(params.at("realm") == "Example \"quoted\" \\ realm");
  check_verifies(r);
}

TEST_CASE("placement header: an existing Authorization header is replaced") {
  Request r = request("GET", "http://h/p");
  r.add_header("authorization", "Bearer old");
  r.add_header("Authorization", "Basic old");
  Oauth1Signer(config(Oauth1Placement::header)).sign(r);
  int count = 0;
  for (const auto &h : r.headers) count += header_name_equal(h.first, "Authorization") ? 1 : 0;
  CHECK(count == 1);
  CHECK(r.header("Authorization")->rfind("OAuth ", 0) == 0);
}

TEST_CASE("placement header: the realm is never signed") {
  Oauth1Config a = config(Oauth1Placement::header), b = a;
  b.realm.reset();
  Request r = request("GET", "http://h/p");
  CHECK(Oauth1Signer(a).steps(r, "n", 1).base_string == Oauth1Signer(b).steps(r, "n", 1).base_string);
}

TEST_CASE("placement query: parameters appended to the URL") {
  struct {
    const char *url, *prefix, *suffix;
  } cases[] = {
      {"http://h/p", "http://h/p?oauth_consumer_key=key%20with%20space&", ""},
      {"http://h/p?x=1", "http://h/p?x=1&oauth_consumer_key=", ""},
      {"http://h/p?", "http://h/p?oauth_consumer_key=", ""},
      {"http://h/p?x=1&", "http://h/p?x=1&oauth_consumer_key=", ""},
      {"http://h/p?x=1#frag", "http://h/p?x=1&oauth_consumer_key=", "#frag"},
      {"http://h/p#frag", "http://h/p?oauth_consumer_key=", "#frag"},
  };
  for (const auto &c : cases) {
    INFO(std::string(c.url));
    Request r = request("GET", c.url);
    Oauth1Signer(config(Oauth1Placement::query)).sign(r);
    CHECK(r.url.rfind(c.prefix, 0) == 0);
    CHECK(r.url.size() >= std::string(c.suffix).size());
    CHECK(r.url.compare(r.url.size() - std::string(c.suffix).size(), std::string::npos, c.suffix) == 0);
    CHECK(r.url.find("realm") == std::string::npos);
    CHECK(r.url.find("oauth_signature=") != std::string::npos);
    CHECK(r.header("Authorization") == nullptr);
    check_verifies(r);
  }
}

TEST_CASE("placement body: parameters appended to a form body") {
  for (const char *ct : {"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8"}) {
    INFO(std::string(ct));
    Request r = request("POST", "http://h/p?q=1", ct, "a=1&b=x+y");
    Oauth1Signer(config(Oauth1Placement::body)).sign(r);
    CHECK(r.body.rfind("a=1&b=x+y&oauth_consumer_key=key%20with%20space&", 0) == 0);
    CHECK(r.url == "http://h/p?q=1");
    CHECK(r.header("Authorization") == nullptr);
    CHECK(*r.header("Content-Type") == ct);
    check_verifies(r);
  }
}

TEST_CASE("placement body: an empty body without Content-Type becomes a form body") {
  Request r = request("PUT", "http://h/p");
  Oauth1Signer(config(Oauth1Placement::body)).sign(r);
  CHECK(*r.header("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(r.body.rfind("oauth_consumer_key=", 0) == 0);
  check_verifies(r);
}

TEST_CASE("placement body: refused for other bodies and for GET and HEAD, request unchanged") {
  Request json = request("POST", "http://h/p", "application/json", "{}");
  CHECK(sign_error(Oauth1Placement::body, json) == Errc::invalid_argument);
  Request multipart = request("POST", "http://h/p", "multipart/form-data; boundary=x", "--x--");
  CHECK(sign_error(Oauth1Placement::body, multipart) == Errc::invalid_argument);
  Request untyped = request("POST", "http://h/p", "", "a=1");
  CHECK(sign_error(Oauth1Placement::body, untyped) == Errc::invalid_argument);
  Request get = request("GET", "http://h/p", "application/x-www-form-urlencoded", "");
  CHECK(sign_error(Oauth1Placement::body, get) == Errc::invalid_argument);
  Request head = request("HEAD", "http://h/p");
  CHECK(sign_error(Oauth1Placement::body, head) == Errc::invalid_argument);
}

TEST_CASE("placement: a request that already carries oauth_ parameters is refused, unchanged") {
  for (auto where : {Oauth1Placement::header, Oauth1Placement::query, Oauth1Placement::body}) {
    Request r = request("POST", "http://h/p?oauth_consumer_key=x", "application/x-www-form-urlencoded", "");
    CHECK(sign_error(where, r) == Errc::state);
  }
}

TEST_CASE("placement: PLAINTEXT checks the request like the other methods") {
  Oauth1Config c = config(Oauth1Placement::header);
  c.method = Oauth1Method::plaintext;
  Request dup = request("GET", "http://h/p?oauth_nonce=1");
  CHECK_THROWS_AS(Oauth1Signer(c).sign(dup), Error);
  Request bad = request("GET", "http://h/p?x=%zz");
  CHECK_THROWS_AS(Oauth1Signer(c).sign(bad), Error);
  CHECK(bad.header("Authorization") == nullptr);
}

TEST_CASE("placement: a failed signature leaves the request unchanged") {
  Request r = request("GET", "http://h/p?bad=%zz");
  CHECK(sign_error(Oauth1Placement::query, r) == Errc::malformed);
  Request r2 = request("GET", "http://h/p?bad=%zz");
  CHECK(sign_error(Oauth1Placement::header, r2) == Errc::malformed);
}

TEST_CASE("placement: names") {
  CHECK(std::string(oauth1_placement_name(Oauth1Placement::header)) == "header");
  CHECK(std::string(oauth1_placement_name(Oauth1Placement::query)) == "query");
  CHECK(std::string(oauth1_placement_name(Oauth1Placement::body)) == "body");
  CHECK(std::string(oauth1_placement_name(static_cast<Oauth1Placement>(9))).empty());
}
