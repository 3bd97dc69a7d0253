// Sealing shared cache entries: known answers (tests/vectors/m2mauth/cache_seal.json), tampering,
// wrong keys and associated data, truncation, oversize; the key's text forms; the entry's codec.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cache/entry.hpp"
#include "cache/seal.hpp"
#include "m2mauth/core/error.hpp"
#include "test_json.hpp"

using namespace m2mauth::core;
using namespace m2mauth::core::cache;

namespace {

Sealer sealer_of(const std::string &key) { return Sealer(SecretString(key)); }

std::string key_bytes(char first = 1) {
  std::string k(32, '\0');
  for (int i = 0; i < 32; ++i) k[i] = static_cast<char>(first + i);
  return k;
}

// The message of the config error parse_cache_key throws, or "" when it accepts.
std::string key_error(std::string_view text) {
  try {
    parse_cache_key(text, "cache.key");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::config);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("cache seal: known answers, each step checked") {
  auto doc = m2mtest::load_vector_json("m2mauth/cache_seal.json");
  int n = 0;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "cases")) {
    const std::string key = m2mtest::hex_decode(m2mtest::str(c, "key_hex"));
    const std::string nonce = m2mtest::hex_decode(m2mtest::str(c, "nonce_hex"));
    const std::string aad = m2mtest::hex_decode(m2mtest::str(c, "aad_hex"));
    const std::string plain = m2mtest::hex_decode(m2mtest::str(c, "plaintext_hex"));
    Sealer s = sealer_of(key);
    CHECK(s.key_id() == m2mtest::hex_decode(m2mtest::str(c, "key_id_hex")));
    const std::string sealed = s.seal_with_nonce(plain, aad, nonce);
    const std::string ct = m2mtest::hex_decode(m2mtest::str(c, "ciphertext_hex"));
    const std::string tag = m2mtest::hex_decode(m2mtest::str(c, "tag_hex"));
    CHECK(sealed.substr(kHeaderBytes, ct.size()) == ct);
    CHECK(sealed.substr(sealed.size() - kTagBytes) == tag);
    CHECK(sealed == m2mtest::hex_decode(m2mtest::str(c, "sealed_hex")));
    auto opened = s.open(sealed, aad);
    REQUIRE(opened);
    CHECK(opened->reveal() == plain);
    ++n;
  }
  CHECK(n == 3);
}

TEST_CASE("cache seal: any flipped byte, another key, other associated data, truncation: not opened") {
  Sealer s = sealer_of(key_bytes());
  const std::string aad = "m2mauth:0123";
  const std::string sealed = s.seal("an access token", aad);
  REQUIRE(s.open(sealed, aad));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (int bit : {0x01, 0x80}) {
      std::string t = sealed;
      t[i] = static_cast<char>(t[i] ^ bit);
      CHECK_FALSE(s.open(t, aad));
    }
  }
  CHECK_FALSE(sealer_of(key_bytes(2)).open(sealed, aad));
  CHECK_FALSE(s.open(sealed, "m2mauth:0124"));
  CHECK_FALSE(s.open(sealed, ""));
  for (std::size_t len = 0; len < sealed.size(); ++len) CHECK_FALSE(s.open(sealed.substr(0, len), aad));
  CHECK_FALSE(s.open(sealed + "x", aad));
  // Huge: refused before any decryption.
  std::string huge = sealed.substr(0, kHeaderBytes) + std::string(kMaxSealedBytes + 1, 'x') + std::string(kTagBytes, 't');
  CHECK_FALSE(s.open(huge, aad));
  // Two seals of one plaintext differ (fresh nonces) and both open.
  const std::string again = s.seal("an access token", aad);
  CHECK(again != sealed);
  CHECK(s.open(again, aad));
}

TEST_CASE("cache key text: raw, hex, base64url accepted, anything else a config error without the value") {
  const std::string raw = key_bytes();
  CHECK(parse_cache_key(raw, "k").reveal() == raw);
  const std::string hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  std::string expect(32, '\0');
  for (int i = 0; i < 32; ++i) expect[i] = static_cast<char>(i);
  CHECK(parse_cache_key(hex, "k").reveal() == expect);
  CHECK(parse_cache_key(hex + "\n", "k").reveal() == expect);
  CHECK(parse_cache_key("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "k").reveal() == expect);
  const std::string b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
  CHECK(parse_cache_key(b64, "k").reveal() == expect);
  CHECK(parse_cache_key(b64 + "=", "k").reveal() == expect);
  CHECK(parse_cache_key("  " + b64 + "\r\n", "k").reveal() == expect);
  for (const std::string &bad : std::vector<std::string>{std::string(), std::string("short"), std::string(31, 'a'), std::string(33, 'a'),
                                hex.substr(0, 62), hex + "00", "zz" + hex.substr(2), b64.substr(0, 42),
                                b64.substr(0, 42) + "+", b64.substr(0, 42) + "/", b64 + "==",
                                "SECRETVALUE" + std::string(60, 'q')}) {
    const std::string msg = key_error(bad);
    CHECK(msg.find("cache.key") != std::string::npos);
    CHECK(msg.find("256-bit") != std::string::npos);
    if (bad.size() >= 8) CHECK(msg.find(bad.substr(0, 8)) == std::string::npos);
  }
}

TEST_CASE("cache entry: round trip, malformed, truncated or padded entries refused") {
  Token t;
  t.access_token = SecretString("tok-123");
  t.token_type = "Bearer";
  t.scope = "api.read";
  t.issued_token_type = "urn:ietf:params:oauth:token-type:access_token";
  t.issued_at_ms = 1700000000000;
  t.expires_at_ms = 1700000060000;
  const std::string bytes = encode_entry(t);
  auto back = decode_entry(bytes);
  REQUIRE(back);
  CHECK(back->access_token.reveal() == "tok-123");
  CHECK(back->token_type == "Bearer");
  CHECK(back->scope == "api.read");
  CHECK(back->issued_token_type == t.issued_token_type);
  CHECK(back->issued_at_ms == t.issued_at_ms);
  CHECK(back->expires_at_ms == t.expires_at_ms);
  for (std::size_t len = 0; len < bytes.size(); ++len) CHECK_FALSE(decode_entry(bytes.substr(0, len)));
  CHECK_FALSE(decode_entry(bytes + "x"));
  std::string v2 = bytes;
  v2[0] = 2;
  CHECK_FALSE(decode_entry(v2));
  Token bad = t;
  bad.expires_at_ms = bad.issued_at_ms;  // expiry not after issue
  CHECK_FALSE(decode_entry(encode_entry(bad)));
  bad = t;
  bad.access_token = SecretString("");
  CHECK_FALSE(decode_entry(encode_entry(bad)));
  // A length field claiming more than there is.
  std::string huge = bytes;
  huge[17] = '\x7f';
  CHECK_FALSE(decode_entry(huge));
}
