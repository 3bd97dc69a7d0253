// JWT claims and the verifier through the C API: time checks with leeway and an injected clock,
// iss/sub/aud, required claims, typ, size limit, allow-lists, "none", key confusion, JWKS verifiers.
#include <regex>

#include "capi_support.hpp"

using capi::Buf;

namespace {

int64_t clock_ms(void *payload) { return *static_cast<const int64_t *>(payload); }

struct Fixture {
  m2mtest::JsonPtr doc = capi::jose();
  capi::KeyPtr hmac = capi::test_key(doc.get(), "hmac256");
  int64_t now_ms = 1700000000000;

  std::string sign(const std::string &claims, const m2mauth_jws_header *h = nullptr, const m2mauth_key *key = nullptr) {
    Buf t;
    REQUIRE_OK(m2mauth_jwt_sign_json(t.out(), key != nullptr ? key : hmac.get(), claims.c_str(), h));
    return t.str();
  }
  capi::VerifierPtr verifier(uint32_t allowed = M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS256), const m2mauth_key *key = nullptr) {
    m2mauth_verifier *v = nullptr;
    REQUIRE_OK(m2mauth_verifier_new(&v, key != nullptr ? key : hmac.get(), allowed));
    REQUIRE_OK(m2mauth_verifier_set_clock(v, clock_ms, &now_ms, nullptr));
    return capi::VerifierPtr(v);
  }
  int verify(const m2mauth_verifier *v, const std::string &token) {
    m2mauth_claims *c = nullptr;
    int rc = m2mauth_verifier_verify(&c, v, token.c_str());
    CHECK((c != nullptr) == (rc == M2MAUTH_OK));
    m2mauth_claims_free(c);
    return rc;
  }
};

std::string at(const char *claim, int64_t t) { return std::string("{\"") + claim + "\":" + std::to_string(t) + "}"; }

}  // namespace

TEST_CASE_FIXTURE(Fixture, "exp, nbf and iat at the leeway boundaries, read from the injected clock") {
  const int64_t now = now_ms / 1000;
  for (int64_t leeway : {0, 1, 60, 86400}) {
    INFO("leeway " << leeway);
    auto v = verifier();
    REQUIRE_OK(m2mauth_verifier_set_leeway(v.get(), leeway));
    CHECK_STATUS(verify(v.get(), sign(at("exp", now - leeway))), M2MAUTH_EEXPIRED);
    CHECK_STATUS(verify(v.get(), sign(at("exp", now - leeway + 1))), M2MAUTH_OK);
    CHECK_STATUS(verify(v.get(), sign(at("nbf", now + leeway))), M2MAUTH_OK);
    CHECK_STATUS(verify(v.get(), sign(at("nbf", now + leeway + 1))), M2MAUTH_ENOTYETVALID);
    CHECK_STATUS(verify(v.get(), sign(at("iat", now + leeway))), M2MAUTH_OK);
    CHECK_STATUS(verify(v.get(), sign(at("iat", now + leeway + 1))), M2MAUTH_EIAT);
  }
  // The clock is read on every verification: moving it expires a token without sleeping.
  auto v = verifier();
  const std::string token = sign("{\"exp\":" + std::to_string(now + 300) + ",\"nbf\":" + std::to_string(now + 10) + "}");
  CHECK_STATUS(verify(v.get(), token), M2MAUTH_ENOTYETVALID);
  now_ms += 10 * 1000;
  CHECK_STATUS(verify(v.get(), token), M2MAUTH_OK);
  now_ms += 290 * 1000 - 1;
  CHECK_STATUS(verify(v.get(), token), M2MAUTH_OK);
  now_ms += 1;
  CHECK_STATUS(verify(v.get(), token), M2MAUTH_EEXPIRED);
  // NULL restores the system clock (before first use): a token expiring in 2033 is valid today, one
  // from 2023 is not.
  auto system = verifier();
  REQUIRE_OK(m2mauth_verifier_set_clock(system.get(), nullptr, nullptr, nullptr));
  // Leeway is bounded.
  CHECK_STATUS(m2mauth_verifier_set_leeway(system.get(), -1), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_verifier_set_leeway(system.get(), 86401), M2MAUTH_EINVAL);
  CHECK_STATUS(verify(system.get(), sign(at("exp", 2000000000))), M2MAUTH_OK);
  CHECK_STATUS(verify(system.get(), sign(at("exp", 1700000000))), M2MAUTH_EEXPIRED);
}

