// Peer input helpers on their own: strict decimal numbers, HTTP-dates, URL path segments and the peer
// text sanitiser.
#include <doctest/doctest.h>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/peer_numbers.hpp"
#include "m2mauth/core/peer_text.hpp"

using namespace m2mauth::core;

TEST_CASE("parse_decimal: ASCII digits only, range-checked without overflow") {
  CHECK(parse_decimal("0", 10) == 0u);
  CHECK(parse_decimal("0010", 10) == 10u);
  CHECK(parse_decimal("18446744073709551615", UINT64_MAX) == UINT64_MAX);
  CHECK_FALSE(parse_decimal("18446744073709551616", UINT64_MAX));
  CHECK_FALSE(parse_decimal("11", 10));
  CHECK_FALSE(parse_decimal("9", 5));
  for (const char *bad : {"", "0x10", "+5", "-5", " 5", "5 ", "5.0", "1e3", "\xd9\xa1", "5\n"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_decimal(bad, UINT64_MAX));
    CHECK_FALSE(parse_decimal_capped(bad, 100));
  }
  CHECK(parse_decimal_capped("99999999999999999999999999", 3600) == 3600u);
  CHECK(parse_decimal_capped("3601", 3600) == 3600u);
  CHECK(parse_decimal_capped("3599", 3600) == 3599u);
  CHECK(parse_decimal_capped("7", 5) == 5u);
}

TEST_CASE("parse_http_date: the three RFC 9110 forms, whole text, valid fields only") {
  const std::int64_t t = 784111777;  // RFC 9110's example, 1994-11-06 08:49:37 UTC
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == t);
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == t);
  CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == t);
  CHECK(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
  CHECK(parse_http_date("Tue, 29 Feb 2000 23:59:60 GMT") == 951868799);  // a leap second counts as :59
  CHECK(parse_http_date("Friday, 01-Jan-38 00:00:00 GMT") == 2145916800);  // two-digit years below 70: 20xx
  for (const char *bad : {"", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 GMT ", " Sun, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 31 Feb 2030 08:49:37 GMT", "Sun, 29 Feb 2100 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1969 08:49:37 GMT", "Sun, 06 Nov +994 08:49:37 GMT",
                          "Sun, 0x Nov 1994 08:49:37 GMT", "Sun Nov 06 08:49:37 1994x", "Sunday, 06-Nov-1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 08:49:37", "1994-11-06T08:49:37Z", "3600"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_http_date(bad));
  }
}

TEST_CASE("path_segment_append: one segment, dot-segments and empty refused") {
  std::string out = "/x/";
  path_segment_append(out, "a/b?c#d%e f:g@h~i", "id");
  CHECK(out == "/x/a%2Fb%3Fc%23d%25e%20f:g@h~i");
  for (const char *bad : {"", ".", ".."}) {
    std::string o;
    try {
      path_segment_append(o, bad, "the id");
      FAIL("accepted " << bad);
    } catch (const Error &e) {
      CHECK(e.code() == Errc::invalid_argument);
      CHECK(std::string(e.what()).rfind("the id must not be", 0) == 0);
    }
  }
  std::string dots;
  path_segment_append(dots, "...", "id");
  CHECK(dots == "...");
}

TEST_CASE("sanitize_peer_text: known secrets in every encoding, credential shapes, longest secret first") {
  CHECK(sanitize_peer_text("x s3cr3t+/ y", {"s3cr3t+/"}) == "x <redacted> y");
  CHECK(sanitize_peer_text("x s3cr3t%2B%2F y", {"s3cr3t+/"}) == "x <redacted> y");
  CHECK(sanitize_peer_text("x a b c d y", {"a b c d"}) == "x <redacted> y");
  CHECK(sanitize_peer_text("x a+b+c+d y", {"a b c d"}) == "x <redacted> y");
  CHECK(sanitize_peer_text("abc", {"abc"}) == "abc");  // under 4 bytes: not redacted (documented)
  // A secret that contains another is redacted whole.
  CHECK(sanitize_peer_text("k=secret-long-part", {"secret", "secret-long-part"}) == "k=<redacted>");
  CHECK(sanitize_peer_text("got Bearer abcdefgh12345678 here", {}) == "got Bearer <redacted> here");
  CHECK(sanitize_peer_text("got DPoP abcdefgh12345678 here", {}) == "got DPoP <redacted> here");
  CHECK(sanitize_peer_text("a JWT eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl, done", {}) == "a JWT <redacted>, done");
  CHECK(sanitize_peer_text("client_secret=abc&x", {}) == "client_secret=<redacted>&x");
  CHECK(sanitize_peer_text("refresh_token=r-1\n", {}) == "refresh_token=<redacted>\\n");
  // Redaction happens before the cut: a secret at the edge never shows half.
  std::string text = std::string(190, 'x') + "SECRETVALUE123";
  std::string out = sanitize_peer_text(text, {"SECRETVALUE123"});
  CHECK(out.find("SECRET") == std::string::npos);
  CHECK(out.size() <= kPeerTextMaxBytes);
}

TEST_CASE("discovery refuses an issuer with a dot-segment before sending anything") {
  struct Counting : Transport {
    int calls = 0;
    Response send(const Request &, const CallOptions &) override {
      ++calls;
      return Response{};
    }
  } transport;
  for (const char *issuer : {"https://as.example/realms/../admin", "https://as.example/./x", "https://as.example/a/.."}) {
    CAPTURE(issuer);
    try {
      discover_token_endpoint(transport, issuer);
      FAIL("accepted");
    } catch (const Error &e) {
      CHECK(e.code() == Errc::invalid_argument);
    }
  }
  CHECK(transport.calls == 0);
}
