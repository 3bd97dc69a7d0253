// Which key may serve which algorithm, and keys that must never load (core).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "code_of.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/jwt.hpp"
#include "test_json.hpp"

using namespace m2mauth::core;
using m2mtest::code_of;
using m2mtest::str;

namespace {

Key test_key(const cJSON *doc, const char *name, const char *form = "private_jwk") {
  const cJSON *k = m2mtest::member(m2mtest::member(doc, "keys"), name);
  return key_from_jwk(m2mtest::print(m2mtest::member(k, form)));
}

// DER of an RSA SubjectPublicKeyInfo with the given modulus and exponent (big-endian bytes).
std::string der_len(std::size_t n) {
  if (n < 128) return std::string(1, static_cast<char>(n));
  std::string b;
  while (n > 0) {
    b.insert(b.begin(), static_cast<char>(n & 0xff));
    n >>= 8;
  }
  return std::string(1, static_cast<char>(0x80 | b.size())) + b;
}
std::string der(char tag, const std::string &body) { return std::string(1, tag) + der_len(body.size()) + body; }
std::string der_int(std::string bytes) {
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80)) bytes.insert(bytes.begin(), '\0');
  return der(0x02, bytes);
}
std::string rsa_spki(const std::string &n, const std::string &e) {
  const std::string alg = der(0x30, der(0x06, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01") + std::string("\x05\x00", 2));
  const std::string pkcs1 = der(0x30, der_int(n) + der_int(e));
  return der(0x30, alg + der(0x03, std::string(1, '\0') + pkcs1));
}

}  // namespace

TEST_CASE("every key type against every algorithm: only the matching family and curve") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  struct K {
    const char *name;
    std::vector<Alg> ok;
  } keys[] = {
      {"rsa2048", {Alg::rs256, Alg::rs384, Alg::rs512, Alg::ps256, Alg::ps384, Alg::ps512}},
      {"ec_p256", {Alg::es256}},
      {"ec_p384", {Alg::es384}},
      {"ec_p521", {Alg::es512}},
      {"ed25519", {Alg::eddsa}},
      {"hmac256", {Alg::hs256}},  // 32 bytes: too short for HS384 and HS512 (RFC 7518 3.2)
      {"hmac512", {Alg::hs256, Alg::hs384, Alg::hs512}},
  };
  for (const auto &k : keys) {
    Key key = test_key(doc.get(), k.name);
    for (int a = 1; a <= alg_count; ++a) {
      Alg alg = static_cast<Alg>(a);
      bool want = std::find(k.ok.begin(), k.ok.end(), alg) != k.ok.end();
      INFO(std::string(k.name) << " with " << std::string(alg_name(alg)));
      CHECK((code_of([&] { check_key_for_alg(key, alg, true); }) == Errc::ok) == want);
      if (!want) {
        CHECK(code_of([&] { sign_bytes(key, alg, "x"); }) == Errc::key_type);
        CHECK(code_of([&] { verify_bytes(key, alg, "x", std::string(64, 'x')); }) == Errc::key_type);
      } else {
        const std::string sig = sign_bytes(key, alg, "signing input");
        CHECK(verify_bytes(key, alg, "signing input", sig));
        CHECK_FALSE(verify_bytes(key, alg, "signing input.", sig));
      }
    }
  }
}

TEST_CASE("signing needs the private key, verifying works with the public one") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  for (const char *name : {"rsa2048", "ec_p256", "ed25519"}) {
    INFO(std::string(name));
    Key priv = test_key(doc.get(), name), pub = test_key(doc.get(), name, "public_jwk");
    CHECK(priv.has_private());
    CHECK_FALSE(pub.has_private());
    Alg alg = alg_default_for(priv);
    CHECK(code_of([&] { sign_bytes(pub, alg, "x"); }) == Errc::no_private);
    CHECK(verify_bytes(pub, alg, "x", sign_bytes(priv, alg, "x")));
    CHECK(code_of([&] { (void)pub.private_pem(nullptr); }) == Errc::no_private);
    CHECK(code_of([&] { (void)private_jwk(pub); }) == Errc::no_private);
  }
}