TEST_CASE_FIXTURE(Fixture, "time claims of the wrong type, and numbers far out of range") {
  auto v = verifier();
  CHECK_STATUS(verify(v.get(), sign(R"({"exp":"1700000300"})")), M2MAUTH_ECLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"nbf":null})")), M2MAUTH_ECLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"iat":true})")), M2MAUTH_ECLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"exp":[1]})")), M2MAUTH_ECLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"exp":1e300})")), M2MAUTH_OK);
  CHECK_STATUS(verify(v.get(), sign(R"({"exp":-1e300})")), M2MAUTH_EEXPIRED);
  CHECK_STATUS(verify(v.get(), sign(R"({"exp":9223372036854775807})")), M2MAUTH_OK);
  CHECK_STATUS(verify(v.get(), sign(R"({"nbf":-9223372036854775808})")), M2MAUTH_OK);
}

TEST_CASE_FIXTURE(Fixture, "iss, sub and aud: string and array audiences, several accepted audiences") {
  auto v = verifier();
  REQUIRE_OK(m2mauth_verifier_set_issuer(v.get(), "https://issuer.example"));
  REQUIRE_OK(m2mauth_verifier_set_subject(v.get(), "client-1"));
  REQUIRE_OK(m2mauth_verifier_add_audience(v.get(), "api-1"));
  REQUIRE_OK(m2mauth_verifier_add_audience(v.get(), "api-2"));
  const std::string base = R"("iss":"https://issuer.example","sub":"client-1")";
  CHECK_STATUS(verify(v.get(), sign("{" + base + R"(,"aud":"api-1"})")), M2MAUTH_OK);
  CHECK_STATUS(verify(v.get(), sign("{" + base + R"(,"aud":"api-2"})")), M2MAUTH_OK);
  CHECK_STATUS(verify(v.get(), sign("{" + base + R"(,"aud":["x","api-2"]})")), M2MAUTH_OK);
  CHECK_STATUS(verify(v.get(), sign("{" + base + R"(,"aud":["x","y"]})")), M2MAUTH_ECLAIM);
  CHECK_STATUS(verify(v.get(), sign("{" + base + R"(,"aud":[]})")), M2MAUTH_ECLAIM);
  CHECK_STATUS(verify(v.get(), sign("{" + base + R"(,"aud":"API-1"})")), M2MAUTH_ECLAIM);  // exact comparison
  CHECK_STATUS(verify(v.get(), sign("{" + base + "}")), M2MAUTH_EMISSINGCLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"sub":"client-1","aud":"api-1"})")), M2MAUTH_EMISSINGCLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"iss":"https://issuer.example/","sub":"client-1","aud":"api-1"})")), M2MAUTH_ECLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"iss":"https://issuer.example","sub":"client-2","aud":"api-1"})")), M2MAUTH_ECLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"iss":"https://issuer.example","aud":"api-1"})")), M2MAUTH_EMISSINGCLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"iss":"https://issuer.example","sub":1,"aud":"api-1"})")), M2MAUTH_ECLAIM);
  // A verifier that names no audience refuses a token that has one (RFC 7519 4.1.3).
  auto plain = verifier();
  CHECK_STATUS(verify(plain.get(), sign(R"({"aud":"api-1"})")), M2MAUTH_ECLAIM);
  CHECK_STATUS(verify(plain.get(), sign(R"({"sub":"x"})")), M2MAUTH_OK);
}

