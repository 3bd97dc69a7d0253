// Wycheproof HMAC-SHA256 through core::sign_bytes / verify_bytes as HS256.
//
// JWS never truncates a MAC, so a truncated tag (tagSize < 256) is checked as a prefix of the full MAC
// sign_bytes computes; a full tag goes through verify_bytes. RFC 7518 3.2 requires an HS256 key of at
// least 256 bits: m2mauth refuses shorter keys (Errc::key_type), which this test asserts and counts as
// "refused by m2mauth policy".
#include <doctest/doctest.h>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jws.hpp"
#include "test_json.hpp"

using namespace m2mauth::core;
using m2mtest::str;

TEST_CASE("Wycheproof hmac_sha256_test.json as HS256") {
  m2mtest::Tally tally{"hmac_sha256_test.json"};
  auto doc = m2mtest::load_vector_json("wycheproof/hmac_sha256_test.json");
  M2MTEST_FOR_EACH(g, m2mtest::member(doc.get(), "testGroups")) {
    const long long key_bits = m2mtest::integer(g, "keySize"), tag_bits = m2mtest::integer(g, "tagSize");
    M2MTEST_FOR_EACH(t, m2mtest::member(g, "tests")) {
      const std::string key = m2mtest::hex_decode(str(t, "key")), msg = m2mtest::hex_decode(str(t, "msg")),
                        tag = m2mtest::hex_decode(str(t, "tag")), result = str(t, "result");
      INFO("tcId " << m2mtest::integer(t, "tcId") << " key " << key_bits << " bits, tag " << tag_bits << " bits");
      Key k = Key::from_secret(reinterpret_cast<const std::uint8_t *>(key.data()), key.size());
      if (key.size() < 32) {
        CHECK_THROWS_WITH_AS(sign_bytes(k, Alg::hs256, msg), doctest::Contains("at least 32 bytes"), Error);
        CHECK_THROWS_AS(verify_bytes(k, Alg::hs256, msg, tag), Error);
        ++tally.by_policy;
        continue;
      }
      bool ok;
      if (tag_bits == 256) {
        ok = verify_bytes(k, Alg::hs256, msg, tag);
        CHECK(ok == (sign_bytes(k, Alg::hs256, msg) == tag));
      } else {
        std::string full = sign_bytes(k, Alg::hs256, msg);
        REQUIRE(full.size() == 32);
        ok = full.compare(0, tag.size(), tag) == 0 && tag.size() * 8 == static_cast<std::size_t>(tag_bits);
        CHECK_FALSE(verify_bytes(k, Alg::hs256, msg, tag));  // JWS refuses a truncated MAC
      }
      if (result == "valid") {
        CHECK(ok);
        ++tally.valid;
      } else {
        CHECK_FALSE(ok);
        ++tally.invalid;
      }
    }
  }
  CHECK(tally.total() == m2mtest::integer(doc.get(), "numberOfTests"));
  CHECK(tally.by_policy == 6);
  tally.print();
}
