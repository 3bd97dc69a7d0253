// Runs the tests of one Wycheproof signature-verification group through core::verify_bytes with each
// form of the group's key, and checks "valid"/"invalid"/"acceptable" exactly.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jws.hpp"
#include "test_json.hpp"

namespace m2mtest {

using m2mauth::core::Key;

// The group's public key in every form the file gives: PEM, DER (SPKI), PKCS#1 DER, JWK.
inline std::vector<std::pair<std::string, Key>> group_keys(const cJSON *group) {
  using namespace m2mauth::core;
  std::vector<std::pair<std::string, Key>> keys;
  if (has(group, "publicKeyPem")) keys.emplace_back("PEM", Key::from_pem(str(group, "publicKeyPem"), nullptr));
  if (has(group, "publicKeyDer")) {
    std::string der = hex_decode(str(group, "publicKeyDer"));
    keys.emplace_back("DER", Key::from_der(reinterpret_cast<const std::uint8_t *>(der.data()), der.size(), nullptr));
  }
  if (has(group, "publicKeyAsn")) {
    std::string der = hex_decode(str(group, "publicKeyAsn"));
    keys.emplace_back("PKCS#1 DER", Key::from_der(reinterpret_cast<const std::uint8_t *>(der.data()), der.size(), nullptr));
  }
  for (const char *jwk : {"publicKeyJwk", "keyJwk"})
    if (has(group, jwk)) keys.emplace_back("JWK", key_from_jwk(print(member(group, jwk))));
  REQUIRE(!keys.empty());
  // Every form is the same key.
  const std::string thumb = jwk_thumbprint(keys.front().second);
  for (const auto &k : keys) {
    INFO(k.first);
    CHECK_FALSE(k.second.has_private());
    CHECK(jwk_thumbprint(k.second) == thumb);
  }
  return keys;
}

// Verifies each test of the group with each key form. Returns nothing; counts into tally.
inline void run_signature_group(Tally &tally, const cJSON *group, m2mauth::core::Alg alg) {
  auto keys = group_keys(group);
  M2MTEST_FOR_EACH(t, member(group, "tests")) {
    const std::string result = str(t, "result");
    const std::string msg = hex_decode(str(t, "msg")), sig = hex_decode(str(t, "sig"));
    bool first = true, first_ok = false;
    for (const auto &k : keys) {
      bool ok;
      try {
        ok = m2mauth::core::verify_bytes(k.second, alg, msg, sig);
      } catch (const m2mauth::core::Error &e) {
        FAIL("tcId " << integer(t, "tcId") << " threw " << e.what());
        ok = false;
      }
      INFO(tally.file << " tcId " << integer(t, "tcId") << " (" << str(t, "comment") << ") with the " << k.first
                      << " key");
      if (result == "valid") CHECK(ok);
      else if (result == "invalid") CHECK_FALSE(ok);
      if (first) first_ok = ok;
      else CHECK(ok == first_ok);  // every key form decides the same
      first = false;
    }
    if (result == "valid") ++tally.valid;
    else if (result == "invalid") ++tally.invalid;
    else if (first_ok) ++tally.acceptable_accepted;
    else ++tally.acceptable_refused;
  }
}

inline Tally run_signature_file(const char *file, m2mauth::core::Alg alg) {
  Tally tally{file};
  auto doc = load_vector_json(std::string("wycheproof/") + file);
  int groups = 0;
  M2MTEST_FOR_EACH(g, member(doc.get(), "testGroups")) {
    run_signature_group(tally, g, alg);
    ++groups;
  }
  CHECK(tally.total() == integer(doc.get(), "numberOfTests"));
  tally.print();
  return tally;
}

}  // namespace m2mtest