TEST_CASE_FIXTURE(Fixture, "required claims and typ") {
  auto v = verifier();
  REQUIRE_OK(m2mauth_verifier_require_claim(v.get(), "jti"));
  REQUIRE_OK(m2mauth_verifier_require_claim(v.get(), "exp"));
  CHECK_STATUS(verify(v.get(), sign(R"({"jti":"1","exp":1700000001})")), M2MAUTH_OK);
  CHECK_STATUS(verify(v.get(), sign(R"({"jti":"1"})")), M2MAUTH_EMISSINGCLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"exp":1700000001})")), M2MAUTH_EMISSINGCLAIM);
  CHECK_STATUS(verify(v.get(), sign(R"({"jti":null,"exp":1700000001})")), M2MAUTH_OK);  // present, even if null
  CHECK_STATUS(m2mauth_verifier_require_claim(v.get(), ""), M2MAUTH_EINVAL);

  auto t = verifier();
  REQUIRE_OK(m2mauth_verifier_set_typ(t.get(), "at+jwt"));
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  for (const char *typ : {"at+jwt", "AT+JWT", "application/at+jwt", "Application/At+JWT"}) {
    h.typ = typ;
    CHECK_STATUS(verify(t.get(), sign("{}", &h)), M2MAUTH_OK);
  }
  for (const char *typ : {"JWT", "at+jwt ", "application/jwt", "x-application/at+jwt"}) {
    INFO(std::string(typ));
    h.typ = typ;
    CHECK_STATUS(verify(t.get(), sign("{}", &h)), M2MAUTH_ECLAIM);
  }
  h.typ = "";  // omitted
  CHECK_STATUS(verify(t.get(), sign("{}", &h)), M2MAUTH_ECLAIM);
}

TEST_CASE_FIXTURE(Fixture, "maximum token size: default 64 KiB, configurable from 16 bytes to 16 MiB") {
  // One verifier per maximum: the first verify freezes a verifier.
  auto with_max = [&](size_t max) {
    auto v = verifier();
    REQUIRE_OK(m2mauth_verifier_set_max_size(v.get(), max));
    return v;
  };
  auto v = verifier();
  std::string pad(64 * 1024, 'a');
  const std::string big = sign(R"({"p":")" + pad + "\"}");
  CHECK(big.size() > 64 * 1024);
  CHECK_STATUS(verify(v.get(), big), M2MAUTH_EMALFORMED);
  CHECK_STATUS(verify(with_max(big.size()).get(), big), M2MAUTH_OK);
  CHECK_STATUS(verify(with_max(big.size() - 1).get(), big), M2MAUTH_EMALFORMED);
  auto fresh = verifier();
  CHECK_STATUS(m2mauth_verifier_set_max_size(fresh.get(), 15), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_verifier_set_max_size(fresh.get(), (16u << 20) + 1), M2MAUTH_EINVAL);
  CHECK_STATUS(verify(with_max(16).get(), sign("{}")), M2MAUTH_EMALFORMED);
}