TEST_CASE("\"none\" is refused in every spelling and unknown names are refused") {
  for (const char *n : {"none", "None", "NONE", "nOnE", "", "HS1", "hs256", "RS256 ", "ES521", "EdDSA\n", "ES256K",
                        "A256GCM", "RSA1_5", "Ed25519"}) {
    INFO(std::string(n));
    CHECK_FALSE(alg_known(n));
    CHECK(code_of([&] { alg_from_name(n); }) == Errc::algorithm);
  }
  CHECK(code_of([&] { alg_set_parse("RS256,none"); }) == Errc::algorithm);
  CHECK(code_of([&] { alg_set_parse(" , "); }) == Errc::invalid_argument);
  CHECK(alg_set_parse("RS256, ES256 EdDSA") == (alg_bit(Alg::rs256) | alg_bit(Alg::es256) | alg_bit(Alg::eddsa)));
}

TEST_CASE("RSA keys below 2048 bits neither sign nor verify") {
  // RFC 7515 A.2 uses 2048 bits; a 1024-bit key from Wycheproof's json_web_key_test.json (keysize_too_small).
  auto jwks = m2mtest::load_vector_json("wycheproof/json_web_key_test.json");
  const cJSON *small = nullptr;
  M2MTEST_FOR_EACH(g, m2mtest::member(jwks.get(), "testGroups"))
  if (str(g, "comment") == "keysize_too_small") small = m2mtest::member(m2mtest::member(g, "private"), "keys")->child;
  REQUIRE(small != nullptr);
  Key key = key_from_jwk(m2mtest::print(small));
  CHECK(key.bits() == 1024);
  CHECK(code_of([&] { sign_bytes(key, Alg::rs256, "x"); }) == Errc::key_type);
  CHECK(code_of([&] { verify_bytes(key, Alg::rs256, "x", std::string(128, 'x')); }) == Errc::key_type);
}

TEST_CASE("RSA public exponent 1 or even is refused at load (a forged signature must not verify)") {
  // With e = 1 a "signature" is the padded digest itself: anyone can forge it. m2mauth refuses such
  // keys in every form (JWK, SPKI DER, PEM) before they reach a verification.
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  const cJSON *pub = m2mtest::member(m2mtest::member(m2mtest::member(doc.get(), "keys"), "rsa2048"), "public_jwk");
  const std::string n = base64url_decode_string(str(pub, "n"));
  for (std::string e : {std::string("\x01", 1), std::string("\x02", 1), std::string("\x01\x00\x00", 3)}) {
    INFO("e = " << m2mtest::base64url_encode(e));
    std::string jwk = R"({"kty":"RSA","n":")" + str(pub, "n") + R"(","e":")" + m2mtest::base64url_encode(e) + "\"}";
    CHECK(code_of([&] { key_from_jwk(jwk); }) == Errc::key);
    std::string spki = rsa_spki(n, e);
    CHECK(code_of([&] { Key::from_der(reinterpret_cast<const std::uint8_t *>(spki.data()), spki.size(), nullptr); }) ==
          Errc::key);
    std::string pem = "-----BEGIN PUBLIC KEY-----\n" + base64_encode(spki) + "\n-----END PUBLIC KEY-----\n";
    CHECK(code_of([&] { Key::from_pem(pem, nullptr); }) == Errc::key);
  }
  // e = 3 is weak-looking but sound, and Wycheproof has valid signatures under it.
  std::string spki3 = rsa_spki(n, "\x03");
  Key k3 = Key::from_der(reinterpret_cast<const std::uint8_t *>(spki3.data()), spki3.size(), nullptr);
  CHECK(k3.bits() == 2048);
  // The Wycheproof JWK case "exponentOne" (json_web_key_test.json tcId 9) is a private key with e = d = 1.
  auto jwks = m2mtest::load_vector_json("wycheproof/json_web_key_test.json");
  M2MTEST_FOR_EACH(g, m2mtest::member(jwks.get(), "testGroups")) {
    if (str(g, "comment") != "exponentOne") continue;
    const cJSON *k = m2mtest::member(m2mtest::member(g, "private"), "keys")->child;
    CHECK(code_of([&] { key_from_jwk(m2mtest::print(k)); }) == Errc::key);
  }
}

