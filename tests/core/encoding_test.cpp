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

namespace {
// Plain one-character-at-a-time references for the block-wise encoders.
std::string reference_b64url(const std::string &in) {
  static const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) out.push_back(a[(acc >> (bits -= 6)) & 63]);
  }
  if (bits > 0) out.push_back(a[(acc << (6 - bits)) & 63]);
  return out;
}
}  // namespace

TEST_CASE("base64url of every length 0 to 100 and every byte value matches a plain reference and reads back") {
  std::string data;
  for (int i = 0; i < 100; ++i) data.push_back(static_cast<char>((i * 151 + 7) & 0xff));
  for (std::size_t n = 0; n <= data.size(); ++n) {
    const std::string in = data.substr(0, n), enc = base64url_encode(in);
    CHECK(enc == reference_b64url(in));
    CHECK(base64url_decode_string(enc) == in);
    std::uint8_t buf[100];
    CHECK(base64url_decode_to(buf, sizeof buf, enc) == n);
    CHECK(std::string(reinterpret_cast<char *>(buf), n) == in);
    // A character outside the alphabet anywhere is refused.
    for (std::size_t at = 0; at < enc.size(); at += 7) {
      std::string bad = enc;
      bad[at] = '+';
      CHECK(malformed(bad));
    }
  }
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  CHECK(base64url_decode_string(base64url_encode(all)) == all);
  std::uint8_t small[4];
  CHECK_THROWS_AS(base64url_decode_to(small, sizeof small, "Zm9vYmFy"), Error);
}
