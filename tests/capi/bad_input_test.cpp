// Bad input of every kind through the C API: truncated and altered tokens, garbage PEM/DER/JWK, huge
// inputs, deep nesting. Each call must return a documented typed error (never OK, never a crash).
#include <random>
#include <set>

#include "capi_support.hpp"

using capi::Buf;

namespace {

const std::set<int> kTokenErrors = {M2MAUTH_EMALFORMED, M2MAUTH_ESIGNATURE, M2MAUTH_EALGORITHM, M2MAUTH_EUNSUPPORTED};
const std::set<int> kKeyErrors = {M2MAUTH_EKEY, M2MAUTH_EINVAL, M2MAUTH_EUNSUPPORTED, M2MAUTH_EPASSPHRASE,
                                  M2MAUTH_EMALFORMED};

// The status is an error from the set and the error record agrees.
#define CHECK_ONE_OF(expr, set)                                      \
  do {                                                               \
    const int one_of_rc_ = (expr);                                   \
    CHECK(set.count(one_of_rc_) == 1);                               \
    CHECK(m2mauth_error_last()->code == one_of_rc_);                 \
  } while (0)

std::vector<std::pair<std::string, capi::KeyPtr>> signed_tokens(const cJSON *doc) {
  std::vector<std::pair<std::string, capi::KeyPtr>> out;
  for (const char *name : {"hmac256", "rsa2048", "ec_p256", "ed25519"}) {
    auto key = capi::test_key(doc, name);
    Buf t;
    REQUIRE_OK(m2mauth_jwt_sign_json(t.out(), key.get(), R"({"sub":"s","exp":4102444800})", nullptr));
    out.emplace_back(t.str(), std::move(key));
  }
  return out;
}

int load_pem(const std::string &s, const char *pass = nullptr) {
  m2mauth_key *k = nullptr;
  int rc = m2mauth_key_from_pem(&k, capi::bytes(s), s.size(), pass);
  m2mauth_key_free(k);
  return rc;
}
int load_der(const std::string &s, const char *pass = nullptr) {
  m2mauth_key *k = nullptr;
  int rc = m2mauth_key_from_der(&k, capi::bytes(s), s.size(), pass);
  m2mauth_key_free(k);
  return rc;
}
int load_jwk(const std::string &s) {
  m2mauth_key *k = nullptr;
  int rc = m2mauth_key_from_jwk(&k, s.c_str());
  m2mauth_key_free(k);
  return rc;
}

}  // namespace

TEST_CASE("every truncation of a valid token is refused with a typed error") {
  auto doc = capi::jose();
  for (auto &[token, key] : signed_tokens(doc.get())) {
    CHECK_STATUS(capi::verify(key.get(), token, capi::all_algs()), M2MAUTH_OK);
    for (std::size_t n = 0; n < token.size(); ++n) {
      INFO(n << " of " << token.size());
      CHECK_ONE_OF(capi::verify(key.get(), token.substr(0, n), capi::all_algs()), kTokenErrors);
    }
  }
}

TEST_CASE("every single-character change of a valid token is refused") {
  auto doc = capi::jose();
  for (auto &[token, key] : signed_tokens(doc.get())) {
    for (std::size_t i = 0; i < token.size(); ++i) {
      for (char c : {'A', 'g', '-', '.', '=', ' ', '+'}) {
        if (token[i] == c) continue;
        std::string t = token;
        t[i] = c;
        INFO("position " << i << " -> '" << c << "'");
        CHECK_ONE_OF(capi::verify(key.get(), t, capi::all_algs()), kTokenErrors);
      }
    }
    // Extra dots, whitespace around, a JWE-looking five-part token.
    CHECK_STATUS(capi::verify(key.get(), token + ".", capi::all_algs()), M2MAUTH_EMALFORMED);
    CHECK_STATUS(capi::verify(key.get(), "." + token, capi::all_algs()), M2MAUTH_EMALFORMED);
    CHECK_STATUS(capi::verify(key.get(), token + "\n", capi::all_algs()), M2MAUTH_EMALFORMED);
    CHECK_STATUS(capi::verify(key.get(), " " + token, capi::all_algs()), M2MAUTH_EMALFORMED);
    CHECK_STATUS(capi::verify(key.get(), token + ".." + token, capi::all_algs()), M2MAUTH_EMALFORMED);
    CHECK_STATUS(capi::verify(key.get(), "..", capi::all_algs()), M2MAUTH_EMALFORMED);
  }
}