TEST_CASE("JWK members that must not load") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  const cJSON *keys = m2mtest::member(doc.get(), "keys");
  auto jwk_with = [&](const char *key, const char *form, const char *name, const char *value) {
    m2mtest::JsonPtr j(cJSON_Duplicate(m2mtest::member(m2mtest::member(keys, key), form), true));
    cJSON_DeleteItemFromObjectCaseSensitive(j.get(), name);
    if (value != nullptr) cJSON_AddItemToObject(j.get(), name, cJSON_CreateString(value));
    return m2mtest::print(j.get());
  };
  const std::string x256 = str(m2mtest::member(m2mtest::member(keys, "ec_p256"), "public_jwk"), "x");
  // The EC point must lie on the curve: change the last character of y.
  std::string y = str(m2mtest::member(m2mtest::member(keys, "ec_p256"), "public_jwk"), "y");
  y.back() = y.back() == 'A' ? 'Q' : 'A';
  CHECK(code_of([&] { key_from_jwk(jwk_with("ec_p256", "public_jwk", "y", y.c_str())); }) == Errc::key);
  // Coordinates of another curve's length.
  CHECK(code_of([&] { key_from_jwk(jwk_with("ec_p384", "public_jwk", "x", x256.c_str())); }) == Errc::key);
  CHECK(code_of([&] { key_from_jwk(jwk_with("ec_p256", "public_jwk", "crv", "P-384")); }) == Errc::key);
  CHECK(code_of([&] { key_from_jwk(jwk_with("ec_p256", "public_jwk", "crv", "secp256k1")); }) == Errc::unsupported);
  CHECK(code_of([&] { key_from_jwk(jwk_with("ec_p256", "public_jwk", "crv", "prime256v1")); }) == Errc::unsupported);
  // A private scalar that does not belong to the public point.
  const std::string other_d = str(m2mtest::member(m2mtest::member(keys, "ec_p256"), "private_jwk"), "x");
  CHECK(code_of([&] { key_from_jwk(jwk_with("ec_p256", "private_jwk", "d", other_d.c_str())); }) == Errc::key);
  const std::string other_x = str(m2mtest::member(m2mtest::member(keys, "ed25519"), "private_jwk"), "d");
  CHECK(code_of([&] { key_from_jwk(jwk_with("ed25519", "private_jwk", "x", other_x.c_str())); }) == Errc::key);
  // Missing, empty and non-base64url members, unknown kty.
  CHECK(code_of([&] { key_from_jwk(jwk_with("rsa2048", "public_jwk", "n", nullptr)); }) == Errc::key);
  CHECK(code_of([&] { key_from_jwk(jwk_with("rsa2048", "public_jwk", "e", "")); }) == Errc::key);
  CHECK(code_of([&] { key_from_jwk(jwk_with("rsa2048", "public_jwk", "e", "AQ=B")); }) == Errc::key);
  CHECK(code_of([&] { key_from_jwk(jwk_with("rsa2048", "public_jwk", "n", "AAAA")); }) == Errc::key);  // leading zero
  CHECK(code_of([&] { key_from_jwk(jwk_with("rsa2048", "private_jwk", "dq", nullptr)); }) == Errc::key);
  CHECK(code_of([&] { key_from_jwk(jwk_with("hmac256", "private_jwk", "k", "")); }) == Errc::key);
  CHECK(code_of([&] { key_from_jwk(jwk_with("hmac256", "private_jwk", "kty", "OCT")); }) == Errc::unsupported);
  CHECK(code_of([&] { key_from_jwk(jwk_with("ed25519", "public_jwk", "crv", "X25519")); }) == Errc::unsupported);
  CHECK(code_of([&] { key_from_jwk(jwk_with("ed25519", "public_jwk", "crv", "Ed448")); }) == Errc::unsupported);
}

