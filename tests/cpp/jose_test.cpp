// JWS, JWT, claims, the verifier and the utilities through m2mauth.hpp.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "wrapper_support.hpp"

using namespace m2mauth;
using cpptest::error_of;

TEST_CASE("algorithms: names, sets, parsing") {
  for (Alg alg : all_algs) {
    CAPTURE(alg_name(alg));
    CHECK(alg_from_name(alg_name(alg)) == alg);
  }
  CHECK(error_of([] { alg_from_name("none"); }).errc() == Errc::algorithm);
  AlgSet set = AlgSet::parse("RS256, ES256");
  CHECK(set.contains(Alg::RS256));
  CHECK(set.contains(Alg::ES256));
  CHECK(!set.contains(Alg::HS256));
  CHECK(AlgSet{Alg::RS256, Alg::ES256}.bits() == set.bits());
  CHECK(AlgSet().empty());
  CHECK(error_of([] { AlgSet::parse("RS256 none"); }).errc() == Errc::algorithm);
}

TEST_CASE("JWS: sign and verify with every algorithm, allow-lists, tampering, decode") {
  for (Alg alg : all_algs) {
    CAPTURE(alg_name(alg));
    std::string name = alg_name(alg);
    Key key = name[0] == 'H'   ? Key::generate_hmac(64)
              : name[0] == 'E' && name != "EdDSA" ? Key::generate_ec(name == "ES256" ? "P-256" : name == "ES384" ? "P-384" : "P-521")
              : name == "EdDSA" ? Key::generate_ed25519()
                                : Key::generate_rsa(2048);
    JwsHeader header;
    header.alg = alg;
    header.kid = "k1";
    std::string token = jws::sign(key, "payload \x01\x02", header);
    CHECK(jws::verify(key, token, AlgSet{alg}) == "payload \x01\x02");
    CHECK(error_of([&] { jws::verify(key, token, AlgSet{alg == Alg::HS256 ? Alg::HS384 : Alg::HS256}); }).errc() ==
          Errc::algorithm);
    UnverifiedJws decoded = jws::decode_unverified(token);
    CHECK(cpptest::json_at(decoded.header, "alg") == name);
    CHECK(cpptest::json_at(decoded.header, "kid") == "k1");
    CHECK(decoded.payload == "payload \x01\x02");
    std::string tampered = token;
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    CHECK(error_of([&] { jws::verify(key, tampered, AlgSet{alg}); }).errc() == Errc::signature);
  }
  Key ed = Key::generate_ed25519();
  std::string token = jws::sign_protected(ed, R"({"alg":"EdDSA","cty":"text/plain"})", "p");
  CHECK(cpptest::json_at(jws::decode_unverified(token).header, "cty") == "text/plain");
  CHECK(jws::verify(ed, token, AlgSet{Alg::EdDSA}) == "p");
  CHECK(error_of([] { jws::decode_unverified("not.a"); }).errc() == Errc::malformed);
}

TEST_CASE("Claims: set, get, copy, remove, JSON") {
  Claims c;
  c.set_string("iss", "issuer").set_int("exp", 2000000000).set_bool("adm", true).set_json("obj", R"({"a":[1,2]})");
  c.add_audience("one").add_audience("two").set_random_jti();
  CHECK(c.get_string("iss") == "issuer");
  CHECK(c.get_int("exp") == 2000000000);
  CHECK(c.get_json("obj") == R"({"a":[1,2]})");
  CHECK(c.get_json("aud") == R"(["one","two"])");
  CHECK(c.get_string("jti").size() >= 16);
  CHECK(c.has("adm"));
  Claims copy = c;
  CHECK(copy.remove("adm"));
  CHECK(!copy.remove("adm"));
  CHECK(!copy.has("adm"));
  CHECK(c.has("adm"));  // the copy is independent
  CHECK(error_of([&] { c.get_int("iss"); }).errc() == Errc::claim);
  CHECK(error_of([&] { c.get_string("missing"); }).errc() == Errc::not_found);
  Claims parsed = Claims::from_json(c.to_json());
  CHECK(parsed.get_string("jti") == c.get_string("jti"));
  CHECK(error_of([] { Claims::from_json("[1]"); }).errc() != Errc::ok);
}