TEST_CASE("header members that hide or disguise the algorithm") {
  auto doc = capi::jose();
  auto key = capi::test_key(doc.get(), "hmac256");
  auto token_with = [&](const std::string &header) {
    const std::string input = m2mtest::base64url_encode(header) + "." + m2mtest::base64url_encode("{}");
    // Sign the raw input as HS256 through a known-good header, then splice the header in.
    Buf sig;
    const std::string good = R"({"alg":"HS256"})";
    REQUIRE_OK(m2mauth_jws_sign_protected(sig.out(), key.get(), capi::bytes(good), good.size(), capi::bytes(std::string("{}")), 2));
    return input + sig.str().substr(sig.str().rfind('.'));
  };
  // A NUL inside the alg string must not shorten it to "HS256".
  CHECK(capi::verify(key.get(), token_with(R"({"alg":"HS256\u0000none"})"), capi::all_algs()) != M2MAUTH_OK);
  CHECK(capi::verify(key.get(), token_with(R"({"alg":"HS256\u0000"})"), capi::all_algs()) != M2MAUTH_OK);
  CHECK_STATUS(capi::verify(key.get(), token_with(R"({"alg":["HS256"]})"), capi::all_algs()), M2MAUTH_EMALFORMED);
  CHECK_STATUS(capi::verify(key.get(), token_with(R"({"alg":null})"), capi::all_algs()), M2MAUTH_EMALFORMED);
  CHECK_STATUS(capi::verify(key.get(), token_with(R"({"ALG":"HS256"})"), capi::all_algs()), M2MAUTH_EMALFORMED);
  CHECK_STATUS(capi::verify(key.get(), token_with(R"({"alg":"HS256","alg":"HS256"})"), capi::all_algs()), M2MAUTH_EMALFORMED);
  CHECK_STATUS(capi::verify(key.get(), token_with(R"({"alg":"HS\u0032\u00356"})"), capi::all_algs()), M2MAUTH_ESIGNATURE);
  CHECK_STATUS(capi::verify(key.get(), token_with("{\"alg\":\"HS256\"} "), capi::all_algs()), M2MAUTH_ESIGNATURE);
  // A byte order mark before the header is ignored (RFC 8259 8.1 allows that); the signature, over the
  // bytes as sent, then decides.
  CHECK_STATUS(capi::verify(key.get(), token_with("\xef\xbb\xbf{\"alg\":\"HS256\"}"), capi::all_algs()), M2MAUTH_ESIGNATURE);
  CHECK_STATUS(capi::verify(key.get(), token_with(R"({"alg":"HS256"}{})"), capi::all_algs()), M2MAUTH_EMALFORMED);
  CHECK_STATUS(capi::verify(key.get(), token_with(R"({"alg":"HS256","crit":[]})"), capi::all_algs()), M2MAUTH_EMALFORMED);
  CHECK(m2mauth_error_category(M2MAUTH_EMALFORMED) == M2MAUTH_CATEGORY_VERIFICATION);
  CHECK_STATUS(capi::verify(key.get(), token_with(R"({"alg":"HS256","kid":"\ud800"})"), capi::all_algs()), M2MAUTH_EMALFORMED);
}