TEST_CASE("JWKs meant for encryption are refused (use, key_ops), signature keys load") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  const cJSON *keys = m2mtest::member(doc.get(), "keys");
  auto with = [&](const char *key, const char *extra) {
    std::string j = m2mtest::print(m2mtest::member(m2mtest::member(keys, key), "public_jwk"));
    j.pop_back();
    return j + "," + extra + "}";
  };
  for (const char *k : {"rsa2048", "ec_p256", "ed25519"}) {
    INFO(std::string(k));
    CHECK(code_of([&] { key_from_jwk(with(k, R"("use":"enc")")); }) == Errc::unsupported);
    CHECK(code_of([&] { key_from_jwk(with(k, R"("key_ops":["encrypt","wrapKey"])")); }) == Errc::unsupported);
    CHECK(code_of([&] { key_from_jwk(with(k, R"("key_ops":[])")); }) == Errc::unsupported);
    CHECK(code_of([&] { key_from_jwk(with(k, R"("use":"sig")")); }) == Errc::ok);
    CHECK(code_of([&] { key_from_jwk(with(k, R"("key_ops":["verify"])")); }) == Errc::ok);
    CHECK(code_of([&] { key_from_jwk(with(k, R"("use":"sig","key_ops":["sign","verify"])")); }) == Errc::ok);
    CHECK(code_of([&] { key_from_jwk(with(k, R"("use":1)")); }) == Errc::malformed);
    CHECK(code_of([&] { key_from_jwk(with(k, R"("key_ops":"verify")")); }) == Errc::malformed);
  }
  std::string oct = m2mtest::print(m2mtest::member(m2mtest::member(keys, "hmac256"), "private_jwk"));
  oct.pop_back();
  CHECK(code_of([&] { key_from_jwk(oct + R"(,"use":"enc"})"); }) == Errc::unsupported);
  // In a JWKS the encryption key is skipped, not fatal.
  std::string set = "{\"keys\":[" + with("rsa2048", R"("use":"enc")") + "," +
                    m2mtest::print(m2mtest::member(m2mtest::member(keys, "ec_p256"), "public_jwk")) + "]}";
  CHECK(keys_from_jwks(set).size() == 1);
  CHECK(key_from_jwks(set, "ec_p256").type() == KeyType::ec);
  CHECK(code_of([&] { key_from_jwks(set, "rsa2048"); }) == Errc::not_found);
}

TEST_CASE("a JWKS may not mix secret and public keys, nor repeat a kid within one key type") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  const cJSON *keys = m2mtest::member(doc.get(), "keys");
  auto jwk = [&](const char *k, const char *form) { return m2mtest::print(m2mtest::member(m2mtest::member(keys, k), form)); };
  // Wycheproof json_web_key_test.json tcId 1: an HMAC secret next to public keys is ambiguous.
  CHECK(code_of([&] { keys_from_jwks("{\"keys\":[" + jwk("hmac256", "private_jwk") + "," + jwk("ec_p256", "public_jwk") + "]}"); }) ==
        Errc::key);
  // tcId 4: two keys with the same kid.
  std::string h2 = jwk("hmac512", "private_jwk");
  h2.replace(h2.find("\"hmac512\""), 9, "\"hmac256\"");
  CHECK(code_of([&] { keys_from_jwks("{\"keys\":[" + jwk("hmac256", "private_jwk") + "," + h2 + "]}"); }) == Errc::key);
  // Secrets only, or public keys only, are fine; so is one kid on keys of different types (RFC 7517 4.5).
  CHECK(keys_from_jwks("{\"keys\":[" + jwk("hmac256", "private_jwk") + "," + jwk("hmac512", "private_jwk") + "]}").size() == 2);
  std::string ec = jwk("ec_p256", "public_jwk");
  ec.replace(ec.find("\"ec_p256\""), 9, "\"rsa2048\"");
  auto both = keys_from_jwks("{\"keys\":[" + jwk("rsa2048", "public_jwk") + "," + ec + "]}");
  CHECK(both.size() == 2);
}