TEST_CASE_FIXTURE(Fixture, "allow-lists: \"none\" in every spelling, algorithms outside the list, empty lists") {
  auto hs512 = capi::test_key(doc.get(), "hmac512");
  auto v = verifier(M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS256), hs512.get());
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  h.alg = M2MAUTH_ALG_HS512;
  CHECK_STATUS(verify(v.get(), sign("{}", &h, hs512.get())), M2MAUTH_EALGORITHM);
  h.alg = M2MAUTH_ALG_HS256;
  CHECK_STATUS(verify(v.get(), sign("{}", &h, hs512.get())), M2MAUTH_OK);
  for (const char *none : {"none", "None", "NONE", "nOnE", "none "}) {
    INFO(std::string(none));
    const std::string header = m2mtest::base64url_encode(std::string("{\"alg\":\"") + none + "\"}");
    const std::string unsigned_token = header + "." + m2mtest::base64url_encode("{}") + ".";
    CHECK_STATUS(verify(v.get(), unsigned_token), M2MAUTH_EALGORITHM);
    CHECK_STATUS(capi::verify(hs512.get(), unsigned_token, capi::all_algs()), M2MAUTH_EALGORITHM);
    int refused = 5;
    CHECK_STATUS(m2mauth_alg_from_name(&refused, none), M2MAUTH_EALGORITHM);
    CHECK(refused == 0);
    uint32_t set = 0;
    CHECK_STATUS(m2mauth_alg_set_parse(&set, (std::string("HS256,") + none).c_str()), M2MAUTH_EALGORITHM);
  }
  m2mauth_verifier *bad = nullptr;
  CHECK_STATUS(m2mauth_verifier_new(&bad, hs512.get(), 0), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_verifier_new(&bad, hs512.get(), 1u), M2MAUTH_EINVAL);         // bit 0 is no algorithm
  CHECK_STATUS(m2mauth_verifier_new(&bad, hs512.get(), 1u << 14), M2MAUTH_EINVAL);   // beyond EdDSA
  CHECK(bad == nullptr);
  Buf out;
  CHECK_STATUS(m2mauth_jws_verify(out.out(), hs512.get(), sign("{}", nullptr, hs512.get()).c_str(), 0), M2MAUTH_EINVAL);
  CHECK(m2mauth_alg_bit(0) == 0);
  CHECK(m2mauth_alg_bit(14) == 0);
  CHECK(m2mauth_alg_bit(M2MAUTH_ALG_EDDSA) == M2MAUTH_ALG_BIT(M2MAUTH_ALG_EDDSA));
}

TEST_CASE_FIXTURE(Fixture, "HS/RS key confusion and key type against algorithm are refused") {
  auto rsa_pub = capi::test_key(doc.get(), "rsa2048:public");
  auto rsa = capi::test_key(doc.get(), "rsa2048");
  // An attacker signs HS256 with the verifier's public RSA key (its PEM text) as the HMAC secret.
  Buf pem;
  REQUIRE_OK(m2mauth_key_public_pem(pem.out(), rsa_pub.get()));
  m2mauth_key *secret = nullptr;
  REQUIRE_OK(m2mauth_key_from_secret(&secret, pem.b.ptr, pem.b.size));
  capi::KeyPtr as_secret(secret);
  const std::string forged = sign(R"({"sub":"admin"})", nullptr, secret);
  auto v = verifier(M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS256) | M2MAUTH_ALG_BIT(M2MAUTH_ALG_RS256), rsa_pub.get());
  CHECK_STATUS(verify(v.get(), forged), M2MAUTH_EKEYTYPE);
  CHECK_STATUS(verify(v.get(), sign(R"({"sub":"admin"})", nullptr, rsa.get())), M2MAUTH_OK);
  // The same confusion with every asymmetric key and every HMAC algorithm.
  for (const char *name : {"rsa2048:public", "ec_p256:public", "ed25519:public"}) {
    auto k = capi::test_key(doc.get(), name);
    for (int alg : {M2MAUTH_ALG_HS256, M2MAUTH_ALG_HS384, M2MAUTH_ALG_HS512}) {
      INFO(std::string(name) << " " << std::string(m2mauth_alg_name(alg)));
      CHECK_STATUS(capi::verify(k.get(), forged, capi::all_algs()), M2MAUTH_EKEYTYPE);
    }
  }
  // Key type against algorithm at verifier level: an ES256 token for a P-384 verifier.
  auto p256 = capi::test_key(doc.get(), "ec_p256"), p384 = capi::test_key(doc.get(), "ec_p384:public");
  auto ev = verifier(M2MAUTH_ALG_BIT(M2MAUTH_ALG_ES256) | M2MAUTH_ALG_BIT(M2MAUTH_ALG_ES384), p384.get());
  CHECK_STATUS(verify(ev.get(), sign("{}", nullptr, p256.get())), M2MAUTH_EKEYTYPE);
  // And an RSA private key cannot sign ES256.
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  h.alg = M2MAUTH_ALG_ES256;
  Buf t;
  CHECK_STATUS(m2mauth_jwt_sign_json(t.out(), rsa.get(), "{}", &h), M2MAUTH_EKEYTYPE);
  CHECK(t.b.ptr == nullptr);
  // A public key cannot sign at all.
  CHECK_STATUS(m2mauth_jwt_sign_json(t.out(), rsa_pub.get(), "{}", nullptr), M2MAUTH_ENOPRIVATE);
}

