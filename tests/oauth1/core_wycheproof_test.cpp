// Wycheproof hmac_sha1_test.json through the OAuth 1.0 signer's own HMAC-SHA1 (the code that signs
// senhasegura's requests): Oauth1Signer::Impl::append_signature with the vector's key in place of the
// "consumer secret & token secret" key and the vector's message in place of the base string.
//
// The signer keys a pooled EVP_MAC_CTX once and restarts it for each later signature, so every vector
// is signed twice with the same Impl (the fresh context, then the reused one). OAuth 1.0 never truncates
// the MAC: a truncated tag (tagSize 80) is checked as a prefix of the full signature. RFC 5849 sets no
// minimum key length, so the 80-bit keys are signed too.
#include <doctest/doctest.h>

#include "oauth1/oauth1_impl.hpp"
#include "test_json.hpp"

using namespace m2mauth::core;

TEST_CASE("Wycheproof hmac_sha1_test.json through the OAuth 1.0 HMAC-SHA1 signer") {
  m2mtest::Tally tally{"hmac_sha1_test.json"};
  auto doc = m2mtest::load_vector_json("wycheproof/hmac_sha1_test.json");
  m2mtest::for_each_mac_case(doc.get(), [&](const m2mtest::MacCase &c) {
    INFO("tcId " << c.tc_id << " key " << c.key_bits << " bits, tag " << c.tag_bits << " bits");
    Oauth1Config config;
    config.consumer_key = "wycheproof";
    config.method = Oauth1Method::hmac_sha1;
    Oauth1Signer::Impl impl(std::move(config));
    impl.key = SecretBytes(c.key);

    std::string first, second;
    impl.append_signature(first, c.msg);
    impl.append_signature(second, c.msg);
    CHECK(first == second);
    const std::string mac = m2mtest::base64_decode(first);
    REQUIRE(mac.size() == 20);
    const bool ok = c.tag.size() * 8 == static_cast<std::size_t>(c.tag_bits) && mac.compare(0, c.tag.size(), c.tag) == 0;
    CHECK(tally.expect(c.result, ok));
  });
  CHECK(tally.total() == m2mtest::integer(doc.get(), "numberOfTests"));
  tally.print();
}