TEST_CASE("a JWK's \"alg\" binds the key to that one algorithm (RFC 7517 4.4, RFC 8725 3.1)") {
  auto doc = m2mtest::load_vector_json("m2mauth/jose.json");
  const cJSON *rsa = m2mtest::member(m2mtest::member(doc.get(), "keys"), "rsa2048");
  auto with_alg = [&](const char *form, const char *alg) {
    auto jwk = m2mtest::parse_json(m2mtest::print(m2mtest::member(rsa, form)));
    cJSON_AddStringToObject(jwk.get(), "alg", alg);
    return m2mtest::print(jwk.get());
  };
  const Key unbound = key_from_jwk(m2mtest::print(m2mtest::member(rsa, "private_jwk")));
  const Key ps256 = key_from_jwk(with_alg("private_jwk", "PS256"));
  const Key ps256_pub = key_from_jwk(with_alg("public_jwk", "PS256"));
  CHECK(unbound.alg_binding() == 0);
  CHECK(ps256.alg_binding() == static_cast<int>(Alg::ps256));

  // Signing: the binding is the default, any other algorithm is refused.
  JwsHeader h;
  const std::string token = jws_sign(ps256, "{}", h);
  CHECK(jws_parse_header(jws_segments(token, 1u << 20).header_b64).alg == Alg::ps256);
  h.alg = static_cast<int>(Alg::rs256);
  CHECK(code_of([&] { jws_sign(ps256, "{}", h); }) == Errc::algorithm);
  // Verifying: a token in another algorithm is refused even when the allow-list has it.
  const std::string rs256_token = jws_sign(unbound, "{}", h);
  CHECK(jws_verify(ps256_pub, token, alg_all_bits) == "{}");
  CHECK(code_of([&] { jws_verify(ps256_pub, rs256_token, alg_all_bits); }) == Errc::algorithm);
  CHECK(jws_verify(key_from_jwk(m2mtest::print(m2mtest::member(rsa, "public_jwk"))), rs256_token, alg_all_bits) == "{}");

  // The binding travels: public part, another kid, the exported JWK (the thumbprint does not change).
  CHECK(ps256.public_only().alg_binding() == static_cast<int>(Alg::ps256));
  CHECK(ps256.with_kid("k2").alg_binding() == static_cast<int>(Alg::ps256));
  const std::string exported = public_jwk(ps256);
  CHECK(exported.find("\"alg\":\"PS256\"") != std::string::npos);
  CHECK(key_from_jwk(exported).alg_binding() == static_cast<int>(Alg::ps256));
  CHECK(jwk_thumbprint(ps256) == jwk_thumbprint(unbound));

  // An alg of another key type, or one that is not a JWS algorithm, never loads.
  CHECK(code_of([&] { key_from_jwk(with_alg("public_jwk", "ES256")); }) == Errc::key);
  CHECK(code_of([&] { key_from_jwk(with_alg("public_jwk", "HS256")); }) == Errc::key);
  CHECK(code_of([&] { key_from_jwk(with_alg("public_jwk", "RSA-OAEP")); }) == Errc::unsupported);
  CHECK(code_of([&] { key_from_jwk(with_alg("public_jwk", "none")); }) == Errc::unsupported);
  // In a JWKS such keys are skipped like "use":"enc" ones; the others stay usable.
  const std::string set = "{\"keys\":[" + with_alg("public_jwk", "RSA-OAEP") + "]}";
  CHECK(keys_from_jwks(set).empty());
}