TEST_CASE_FIXTURE(Fixture, "JWKS verifier: key by kid, rotation, one-key sets, unknown kids") {
  const cJSON *keys = m2mtest::member(doc.get(), "keys");
  auto jwk = [&](const char *n) { return m2mtest::print(m2mtest::member(m2mtest::member(keys, n), "public_jwk")); };
  const std::string set = "{\"keys\":[" + jwk("rsa2048") + "," + jwk("ec_p256") + "," + jwk("ed25519") + "]}";
  m2mauth_verifier *raw = nullptr;
  REQUIRE_OK(m2mauth_verifier_from_jwks(&raw, set.c_str(), capi::all_algs()));
  capi::VerifierPtr v(raw);
  for (const char *n : {"rsa2048", "ec_p256", "ed25519"}) {
    INFO(std::string(n));
    auto k = capi::test_key(doc.get(), n);
    CHECK_STATUS(verify(v.get(), sign(R"({"sub":"x"})", nullptr, k.get())), M2MAUTH_OK);
    // The right key type under another key's kid is refused.
    m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
    h.kid = std::string(n) == "rsa2048" ? "ec_p256" : "rsa2048";
    CHECK(verify(v.get(), sign(R"({"sub":"x"})", &h, k.get())) != M2MAUTH_OK);
    h.kid = "unknown";
    CHECK_STATUS(verify(v.get(), sign(R"({"sub":"x"})", &h, k.get())), M2MAUTH_ENOTFOUND);
    h.kid = "";  // no kid: ambiguous with three keys
    CHECK_STATUS(verify(v.get(), sign(R"({"sub":"x"})", &h, k.get())), M2MAUTH_ENOTFOUND);
  }
  // RFC 7517 4.5: keys of different types may share a kid; the one that fits the token's alg is used.
  std::string rsa_shared = jwk("rsa2048"), ec_shared = jwk("ec_p256");
  rsa_shared.replace(rsa_shared.find("\"rsa2048\""), 9, "\"shared\"");
  ec_shared.replace(ec_shared.find("\"ec_p256\""), 9, "\"shared\"");
  for (const std::string &shared : {"{\"keys\":[" + rsa_shared + "," + ec_shared + "]}", "{\"keys\":[" + ec_shared + "," + rsa_shared + "]}"}) {
    m2mauth_verifier *sv = nullptr;
    REQUIRE_OK(m2mauth_verifier_from_jwks(&sv, shared.c_str(), capi::all_algs()));
    capi::VerifierPtr svp(sv);
    m2mauth_jws_header sh = M2MAUTH_JWS_HEADER_INIT;
    sh.kid = "shared";
    for (const char *n : {"rsa2048", "ec_p256"}) {
      INFO(std::string(n));
      auto k = capi::test_key(doc.get(), n);
      CHECK_STATUS(verify(sv, sign("{}", &sh, k.get())), M2MAUTH_OK);
    }
    auto ed = capi::test_key(doc.get(), "ed25519");
    CHECK_STATUS(verify(sv, sign("{}", &sh, ed.get())), M2MAUTH_EKEYTYPE);  // no key of its type under that kid
  }
  // A one-key set also serves tokens without a kid.
  m2mauth_verifier *one = nullptr;
  REQUIRE_OK(m2mauth_verifier_from_jwks(&one, ("{\"keys\":[" + jwk("ed25519") + "]}").c_str(), capi::all_algs()));
  capi::VerifierPtr v1(one);
  auto ed = capi::test_key(doc.get(), "ed25519");
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  h.kid = "";
  CHECK_STATUS(verify(one, sign("{}", &h, ed.get())), M2MAUTH_OK);
  // Sets with no usable key, secret and public keys mixed, or not a JWKS at all.
  m2mauth_verifier *bad = nullptr;
  CHECK_STATUS(m2mauth_verifier_from_jwks(&bad, R"({"keys":[]})", capi::all_algs()), M2MAUTH_EKEY);
  CHECK_STATUS(m2mauth_verifier_from_jwks(&bad, R"({"keys":[{"kty":"OKP","crv":"X448","x":"AA"}]})", capi::all_algs()), M2MAUTH_EKEY);
  CHECK_STATUS(m2mauth_verifier_from_jwks(&bad, ("{\"keys\":[" + jwk("ec_p256") + "," +
                                               m2mtest::print(m2mtest::member(m2mtest::member(keys, "hmac256"), "private_jwk")) + "]}").c_str(),
                                         capi::all_algs()),
               M2MAUTH_EKEY);
  CHECK_STATUS(m2mauth_verifier_from_jwks(&bad, R"({"kty":"RSA"})", capi::all_algs()), M2MAUTH_EKEY);
  CHECK_STATUS(m2mauth_verifier_from_jwks(&bad, "[]", capi::all_algs()), M2MAUTH_EMALFORMED);
  CHECK(bad == nullptr);
}