TEST_CASE("huge inputs are refused by size before any work") {
  auto doc = capi::jose();
  auto key = capi::test_key(doc.get(), "hmac256");
  const std::string huge(2u << 20, 'A');
  // A token is a refused token (EMALFORMED, the verification family), other inputs are ETOOLARGE.
  CHECK_STATUS(capi::verify(key.get(), huge + "." + huge + "." + huge, capi::all_algs()), M2MAUTH_EMALFORMED);
  CHECK(std::string(m2mauth_error_last()->message).find("over the verifier's limit") != std::string::npos);
  CHECK_STATUS(load_pem("-----BEGIN PRIVATE KEY-----\n" + huge + "\n-----END PRIVATE KEY-----\n"), M2MAUTH_ETOOLARGE);
  CHECK_STATUS(load_der(huge), M2MAUTH_ETOOLARGE);
  m2mauth_key *k = nullptr;
  CHECK_STATUS(m2mauth_key_from_secret(&k, capi::bytes(huge), huge.size()), M2MAUTH_ETOOLARGE);
  CHECK_STATUS(m2mauth_key_from_secret(&k, capi::bytes(huge), 0), M2MAUTH_EINVAL);
  m2mauth_cert *c = nullptr;
  CHECK_STATUS(m2mauth_cert_from_pem(&c, capi::bytes(huge), huge.size()), M2MAUTH_ETOOLARGE);
  CHECK_STATUS(m2mauth_cert_from_der(&c, capi::bytes(huge), huge.size()), M2MAUTH_ETOOLARGE);
  // A JWK whose modulus has 20 000 bits.
  CHECK_STATUS(load_jwk(R"({"kty":"RSA","e":"AQAB","n":")" + std::string(3334, 'w') + "\"}"), M2MAUTH_EUNSUPPORTED);
  Buf out;
  CHECK_STATUS(m2mauth_util_random_bytes(out.out(), (1u << 20) + 1), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_util_random_bytes(out.out(), 0), M2MAUTH_EINVAL);
  REQUIRE_OK(m2mauth_util_random_bytes(out.out(), 1u << 20));
  CHECK(out.b.size == 1u << 20);
  // Deep nesting in a signed payload, a claims text and a JWK never exhausts the stack.
  for (std::size_t depth : {1000u, 100000u}) {
    INFO("depth " << depth);
    const std::string nested = "{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
    const std::string header = R"({"alg":"HS256"})";
    Buf t;
    REQUIRE_OK(m2mauth_jws_sign_protected(t.out(), key.get(), capi::bytes(header), header.size(), capi::bytes(nested), nested.size()));
    m2mauth_verifier *v = nullptr;
    REQUIRE_OK(m2mauth_verifier_new(&v, key.get(), capi::all_algs()));
    capi::VerifierPtr vp(v);
    REQUIRE_OK(m2mauth_verifier_set_max_size(v, 16u << 20));
    m2mauth_claims *claims = nullptr;
    const int rc = m2mauth_verifier_verify(&claims, v, t.c_str());
    m2mauth_claims_free(claims);
    CHECK((rc == M2MAUTH_OK || rc == M2MAUTH_EMALFORMED));
    CHECK((m2mauth_claims_from_json(&claims, nested.c_str()) == M2MAUTH_OK || m2mauth_error_last()->code == M2MAUTH_EMALFORMED));
    m2mauth_claims_free(claims);
    CHECK_ONE_OF(load_jwk("{\"kty\":" + std::string(depth, '[') + std::string(depth, ']') + "}"), kKeyErrors);
  }
}