TEST_CASE("JWT and Verifier: claims checks at an injected clock") {
  const std::int64_t now = 1700000000;
  Key key = Key::generate_ec("P-256").with_kid("v1");
  Claims claims;
  claims.set_string("iss", "https://issuer.example").set_string("sub", "svc").add_audience("api");
  claims.set_int("iat", now).set_int("nbf", now).set_int("exp", now + 300).set_string("scope", "read");
  std::string token = jwt::sign(key, claims);
  Claims unverified = jwt::decode_unverified(token);
  CHECK(unverified.get_string("sub") == "svc");
  CHECK(cpptest::json_at(unverified.header_json(), "typ") == "JWT");
  CHECK(cpptest::json_at(unverified.header_json(), "kid") == "v1");

  // The clock is in milliseconds (m2mauth_clock_cb); claims are in seconds.
  std::int64_t clock = (now + 10) * 1000;
  Verifier v(key.public_key(), AlgSet{Alg::ES256});
  v.set_issuer("https://issuer.example").add_audience("api").require_claim("scope").set_typ("JWT").set_leeway(5);
  v.set_clock([&clock] { return clock; });
  Claims ok = v.verify(token);
  CHECK(ok.get_string("scope") == "read");

  clock = (now + 300 + 4) * 1000;  // within the leeway
  CHECK(v.verify(token).has("exp"));
  clock = (now + 300 + 6) * 1000;
  CHECK(error_of([&] { v.verify(token); }).errc() == Errc::expired);
  clock = (now - 6) * 1000;
  CHECK(error_of([&] { v.verify(token); }).errc() == Errc::not_yet_valid);
  clock = (now + 10) * 1000;

  Verifier other_aud(key, AlgSet{Alg::ES256});
  other_aud.add_audience("elsewhere").set_clock([&clock] { return clock; });
  CHECK(error_of([&] { other_aud.verify(token); }).errc() == Errc::claim);

  Verifier needs(key, AlgSet{Alg::ES256});
  needs.add_audience("api").require_claim("tenant").set_clock([&clock] { return clock; });
  CHECK(error_of([&] { needs.verify(token); }).errc() == Errc::missing_claim);

  Verifier small(key, AlgSet{Alg::ES256});
  small.set_max_size(32).set_clock([&clock] { return clock; });
  // a token over the limit is a refused token (the verification family), not a resource error
  CHECK(error_of([&] { small.verify(token); }).errc() == Errc::malformed);

  Verifier from_set = Verifier::from_jwks(jwks({&key}), AlgSet{Alg::ES256});
  from_set.add_audience("api").set_clock([&clock] { return clock; });
  CHECK(from_set.verify(token).get_string("iss") == "https://issuer.example");

  std::string json_token = jwt::sign_json(key, R"({"iss":"x","exp":)" + std::to_string(now + 60) + "}");
  CHECK(jwt::decode_unverified(json_token).get_string("iss") == "x");
}

TEST_CASE("Error: name, code, transient flag, and no secret in the message") {
  Error e = error_of([] { Key::from_pem("junk", std::string("Zq9-wrapper-passphrase")); });
  CHECK(e.code() < 0);
  CHECK(std::string(e.name()) == error_name(e.code()));
  CHECK(std::string(e.what()).find("Zq9-wrapper-passphrase") == std::string::npos);
  CHECK(!e.transient());
  Error own(M2MAUTH_ETIMEOUT, "waited");
  CHECK(own.errc() == Errc::timeout);
  CHECK(own.transient());
  CHECK(std::string(error_name(M2MAUTH_ESIGNATURE)) == "signature");
}

TEST_CASE("util: random bytes, UUIDs, base64url, constant-time compare") {
  CHECK(util::random_bytes(32).size() == 32);
  CHECK(util::random_bytes(32) != util::random_bytes(32));
  std::string uuid = util::uuid_v4();
  CHECK(uuid.size() == 36);
  CHECK(uuid[14] == '4');
  CHECK(util::base64url_encode(std::string("\xfb\xff", 2)) == "-_8");
  CHECK(util::base64url_decode("-_8") == std::string("\xfb\xff", 2));
  CHECK(error_of([] { util::base64url_decode("a+b/"); }).errc() != Errc::ok);
  CHECK(util::constant_time_equal("abc", "abc"));
  CHECK(!util::constant_time_equal("abc", "abd"));
  CHECK(!util::constant_time_equal("abc", "ab"));
}