TEST_CASE("a verifier finds JWKS keys by kid through its index: every kid, the order of keys sharing one, none") {
  // Many keys: each token names its key's kid; another kid, or an alg no key of that kid fits, fails.
  std::vector<Key> keys;
  for (int i = 0; i < 300; ++i) keys.push_back(Key::generate_hmac(32).with_kid("k" + std::to_string(i)));
  keys.push_back(Key::generate_hmac(32));  // no kid: found by an empty "kid" only
  Verifier v(keys, alg_bit(Alg::hs256));
  JwsHeader header;
  header.alg = static_cast<int>(Alg::hs256);
  for (int i : {0, 1, 150, 298, 299}) {
    Claims c;
    c.set_string("n", std::to_string(i));
    CHECK(v.verify(jwt_sign(keys[static_cast<std::size_t>(i)], c, header)).get_string("n") == std::to_string(i));
  }
  // A token signed by key 7 but naming key 8's kid does not verify: the kid picks the key.
  header.kid = "k8";
  CHECK(code_of([&] { v.verify(jwt_sign(keys[7], Claims(), header)); }) == Errc::signature);
  header.kid = "k300";
  CHECK(code_of([&] { v.verify(jwt_sign(keys[7], Claims(), header)); }) == Errc::not_found);
  CHECK(v.verify(jws_sign_protected(keys[300], "{\"alg\":\"HS256\",\"kid\":\"\"}", "{}")).to_json() == "{}");
  CHECK(code_of([&] { v.verify(jwt_sign(keys[300], Claims(), JwsHeader{})); }) == Errc::not_found);  // no kid

  // RFC 7517 4.5: keys of different types under one kid; the one that fits the token's alg is taken,
  // whichever comes first in the set, and with none fitting the first one reports the key-type error.
  Key rsa = Key::generate_rsa(2048).with_kid("shared");
  Key ec = Key::generate_ec(Curve::p256).with_kid("shared");
  Key ed = Key::generate_ed25519().with_kid("shared");
  std::vector<Key> mixed = {Key::generate_ec(Curve::p384).with_kid("other"), rsa.public_only(), ec.public_only(),
                            ed.public_only()};
  Verifier m(mixed, alg_all_bits);
  for (const Key *k : {&rsa, &ec, &ed}) {
    JwsHeader h;
    Claims c;
    c.set_string("by", curve_name(k->curve()));
    CHECK(m.verify(jwt_sign(*k, c, h)).get_string("by") == curve_name(k->curve()));
  }
  JwsHeader h;
  h.alg = static_cast<int>(Alg::es384);
  Key p384 = Key::generate_ec(Curve::p384).with_kid("shared");
  CHECK(code_of([&] { m.verify(jwt_sign(p384, Claims(), h)); }) == Errc::key_type);
}

TEST_CASE("JWKS duplicate kids are found in a large set too") {
  std::string set = "{\"keys\":[";
  for (int i = 0; i < 200; ++i) {
    if (i > 0) set += ',';
    set += private_jwk(Key::generate_hmac(32).with_kid("k" + std::to_string(i == 199 ? 3 : i)));
  }
  set += "]}";
  CHECK(code_of([&] { keys_from_jwks(set); }) == Errc::key);
}

TEST_CASE("claims with a duplicate member are refused in large objects too, plain or escaped, top or nested") {
  // Small objects compare names pairwise, large ones through a hash set: both refuse duplicates.
  Key key = Key::generate_hmac(32);
  Verifier v(key, alg_bit(Alg::hs256));
  JwsHeader h;
  std::string members;
  for (int i = 0; i < 40; ++i) members += (i ? ",\"m" : "\"m") + std::to_string(i) + "\":" + std::to_string(i);
  for (const std::string &payload : {"{" + members + ",\"m7\":1}", "{" + members + ",\"\\u006d7\":1}",
                                     "{\"n\":{" + members + ",\"m39\":0}}", std::string("{\"a\":1,\"\\u0061\":2}")}) {
    INFO(payload.substr(payload.size() - 12));
    CHECK(code_of([&] { v.verify(jws_sign(key, payload, h)); }) == Errc::malformed);
  }
  CHECK(v.verify(jws_sign(key, "{" + members + "}", h)).get_int("m39") == 39);
}