TEST_CASE_FIXTURE(Fixture, "a verifier's parsed-header cache never carries a verdict from one token to another") {
  auto v = verifier();
  const std::string good = sign(R"({"sub":"a","exp":1700000100})");
  const std::string head = good.substr(0, good.find('.'));
  CHECK_STATUS(verify(v.get(), good), M2MAUTH_OK);
  // Same header bytes, other payload, old signature.
  const std::string forged = head + "." + m2mtest::base64url_encode(R"({"sub":"admin"})") + good.substr(good.rfind('.'));
  CHECK_STATUS(verify(v.get(), forged), M2MAUTH_ESIGNATURE);
  // Same header bytes, signed by another key.
  auto other = capi::test_key(doc.get(), "hmac512");
  CHECK_STATUS(verify(v.get(), sign(R"({"sub":"a"})", nullptr, other.get())), M2MAUTH_ESIGNATURE);
  // Same header bytes, claims that now fail.
  CHECK_STATUS(verify(v.get(), sign(R"({"sub":"a","exp":1699999999})")), M2MAUTH_EEXPIRED);
  // Many distinct headers, then the first again.
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  for (int i = 0; i < 20; ++i) {
    const std::string kid = "k" + std::to_string(i);
    h.kid = kid.c_str();
    CHECK_STATUS(verify(v.get(), sign("{}", &h)), M2MAUTH_OK);
  }
  CHECK_STATUS(verify(v.get(), good), M2MAUTH_OK);
  CHECK_STATUS(verify(v.get(), forged), M2MAUTH_ESIGNATURE);
  // A cached header under a verifier with another allow-list still meets that list.
  auto strict = verifier(M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS384));
  CHECK_STATUS(verify(strict.get(), good), M2MAUTH_EALGORITHM);
}

