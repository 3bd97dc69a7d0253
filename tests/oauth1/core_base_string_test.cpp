// The signature base string on awkward requests: spaces, "+", "%", unicode, repeated and empty
// parameters, default ports, upper-case schemes and hosts, IPv6, fragments, form bodies. Each expected
// value is written out by hand from RFC 5849 section 3.4.1 and also compared with tests/oauth1's plain
// reference implementation.
#include <doctest/doctest.h>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/oauth1.hpp"
#include "reference.hpp"

using namespace m2mauth::core;

namespace {


Oauth1Signer signer() {
  Oauth1Config c;
  c.consumer_key = "ck";
  c.include_version = false;
  return Oauth1Signer(c);
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

// Normalized parameters with the protocol ones removed: what the request itself contributes.
std::string request_params(const Request &r) {
  std::string all = signer().steps(r, "n", 1).normalized_parameters;
  std::string out;
  std::size_t i = 0;
  while (i <= all.size()) {
    std::size_t amp = all.find('&', i);
    if (amp == std::string::npos) amp = all.size();
    std::string item = all.substr(i, amp - i);
    if (item.rfind("oauth_", 0) != 0) out += (out.empty() ? "" : "&") + item;
    i = amp + 1;
  }
  return out;
}

// The library's base string equals the reference implementation's for the same request.
void check_against_reference(const Request &r) {
  Oauth1Steps s = signer().steps(r, "n", 1);
  oauth1_ref::Received got = oauth1_ref::receive(s.signed_request);
  CHECK(s.base_string == oauth1_ref::base_string(got));
}

Errc error_of(const Request &r) {
  try {
    signer().base_string(r, "n", 1);
  } catch (const Error &e) {
    return e.code();
  }
  return Errc::ok;
}

}  // namespace

TEST_CASE("base string: spaces, plus signs and percent signs") {
  auto r = request("GET", "http://h/p?a=b%20c&d=e+f&g=%2B&h=100%25&i=%2525");
  CHECK(request_params(r) == "a=b%20c&d=e%20f&g=%2B&h=100%25&i=%2525");
  check_against_reference(r);
}

TEST_CASE("base string: characters outside the unreserved set are encoded, unreserved ones decoded") {
  auto r = request("GET", "http://h/p?q=a/b:c@d!e*f'(g)&t=%7E%41%2d%2E%5F&s=;,$");
  CHECK(request_params(r) == "q=a%2Fb%3Ac%40d%21e%2Af%27%28g%29&s=%3B%2C%24&t=~A-._");
  check_against_reference(r);
}

TEST_CASE("base string: unicode, raw or percent-encoded, lower- or upper-case hex, and raw bytes") {
  auto r = request("GET", "http://h/p?city=S%c3%a3o%20Paulo&name=Jos\xc3\xa9&bin=%FF%00");
  CHECK(request_params(r) == "bin=%FF%00&city=S%C3%A3o%20Paulo&name=Jos%C3%A9");
  check_against_reference(r);
}

TEST_CASE("base string: repeated names sort by value, byte order") {
  auto r = request("GET", "http://h/p?a=2&a=10&a=1&A=z&a=&b=1");
  CHECK(request_params(r) == "A=z&a=&a=1&a=10&a=2&b=1");
  check_against_reference(r);
}

TEST_CASE("base string: empty values, empty names and empty pairs are kept or skipped as in HTML forms") {
  auto r = request("GET", "http://h/p?x=&y&=z&&");
  CHECK(request_params(r) == "=z&x=&y=");
  check_against_reference(r);
}

TEST_CASE("base string: sorted by name then value, not by the joined text") {
  // "a=x" < "a%20=y" as text, but name "a" < "a%20": the pair with name "a" comes first.
  auto r = request("GET", "http://h/p?a%20=y&a=x");
  CHECK(request_params(r) == "a=x&a%20=y");
  check_against_reference(r);
}

TEST_CASE("base string: sorted by the encoded bytes") {
  // "~" (0x7E) stays raw, "é" becomes %C3%A9 (0x25...): the encoded form sorts first.
  auto r = request("GET", "http://h/p?~=1&\xc3\xa9=2");
  CHECK(request_params(r) == "%C3%A9=2&~=1");
  check_against_reference(r);
}

TEST_CASE("base string URI: default ports dropped, others kept") {
  CHECK(oauth1_base_string_uri("http://h:80/p") == "http://h/p");
  CHECK(oauth1_base_string_uri("https://h:443/p") == "https://h/p");
  CHECK(oauth1_base_string_uri("http://h:443/p") == "http://h:443/p");
  CHECK(oauth1_base_string_uri("https://h:80/p") == "https://h:80/p");
  CHECK(oauth1_base_string_uri("http://h:8080/p") == "http://h:8080/p");
  CHECK(oauth1_base_string_uri("http://h:080/p") == "http://h/p");
  CHECK(oauth1_base_string_uri("http://h:/p") == "http://h/p");
}

TEST_CASE("base string URI: scheme and host lower-cased, path kept as is") {
  CHECK(oauth1_base_string_uri("HTTPS://Api.Example.COM/Path/To%2fX") == "https://api.example.com/Path/To%2fX");
  CHECK(oauth1_base_string_uri("HtTp://EXAMPLE.com:80") == "http://example.com/");
  check_against_reference(request("GET", "HTTPS://Api.Example.COM:443/Path/To%2fX?Q=V"));
}

TEST_CASE("base string URI: empty path, query and fragment") {
  CHECK(oauth1_base_string_uri("http://h") == "http://h/");
  CHECK(oauth1_base_string_uri("http://h?x=1") == "http://h/");
  CHECK(oauth1_base_string_uri("http://h/p?x=1#frag") == "http://h/p");
  CHECK(oauth1_base_string_uri("http://h/p#frag?notquery=1") == "http://h/p");
  CHECK(request_params(request("GET", "http://h/p?x=1#y=2")) == "x=1");
  CHECK(request_params(request("GET", "http://h/p#y=2?z=3")) == "");
}

TEST_CASE("base string URI: IPv6 hosts keep their brackets") {
  CHECK(oauth1_base_string_uri("http://[::1]:8080/x") == "http://[::1]:8080/x");
  CHECK(oauth1_base_string_uri("http://[::1]:80/") == "http://[::1]/");
  CHECK(oauth1_base_string_uri("https://[FE80::1]/x") == "https://[fe80::1]/x");
  check_against_reference(request("GET", "http://[::1]:8080/x?y=1"));
}

TEST_CASE("base string: the path is encoded once more in the base string") {
  auto r = request("GET", "http://h/a%20b/c~d");
  CHECK(signer().base_string(r, "n", 1).rfind("GET&http%3A%2F%2Fh%2Fa%2520b%2Fc~d&", 0) == 0);
}

TEST_CASE("base string: the method is upper-cased") {
  CHECK(signer().base_string(request("patch", "http://h/"), "n", 1).rfind("PATCH&", 0) == 0);
}

TEST_CASE("base string: nonces that need encoding are encoded") {
  Oauth1Steps s = signer().steps(request("GET", "http://h/"), "a b+c/d", 1);
  CHECK(s.normalized_parameters.find("oauth_nonce=a%20b%2Bc%2Fd") != std::string::npos);
  CHECK(s.signed_request.header("Authorization")->find("oauth_nonce=\"a%20b%2Bc%2Fd\"") != std::string::npos);
  check_against_reference(request("GET", "http://h/"));
}

TEST_CASE("base string: a form body takes part, whatever its charset and letter case") {
  for (const char *type : {"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
                           "Application/X-WWW-Form-URLEncoded ;charset=iso-8859-1", " application/x-www-form-urlencoded"}) {
    INFO(std::string(type));
    auto r = request("POST", "http://h/p?q=1", type, "b=2+3&c=%21");
    CHECK(oauth1_has_form_body(r));
    CHECK(request_params(r) == "b=2%203&c=%21&q=1");
    check_against_reference(r);
  }
}

TEST_CASE("base string: other bodies do not take part") {
  for (const char *type : {"application/json", "multipart/form-data; boundary=x", "text/plain", ""}) {
    INFO(std::string(type));
    auto r = request("POST", "http://h/p?q=1", type, "b=2");
    CHECK_FALSE(oauth1_has_form_body(r));
    CHECK(request_params(r) == "q=1");
  }
}

TEST_CASE("base string: a query and a form body with the same names keep every pair") {
  auto r = request("POST", "http://h/p?a=1&b=2", "application/x-www-form-urlencoded", "a=1&b=1");
  CHECK(request_params(r) == "a=1&a=1&b=1&b=2");
  check_against_reference(r);
}

TEST_CASE("base string: malformed percent escapes are refused") {
  CHECK(error_of(request("GET", "http://h/p?a=%zz")) == Errc::malformed);
  CHECK(error_of(request("GET", "http://h/p?a=%4")) == Errc::malformed);
  CHECK(error_of(request("GET", "http://h/p?a=%")) == Errc::malformed);
  CHECK(error_of(request("POST", "http://h/p", "application/x-www-form-urlencoded", "a=%G0")) == Errc::malformed);
}

TEST_CASE("base string: URLs that are not absolute http(s) are refused") {
  for (const char *url : {"ftp://h/x", "/relative", "http://user:pw@h/", "http:///x", "http://h:99999/",
                          "http://h:0/", "http://h:8x/", "http://h/a b", "http://[::1/"}) {
    INFO(std::string(url));
    CHECK(error_of(request("GET", url)) == Errc::invalid_argument);
  }
}

TEST_CASE("base string: requests that already carry oauth_ parameters are refused") {
  CHECK(error_of(request("GET", "http://h/p?oauth_token=x")) == Errc::state);
  CHECK(error_of(request("GET", "http://h/p?oauth_signature=x")) == Errc::state);
  CHECK(error_of(request("POST", "http://h/p", "application/x-www-form-urlencoded", "oauth%5Fnonce=1")) == Errc::state);
  CHECK(error_of(request("GET", "http://h/p?oauth=1&xoauth_y=2")) == Errc::ok);
}

TEST_CASE("normalize_parameters: the public helper encodes, sorts and joins") {
  std::vector<Header> pairs = {{"b", "2 3"}, {"a", "x/y"}, {"a", ""}, {"c@", "="}};
  CHECK(oauth1_normalize_parameters(pairs) == "a=&a=x%2Fy&b=2%203&c%40=%3D");
  CHECK(oauth1_normalize_parameters({}) == "");
}
