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

TEST_CASE("Wycheproof hmac_sha256_test.json as HS256") {
  m2mtest::Tally tally{"hmac_sha256_test.json"};
  auto doc = m2mtest::load_vector_json("wycheproof/hmac_sha256_test.json");
  m2mtest::for_each_mac_case(doc.get(), [&](const m2mtest::MacCase &c) {
    INFO("tcId " << c.tc_id << " key " << c.key_bits << " bits, tag " << c.tag_bits << " bits");
    Key k = Key::from_secret(reinterpret_cast<const std::uint8_t *>(c.key.data()), c.key.size());
    if (c.key.size() < 32) {
      CHECK_THROWS_WITH_AS(sign_bytes(k, Alg::hs256, c.msg), doctest::Contains("at least 32 bytes"), Error);
      CHECK_THROWS_AS(verify_bytes(k, Alg::hs256, c.msg, c.tag), Error);
      ++tally.by_policy;
      return;
    }
    bool ok;
    if (c.tag_bits == 256) {
      ok = verify_bytes(k, Alg::hs256, c.msg, c.tag);
      CHECK(ok == (sign_bytes(k, Alg::hs256, c.msg) == c.tag));
    } else {
      std::string full = sign_bytes(k, Alg::hs256, c.msg);
      REQUIRE(full.size() == 32);
      ok = full.compare(0, c.tag.size(), c.tag) == 0 && c.tag.size() * 8 == static_cast<std::size_t>(c.tag_bits);
      CHECK_FALSE(verify_bytes(k, Alg::hs256, c.msg, c.tag));  // JWS refuses a truncated MAC
    }
    CHECK(tally.expect(c.result, ok));
  });
  CHECK(tally.total() == m2mtest::integer(doc.get(), "numberOfTests"));
  CHECK(tally.by_policy == 6);
  tally.print();
}
