// base64url (RFC 7515 section 2, strict), base64, hex and RFC 3986 percent-encoding in the core.
#include <doctest/doctest.h>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"

using namespace m2mauth::core;

namespace {
bool malformed(std::string_view s) {
  try {
    base64url_decode_string(s);
  } catch (const Error &e) {
    return e.code() == Errc::malformed;
  }
  return false;
}
}  // namespace

TEST_CASE("base64url: RFC 4648 section 10 vectors, no padding") {
  const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char *enc[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    CHECK(base64url_encode(plain[i]) == enc[i]);
    CHECK(base64url_decode_string(enc[i]) == plain[i]);
  }
  // The two characters that differ from standard base64.
  CHECK(base64url_encode(std::string("\xfb\xff", 2)) == "-_8");
  CHECK(base64url_decode_string("-_8") == std::string("\xfb\xff", 2));
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  CHECK(base64url_decode_string(base64url_encode(all)) == all);
}

TEST_CASE("base64url decoding is strict: padding, other alphabets, whitespace, bad lengths, stray bits") {
  CHECK(malformed("Zg=="));
  CHECK(malformed("Zg="));
  CHECK(malformed("+_8"));
  CHECK(malformed("-/8"));
  CHECK(malformed("Zm9v "));
  CHECK(malformed(" Zm9v"));
  CHECK(malformed("Zm\n9v"));
  CHECK(malformed("Z"));      // length 1 mod 4 never decodes
  CHECK(malformed("Zm9vY"));  // nor 5
  CHECK(malformed("Zh"));     // "Zg" with a non-zero unused bit: not the canonical encoding
  CHECK(malformed("Zm9"));    // "Zm8" likewise
  CHECK(malformed(std::string("Zm\0v", 4)));
  CHECK(malformed("Zm9v\xc3\xa9"));
}

TEST_CASE("base64 (standard) accepts padding and PEM line breaks, refuses misplaced padding") {
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("fo") == "Zm8=");
  auto dec = [](std::string_view s) {
    auto v = base64_decode(s);
    return std::string(v.begin(), v.end());
  };
  CHECK(dec("Zm8=") == "fo");
  CHECK(dec("Zm8") == "fo");
  CHECK(dec("Zm9v\nYmFy\r\n") == "foobar");
  CHECK_THROWS_AS(dec("Zm=8"), Error);
  CHECK_THROWS_AS(dec("Zg==="), Error);
  CHECK_THROWS_AS(dec("Zm-8"), Error);
}

TEST_CASE("hex and percent-encoding") {
  const std::uint8_t b[] = {0x00, 0xab, 0xff};
  CHECK(hex_encode(b, 3) == "00abff");
  CHECK(hex_encode(b, 3, true, ':') == "00:AB:FF");
  // RFC 3986 2.3 unreserved characters stay; everything else is %XX in upper case (RFC 5849 3.6).
  CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(percent_encode("a b+c/d=e&f%") == "a%20b%2Bc%2Fd%3De%26f%25");
  CHECK(percent_encode("\xc3\xa9") == "%C3%A9");
  CHECK(percent_decode("a%20b+c", true) == "a b c");
  CHECK(percent_decode("a%20b+c", false) == "a b+c");
  CHECK(percent_decode("%41%4a%4A", false) == "AJJ");
  CHECK_THROWS_AS(percent_decode("%4", false), Error);
  CHECK_THROWS_AS(percent_decode("%", false), Error);
  CHECK_THROWS_AS(percent_decode("%zz", false), Error);
  CHECK(form_urlencode("a b&c=d~") == "a+b%26c%3Dd~");
}