TEST_CASE("garbage, truncated and mislabelled PEM and DER give a typed error") {
  auto doc = capi::jose();
  std::mt19937 rng(7);
  int n = 0;
  M2MTEST_FOR_EACH(k, m2mtest::member(doc.get(), "keys")) {
    if (m2mtest::str(k, "kty") == "oct") continue;
    for (const char *form : {"pkcs8_pem", "spki_pem", "pkcs8_encrypted_pem"}) {
      const std::string pem = m2mtest::str(k, form);
      for (std::size_t len = 0; len + 1 < pem.size(); len += 7) {  // (dropping only the final newline is fine)
        INFO(std::string(k->string) << " " << std::string(form) << " cut at " << len);
        const int rc = load_pem(pem.substr(0, len), "m2mauth test passphrase");
        CHECK(rc != M2MAUTH_OK);
        CHECK(kKeyErrors.count(rc) == 1);
        ++n;
      }
      // Random bytes inside the armour.
      std::string body = pem;
      for (std::size_t i = 40; i + 40 < body.size(); i += 9) body[i] = "ABCDEFGH+/"[rng() % 10];
      CHECK_ONE_OF(load_pem(body, "m2mauth test passphrase"), kKeyErrors);
    }
    for (const char *form : {"pkcs8_der_b64", "spki_der_b64", "pkcs8_encrypted_der_b64"}) {
      const std::string der = m2mtest::base64_decode(m2mtest::str(k, form));
      for (std::size_t len = 0; len < der.size(); len += 3) {
        INFO(std::string(k->string) << " " << std::string(form) << " cut at " << len);
        CHECK_ONE_OF(load_der(der.substr(0, len), "m2mauth test passphrase"), kKeyErrors);
        ++n;
      }
      std::string trailing = der + std::string(1, '\0');
      CHECK_ONE_OF(load_der(trailing, "m2mauth test passphrase"), kKeyErrors);
    }
  }
  for (int i = 0; i < 500; ++i) {
    std::string junk(rng() % 600, '\0');
    for (auto &c : junk) c = static_cast<char>(rng());
    CHECK_ONE_OF(load_der(junk.empty() ? std::string(1, '\x30') : junk), kKeyErrors);
    CHECK_ONE_OF(load_pem("-----BEGIN PUBLIC KEY-----\n" + junk + "\n-----END PUBLIC KEY-----\n"), kKeyErrors);
  }
  CHECK_STATUS(load_pem("no armour at all"), M2MAUTH_EKEY);
  CHECK_STATUS(load_pem("-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n"), M2MAUTH_EKEY);
  CHECK_STATUS(load_pem("-----BEGIN "), M2MAUTH_EKEY);
  CHECK_STATUS(load_pem(""), M2MAUTH_EINVAL);
  std::printf("[vectors] %-44s %4d truncated encodings refused\n", "m2mauth/jose.json keys", n);
}

TEST_CASE("garbage and truncated JWK text gives a typed error") {
  auto doc = capi::jose();
  M2MTEST_FOR_EACH(k, m2mtest::member(doc.get(), "keys")) {
    const std::string jwk = m2mtest::print(m2mtest::member(k, "private_jwk"));
    for (std::size_t len = 0; len < jwk.size(); ++len) {
      INFO(std::string(k->string) << " cut at " << len);
      CHECK_ONE_OF(load_jwk(jwk.substr(0, len)), kKeyErrors);
    }
  }
  for (const char *bad : {"", "null", "[]", "\"RSA\"", "{}", R"({"kty":1})", R"({"kty":"RSA"})", R"({"kty":"EC","crv":1})",
                          R"({"kty":"oct","k":1})", R"({"kty":"oct","k":"a b"})", R"({"kty":"oct","k":"AA","k":"AA"})",
                          "{\"kty\":\"oct\",\"k\":\"AAAA\"}garbage", "{\"kty\":\"oct\",\"k\":\"\xff\"}"}) {
    INFO(std::string(bad));
    CHECK_ONE_OF(load_jwk(bad), kKeyErrors);
  }
  m2mauth_key *k = nullptr;
  for (const char *bad : {"", "{}", R"({"keys":{}})", R"({"keys":[1]})", R"({"keys":null})", "[{\"kty\":\"oct\"}]"}) {
    INFO(std::string(bad));
    CHECK_ONE_OF(m2mauth_key_from_jwks(&k, bad, nullptr), kKeyErrors);
  }
}