TEST_CASE_FIXTURE(Fixture, "claims objects: setters, getters, audiences, jti, clone, header of verified claims") {
  m2mauth_claims *raw = nullptr;
  REQUIRE_OK(m2mauth_claims_new(&raw));
  capi::ClaimsPtr c(raw);
  REQUIRE_OK(m2mauth_claims_set_string(raw, "iss", "me"));
  REQUIRE_OK(m2mauth_claims_set_int(raw, "exp", 1700000300));
  REQUIRE_OK(m2mauth_claims_set_bool(raw, "admin", 0));
  REQUIRE_OK(m2mauth_claims_set_json(raw, "cnf", R"({"jkt":"abc"})"));
  REQUIRE_OK(m2mauth_claims_add_audience(raw, "a"));
  Buf out;
  REQUIRE_OK(m2mauth_claims_get_json(out.out(), raw, "aud"));
  CHECK(out.str() == "\"a\"");
  REQUIRE_OK(m2mauth_claims_add_audience(raw, "b"));
  REQUIRE_OK(m2mauth_claims_add_audience(raw, "c"));
  REQUIRE_OK(m2mauth_claims_get_json(out.out(), raw, "aud"));
  CHECK(out.str() == R"(["a","b","c"])");
  REQUIRE_OK(m2mauth_claims_to_json(out.out(), raw));
  CHECK(out.str() == R"({"iss":"me","exp":1700000300,"admin":false,"cnf":{"jkt":"abc"},"aud":["a","b","c"]})");
  REQUIRE_OK(m2mauth_claims_set_string(raw, "iss", "you"));  // replaces, keeps the position
  REQUIRE_OK(m2mauth_claims_get_string(out.out(), raw, "iss"));
  CHECK(out.str() == "you");
  int64_t n = 0;
  REQUIRE_OK(m2mauth_claims_get_int(&n, raw, "exp"));
  CHECK(n == 1700000300);
  CHECK_STATUS(m2mauth_claims_get_int(&n, raw, "iss"), M2MAUTH_ECLAIM);
  CHECK_STATUS(m2mauth_claims_get_int(&n, raw, "missing"), M2MAUTH_ENOTFOUND);
  CHECK_STATUS(m2mauth_claims_get_string(out.out(), raw, "exp"), M2MAUTH_ECLAIM);
  CHECK_STATUS(m2mauth_claims_get_string(out.out(), raw, "missing"), M2MAUTH_ENOTFOUND);
  CHECK_STATUS(m2mauth_claims_set_json(raw, "x", "{bad"), M2MAUTH_EMALFORMED);
  CHECK_STATUS(m2mauth_claims_set_string(raw, "x", "\xff"), M2MAUTH_EINVAL);
  CHECK(m2mauth_claims_has(raw, "cnf") == 1);
  REQUIRE_OK(m2mauth_claims_remove(raw, "cnf"));
  CHECK(m2mauth_claims_has(raw, "cnf") == 0);
  CHECK_STATUS(m2mauth_claims_remove(raw, "cnf"), M2MAUTH_ENOTFOUND);
  REQUIRE_OK(m2mauth_claims_set_json(raw, "big", "1.5"));
  CHECK_STATUS(m2mauth_claims_get_int(&n, raw, "big"), M2MAUTH_ECLAIM);
  REQUIRE_OK(m2mauth_claims_set_json(raw, "huge", "1e30"));
  CHECK_STATUS(m2mauth_claims_get_int(&n, raw, "huge"), M2MAUTH_ECLAIM);
  // jti: a fresh UUID v4 each time.
  REQUIRE_OK(m2mauth_claims_set_random_jti(raw));
  Buf j1, j2;
  REQUIRE_OK(m2mauth_claims_get_string(j1.out(), raw, "jti"));
  REQUIRE_OK(m2mauth_claims_set_random_jti(raw));
  REQUIRE_OK(m2mauth_claims_get_string(j2.out(), raw, "jti"));
  CHECK(j1.str() != j2.str());
  CHECK(std::regex_match(j1.str(), std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  // A clone is independent.
  m2mauth_claims *copy = nullptr;
  REQUIRE_OK(m2mauth_claims_clone(&copy, raw));
  capi::ClaimsPtr cp(copy);
  REQUIRE_OK(m2mauth_claims_set_string(copy, "iss", "clone"));
  REQUIRE_OK(m2mauth_claims_get_string(out.out(), raw, "iss"));
  CHECK(out.str() == "you");
  // Claims that did not come from a token have no header; verified ones do, and can be read.
  CHECK_STATUS(m2mauth_claims_header_json(out.out(), raw), M2MAUTH_ENOTFOUND);
  auto v = verifier();
  m2mauth_claims *verified = nullptr;
  REQUIRE_OK(m2mauth_verifier_verify(&verified, v.get(), sign(R"({"sub":"s","n":42,"o":{"p":[1,2]}})").c_str()));
  capi::ClaimsPtr vc(verified);
  REQUIRE_OK(m2mauth_claims_header_json(out.out(), verified));
  CHECK(out.str() == R"({"alg":"HS256","typ":"JWT","kid":"hmac256"})");
  REQUIRE_OK(m2mauth_claims_get_int(&n, verified, "n"));
  CHECK(n == 42);
  REQUIRE_OK(m2mauth_claims_get_json(out.out(), verified, "o"));
  CHECK(out.str() == R"({"p":[1,2]})");
  // Verified claims stay editable and clonable like any others.
  REQUIRE_OK(m2mauth_claims_set_string(verified, "sub", "t"));
  REQUIRE_OK(m2mauth_claims_to_json(out.out(), verified));
  CHECK(out.str() == R"({"sub":"t","n":42,"o":{"p":[1,2]}})");
  m2mauth_claims *vclone = nullptr;
  REQUIRE_OK(m2mauth_claims_clone(&vclone, verified));
  capi::ClaimsPtr vcl(vclone);
  REQUIRE_OK(m2mauth_claims_header_json(out.out(), vclone));
  CHECK(out.str() == R"({"alg":"HS256","typ":"JWT","kid":"hmac256"})");
  // decode_unverified reads without checking anything.
  m2mauth_claims *unverified = nullptr;
  REQUIRE_OK(m2mauth_jwt_decode_unverified(&unverified, sign(R"({"exp":1})").c_str()));
  capi::ClaimsPtr uv(unverified);
  REQUIRE_OK(m2mauth_claims_get_int(&n, unverified, "exp"));
  CHECK(n == 1);
}

TEST_CASE_FIXTURE(Fixture, "jwt_sign_json: compact claims signed as given, others written compactly, both checked") {
  auto payload_of = [](const std::string &token) {
    std::size_t a = token.find('.'), b = token.find('.', a + 1);
    return m2mtest::base64_decode(token.substr(a + 1, b - a - 1));
  };
  // Compact (what json.dumps with separators and most writers produce): the signed payload is the text.
  const std::string compact = "{\"scope\":\"a b\",\"n\":1.0,\"e\":\"\\u00e9\",\"x\":[1,{\"y\":null}],\"iat\":1700000000}";
  CHECK(payload_of(sign(compact)) == compact);
  // With whitespace: parsed and written compactly (spaces inside strings kept).
  CHECK(payload_of(sign("{ \"scope\" : \"a b\",\n \"iat\": 1700000000 }")) == "{\"scope\":\"a b\",\"iat\":1700000000}");
  // Either way the text must be JSON a verifier accepts: no duplicate names, valid UTF-8, an object.
  for (const char *bad : {"{\"a\":1,\"a\":2}", "{ \"a\":1, \"a\":2 }", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":\"\xff\"}",
                          "[1]", "{\"a\":1}x", "{\"a\":1,}", ""}) {
    INFO(std::string(bad));
    Buf t;
    CHECK_STATUS(m2mauth_jwt_sign_json(t.out(), hmac.get(), bad, nullptr), M2MAUTH_EMALFORMED);
    CHECK(t.b.ptr == nullptr);
  }
  // What cJSON tolerates (a leading zero, a raw control character) is written out as valid JSON.
  CHECK(payload_of(sign("{\"a\":01,\"b\":\"\x01\"}")) == "{\"a\":1,\"b\":\"\\u0001\"}");
  // And what is signed verifies.
  auto v = verifier();
  CHECK(verify(v.get(), sign(compact)) == M2MAUTH_OK);
}