TEST_CASE("wrong files, bad options and bad parameters") {
  m2mauth_key *k = nullptr;
  CHECK_STATUS(m2mauth_key_from_file(&k, "/nonexistent/m2mauth/key.pem", nullptr), M2MAUTH_EIO);
  CHECK_STATUS(m2mauth_key_from_file(&k, "/tmp", nullptr), M2MAUTH_EIO);
  CHECK_STATUS(m2mauth_key_from_file(&k, "/dev/null", nullptr), M2MAUTH_EIO);  // a device, not a regular file
  m2mauth_cert *c = nullptr;
  CHECK_STATUS(m2mauth_cert_from_file(&c, "/nonexistent/cert.pem"), M2MAUTH_EIO);
  CHECK_STATUS(m2mauth_key_generate_rsa(&k, 1024), M2MAUTH_EUNSUPPORTED);
  CHECK_STATUS(m2mauth_key_generate_rsa(&k, 2047), M2MAUTH_EUNSUPPORTED);
  CHECK_STATUS(m2mauth_key_generate_ec(&k, "P-192"), M2MAUTH_EUNSUPPORTED);
  CHECK_STATUS(m2mauth_key_generate_ec(&k, "Ed25519"), M2MAUTH_EUNSUPPORTED);
  CHECK(k == nullptr);
  auto doc = capi::jose();
  auto rsa = capi::test_key(doc.get(), "rsa2048"), pub = capi::test_key(doc.get(), "rsa2048:public"),
       hmac = capi::test_key(doc.get(), "hmac256");
  CHECK_STATUS(m2mauth_cert_self_signed(&c, rsa.get(), "", 1), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_cert_self_signed(&c, rsa.get(), std::string(65, 'x').c_str(), 1), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_cert_self_signed(&c, rsa.get(), "x", 0), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_cert_self_signed(&c, rsa.get(), "x", 3651), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_cert_self_signed(&c, pub.get(), "x", 1), M2MAUTH_ENOPRIVATE);
  CHECK_STATUS(m2mauth_cert_self_signed(&c, hmac.get(), "x", 1), M2MAUTH_EKEYTYPE);
  CHECK(c == nullptr);
  // Header options: version, alg, extra members.
  Buf t;
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  h.version = 0;
  CHECK_STATUS(m2mauth_jws_sign(t.out(), rsa.get(), nullptr, 0, &h), M2MAUTH_EINVAL);
  h.version = M2MAUTH_JWS_HEADER_VERSION + 1;
  CHECK_STATUS(m2mauth_jws_sign(t.out(), rsa.get(), nullptr, 0, &h), M2MAUTH_EINVAL);
  REQUIRE_OK(m2mauth_jws_header_init(&h, M2MAUTH_JWS_HEADER_VERSION));
  CHECK_STATUS(m2mauth_jws_header_init(&h, 2), M2MAUTH_EINVAL);
  for (int alg : {-1, 14, 1000}) {
    h.alg = alg;
    CHECK_STATUS(m2mauth_jws_sign(t.out(), rsa.get(), nullptr, 0, &h), M2MAUTH_EALGORITHM);
  }
  h.alg = 0;
  for (const char *extra : {R"({"alg":"none"})", R"({"kid":"x"})", R"({"typ":"x"})", R"({"x5c":[]})"}) {
    h.extra_json = extra;
    CHECK_STATUS(m2mauth_jws_sign(t.out(), rsa.get(), nullptr, 0, &h), M2MAUTH_EINVAL);
  }
  h.extra_json = R"({"crit":["x"],"x":1})";
  CHECK_STATUS(m2mauth_jws_sign(t.out(), rsa.get(), nullptr, 0, &h), M2MAUTH_EUNSUPPORTED);
  h.extra_json = R"({"b64":false})";
  CHECK_STATUS(m2mauth_jws_sign(t.out(), rsa.get(), nullptr, 0, &h), M2MAUTH_EUNSUPPORTED);
  h.extra_json = "[1]";
  CHECK_STATUS(m2mauth_jws_sign(t.out(), rsa.get(), nullptr, 0, &h), M2MAUTH_EMALFORMED);
  h.extra_json = R"({"jku":"https://example.com/jwks","n":{"a":[1,true,null]}})";
  REQUIRE_OK(m2mauth_jws_sign(t.out(), rsa.get(), nullptr, 0, &h));
  Buf header, payload;
  REQUIRE_OK(m2mauth_jws_decode_unverified(header.out(), payload.out(), t.c_str()));
  CHECK(header.str() == R"({"alg":"RS256","kid":"rsa2048","jku":"https://example.com/jwks","n":{"a":[1,true,null]}})");
  CHECK(payload.str().empty());
  // sign_protected: the header must be a JSON object with a known alg.
  for (const char *ph : {"", "{}", "[]", R"({"alg":"none"})", R"({"alg":1})", R"({"alg":"RS256","crit":["x"]})", "{\"alg\":\"RS256\"", "\xff"}) {
    INFO(std::string(ph));
    CHECK(m2mauth_jws_sign_protected(t.out(), rsa.get(), capi::bytes(std::string(ph)), std::strlen(ph), nullptr, 0) != M2MAUTH_OK);
    CHECK(t.b.ptr == nullptr);
  }
  CHECK_STATUS(m2mauth_jwt_sign_json(t.out(), rsa.get(), "[]", nullptr), M2MAUTH_EMALFORMED);
  CHECK_STATUS(m2mauth_jwt_sign_json(t.out(), rsa.get(), "{\"a\":1,\"a\":2}", nullptr), M2MAUTH_EMALFORMED);
  uint32_t set = 0;
  CHECK_STATUS(m2mauth_alg_set_parse(&set, ""), M2MAUTH_EINVAL);
  CHECK_STATUS(m2mauth_alg_set_parse(&set, "RS256;ES256"), M2MAUTH_EALGORITHM);
  CHECK(std::string(m2mauth_alg_name(0)).empty());
  CHECK(std::string(m2mauth_alg_name(99)).empty());
  CHECK(std::string(m2mauth_alg_name(-5)).empty());
  CHECK_STATUS(m2mauth_util_base64url_decode(t.out(), "a=="), M2MAUTH_EMALFORMED);
}

TEST_CASE("text that is not UTF-8 never makes it into a header, a claim name or a kid") {
  // Such a token or JWK would be refused by every JOSE implementation, m2mauth included (RFC 7515 4,
  // RFC 8259 8.1): the signing side refuses it with EINVAL instead of writing it.
  auto doc = capi::jose();
  auto key = capi::test_key(doc.get(), "hmac256");
  Buf t;
  for (const char *bad : {"\xff", "a\xc3", "\xed\xa0\x80", "\xc0\xaf"}) {
    INFO(m2mtest::base64url_encode(bad));
    m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
    h.kid = bad;
    CHECK_STATUS(m2mauth_jws_sign(t.out(), key.get(), nullptr, 0, &h), M2MAUTH_EINVAL);
    h.kid = nullptr;
    h.typ = bad;
    CHECK_STATUS(m2mauth_jws_sign(t.out(), key.get(), nullptr, 0, &h), M2MAUTH_EINVAL);
    h.typ = nullptr;
    h.cty = bad;
    CHECK_STATUS(m2mauth_jwt_sign_json(t.out(), key.get(), "{}", &h), M2MAUTH_EINVAL);
    m2mauth_key *with_kid = nullptr;
    CHECK_STATUS(m2mauth_key_with_kid(&with_kid, key.get(), bad), M2MAUTH_EINVAL);
    CHECK(with_kid == nullptr);
    m2mauth_claims *c = nullptr;
    REQUIRE_OK(m2mauth_claims_new(&c));
    capi::ClaimsPtr cp(c);
    CHECK_STATUS(m2mauth_claims_set_string(c, bad, "v"), M2MAUTH_EINVAL);
    CHECK_STATUS(m2mauth_claims_set_int(c, bad, 1), M2MAUTH_EINVAL);
    CHECK_STATUS(m2mauth_claims_set_bool(c, bad, 1), M2MAUTH_EINVAL);
    CHECK_STATUS(m2mauth_claims_set_json(c, bad, "1"), M2MAUTH_EINVAL);
    CHECK_STATUS(m2mauth_claims_add_audience(c, bad), M2MAUTH_EINVAL);
    Buf json;
    REQUIRE_OK(m2mauth_claims_to_json(json.out(), c));
    CHECK(json.str() == "{}");
  }
  // Valid UTF-8 beyond ASCII goes through and verifies.
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  h.kid = "chave-\xc3\xa7\xf0\x9f\x94\x91";
  REQUIRE_OK(m2mauth_jwt_sign_json(t.out(), key.get(), R"({"sub":"S\u00e3o Paulo"})", &h));
  CHECK_STATUS(capi::verify(key.get(), t.str(), capi::all_algs()), M2MAUTH_OK);
}
