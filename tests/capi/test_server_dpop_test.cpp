// The test double's DPoP (RFC 9449) through the C API: the library's token client and token manager with
// a DPoP key get tokens bound to it (cnf.jkt in the JWT and in introspection), and proofs made by hand
// (m2mauth_jws_sign_protected) that an RFC 9449 section 4.3 server refuses get 400 invalid_dpop_proof.
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "test_server_support.hpp"

using capi::Buf;
using namespace test_server_support;

namespace {

std::string basic_header(const std::string &id, const std::string &secret) {
  Buf b;
  std::string creds = id + ":" + secret;
  REQUIRE_OK(m2mauth_util_base64url_encode(b.out(), capi::bytes(creds), creds.size()));
  std::string std_b64 = b.str();  // to the standard alphabet, padded
  for (char &ch : std_b64) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  while (std_b64.size() % 4 != 0) std_b64 += '=';
  return "Authorization: Basic " + std_b64 + "\r\n";
}

std::string b64url(const std::string &s) {
  Buf b;
  REQUIRE_OK(m2mauth_util_base64url_encode(b.out(), capi::bytes(s), s.size()));
  return b.str();
}

std::string random_jti() {
  Buf b;
  REQUIRE_OK(m2mauth_util_uuid_v4(b.out()));
  return b.str();
}

std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

// A compact JWS over claims with exactly this protected header, signed by key.
std::string craft(const m2mauth_key *key, const std::string &header, const std::string &claims) {
  Buf b;
  REQUIRE_OK(m2mauth_jws_sign_protected(b.out(), key, capi::bytes(header), header.size(), capi::bytes(claims),
                                        claims.size()));
  return b.str();
}

std::string claims_json(const std::string &htm, const std::string &htu, std::int64_t iat, const std::string &jti) {
  return "{\"jti\":\"" + jti + "\",\"htm\":\"" + htm + "\",\"htu\":\"" + htu + "\",\"iat\":" + std::to_string(iat) + "}";
}

// A token endpoint with one Basic client and a P-256 proof key to make proofs by hand.
struct DpopFixture {
  Server server;
  capi::KeyPtr key;
  std::string jwk;  // the key's public JWK
  std::string token_url;
  std::string auth = basic_header("svc", kSecret);

  explicit DpopFixture(const m2mauth_test_server_options *o = nullptr) : server(o) {
    server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
    server.start();
    token_url = server.url() + "/token";
    m2mauth_key *k = nullptr;
    REQUIRE_OK(m2mauth_key_generate_ec(&k, "P-256"));
    key.reset(k);
    Buf j;
    REQUIRE_OK(m2mauth_key_public_jwk(j.out(), k, nullptr, nullptr));
    jwk = j.str();
  }
  std::string header(const char *alg = "ES256") const {
    return std::string("{\"typ\":\"dpop+jwt\",\"alg\":\"") + alg + "\",\"jwk\":" + jwk + "}";
  }
  // A proof the server accepts.
  std::string good(const std::string &jti = random_jti()) const {
    return craft(key.get(), header(), claims_json("POST", token_url, now_s(), jti));
  }
  // The raw response to a client_credentials request carrying these extra header lines.
  std::string send(const std::string &extra_headers) const {
    return post(server.port(), "/token", "grant_type=client_credentials", auth + extra_headers);
  }
  std::string send_proof(const std::string &proof) const { return send("DPoP: " + proof + "\r\n"); }
};

// A 400 invalid_dpop_proof whose description names why (when given) and never repeats the proof.
void check_refused(const std::string &response, const std::string &proof, const char *why = nullptr) {
  CHECK(status_of(response) == 400);
  CHECK(body_of(response).find("\"error\":\"invalid_dpop_proof\"") != std::string::npos);
  CHECK(body_of(response).find("\"error_description\":") != std::string::npos);
  if (why != nullptr) CHECK(body_of(response).find(why) != std::string::npos);
  if (proof.size() > 20) CHECK(response.find(proof.substr(0, 20)) == std::string::npos);
}

std::string json_member_of_body(const std::string &body, const std::string &name) {
  std::size_t p = body.find("\"" + name + "\":");
  return p == std::string::npos ? std::string() : body.substr(p);
}

}  // namespace

TEST_CASE("test server DPoP: the token manager with a DPoP key gets a DPoP token whose JWT and introspection carry cnf.jkt") {
  m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
  o.token_format = M2MAUTH_TEST_TOKEN_JWT;
  Server server(&o);
  server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret, nullptr, "read");
  server.start();
  Http http;
  TokenClient client(server.url() + "/token", "svc", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));
  m2mauth_dpop *dpop = nullptr;
  REQUIRE_OK(m2mauth_dpop_new(&dpop, nullptr, nullptr));
  Buf thumbprint;
  REQUIRE_OK(m2mauth_dpop_thumbprint(thumbprint.out(), dpop));
  REQUIRE_OK(m2mauth_token_client_set_dpop(client.c, dpop));
  m2mauth_dpop_free(dpop);  // the client keeps the key alive
  m2mauth_token_manager *manager = nullptr;
  REQUIRE_OK(m2mauth_token_manager_new(&manager, client.c, nullptr));
  m2mauth_token_view view = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE_OK(m2mauth_token_manager_get(&view, manager));
  CHECK(std::string(view.scheme) == "DPoP");
  const std::string token(view.access_token, view.access_token_len);
  m2mauth_token_manager_free(manager);
  CHECK(server.count("dpop") == 1);
  CHECK(server.count("dpop_refused") == 0);

  // The JWT access token verifies with the server's JWKS and is bound to the client's key.
  std::string jwks = body_of(raw_exchange(server.port(), "GET /jwks HTTP/1.1\r\nHost: x\r\n\r\n"));
  m2mauth_verifier *v = nullptr;
  REQUIRE_OK(m2mauth_verifier_from_jwks(&v, jwks.c_str(), capi::all_algs()));
  capi::VerifierPtr verifier(v);
  REQUIRE_OK(m2mauth_verifier_set_issuer(v, server.url().c_str()));
  REQUIRE_OK(m2mauth_verifier_add_audience(v, server.url().c_str()));
  m2mauth_claims *c = nullptr;
  REQUIRE_OK(m2mauth_verifier_verify(&c, v, token.c_str()));
  capi::ClaimsPtr claims(c);
  Buf cnf;
  REQUIRE_OK(m2mauth_claims_get_json(cnf.out(), c, "cnf"));
  CHECK(cnf.str() == "{\"jkt\":\"" + thumbprint.str() + "\"}");

  const std::string basic = basic_header("svc", kSecret);
  std::string introspected = body_of(post(server.port(), "/introspect", "token=" + token, basic));
  CHECK(introspected.find("\"active\":true") != std::string::npos);
  CHECK(introspected.find("\"token_type\":\"DPoP\"") != std::string::npos);
  CHECK(introspected.find("\"cnf\":{\"jkt\":\"" + thumbprint.str() + "\"}") != std::string::npos);

  // Without a DPoP key the same client still gets a Bearer token, unbound.
  TokenClient bearer(server.url() + "/token", "svc", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(bearer.c, kSecret));
  m2mauth_token *t = nullptr;
  REQUIRE_OK(m2mauth_token_client_fetch(&t, bearer.c));
  CHECK(std::string(m2mauth_token_type(t)) == "Bearer");
  const std::string bearer_token = m2mauth_token_access_token(t);
  m2mauth_token_free(t);
  std::string unbound = body_of(post(server.port(), "/introspect", "token=" + bearer_token, basic));
  CHECK(unbound.find("\"token_type\":\"Bearer\"") != std::string::npos);
  CHECK(unbound.find("\"cnf\"") == std::string::npos);
  CHECK(server.count("dpop") == 1);

  std::string meta = body_of(raw_exchange(server.port(), "GET /.well-known/oauth-authorization-server HTTP/1.1\r\n\r\n"));
  CHECK(meta.find("\"dpop_signing_alg_values_supported\":[") != std::string::npos);
}

TEST_CASE("test server DPoP: proofs with Ed25519, RSA (RS256, PS256) and P-384 keys bind opaque tokens too") {
  Server server;
  server.add("svc", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
  server.start();
  Http http;
  struct Case {
    const char *name;
    int alg;
  };
  for (const Case &k : {Case{"Ed25519", 0}, Case{"RSA", 0}, Case{"RSA", M2MAUTH_ALG_PS256}, Case{"P-384", 0}}) {
    CAPTURE(k.name);
    CAPTURE(k.alg);
    m2mauth_key *key = nullptr;
    if (std::string(k.name) == "Ed25519") REQUIRE_OK(m2mauth_key_generate_ed25519(&key));
    else if (std::string(k.name) == "RSA") REQUIRE_OK(m2mauth_key_generate_rsa(&key, 2048));
    else REQUIRE_OK(m2mauth_key_generate_ec(&key, k.name));
    capi::KeyPtr owned(key);
    m2mauth_dpop_options opts = M2MAUTH_DPOP_OPTIONS_INIT;
    opts.alg = k.alg;
    m2mauth_dpop *dpop = nullptr;
    REQUIRE_OK(m2mauth_dpop_new(&dpop, key, &opts));
    Buf thumbprint;
    REQUIRE_OK(m2mauth_dpop_thumbprint(thumbprint.out(), dpop));
    TokenClient client(server.url() + "/token", "svc", http);
    REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));
    REQUIRE_OK(m2mauth_token_client_set_dpop(client.c, dpop));
    m2mauth_dpop_free(dpop);
    m2mauth_token *t = nullptr;
    REQUIRE_OK(m2mauth_token_client_fetch(&t, client.c));
    CHECK(std::string(m2mauth_token_type(t)) == "DPoP");
    const std::string token = m2mauth_token_access_token(t);
    m2mauth_token_free(t);
    std::string introspected =
        body_of(post(server.port(), "/introspect", "token=" + token, basic_header("svc", kSecret)));
    CHECK(introspected.find("\"cnf\":{\"jkt\":\"" + thumbprint.str() + "\"}") != std::string::npos);
  }
  CHECK(server.count("dpop") == 4);
}

TEST_CASE("test server DPoP: iat is checked against the server's clock (clock_offset_s)") {
  m2mauth_test_server_options o = M2MAUTH_TEST_SERVER_OPTIONS_INIT;
  o.clock_offset_s = 300;  // the server runs five minutes ahead: a proof made now is old to it
  DpopFixture f(&o);
  Http http;
  TokenClient client(f.token_url, "svc", http);
  REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));
  m2mauth_dpop *dpop = nullptr;
  REQUIRE_OK(m2mauth_dpop_new(&dpop, nullptr, nullptr));
  REQUIRE_OK(m2mauth_token_client_set_dpop(client.c, dpop));
  m2mauth_dpop_free(dpop);
  CHECK(client.fetch() != M2MAUTH_OK);
  CHECK(m2mauth_error_last()->http_status == 400);
  CHECK(std::string(m2mauth_error_last()->oauth_error) == "invalid_dpop_proof");

  // A proof dated on the server's clock is accepted.
  std::string ok = f.send_proof(craft(f.key.get(), f.header(), claims_json("POST", f.token_url, now_s() + 300, random_jti())));
  CHECK(status_of(ok) == 200);
  CHECK(body_of(ok).find("\"token_type\":\"DPoP\"") != std::string::npos);
}

TEST_CASE("test server DPoP: hostile proofs are refused with 400 invalid_dpop_proof and issue nothing") {
  DpopFixture f;
  const std::string url = f.token_url;
  const std::int64_t now = now_s();

  // Baseline: a proof made by hand is accepted; htu is compared without query and fragment, scheme and
  // host case-insensitively.
  std::string ok = f.send_proof(f.good());
  REQUIRE(status_of(ok) == 200);
  CHECK(body_of(ok).find("\"token_type\":\"DPoP\"") != std::string::npos);
  const std::string upper = "HTTP://127.0.0.1:" + std::to_string(f.server.port()) + "/token?x=1#frag";
  CHECK(status_of(f.send_proof(craft(f.key.get(), f.header(), claims_json("POST", upper, now, random_jti())))) == 200);
  const std::uint64_t accepted = f.server.count("dpop");
  CHECK(accepted == 2);

  SUBCASE("wrong htu, wrong htm") {
    for (const std::string &htu : {f.server.url() + "/introspect", std::string("http://127.0.0.1:1/token"),
                                   std::string("https://127.0.0.1:") + std::to_string(f.server.port()) + "/token",
                                   std::string("/token"), std::string("not a url")}) {
      CAPTURE(htu);
      std::string p = craft(f.key.get(), f.header(), claims_json("POST", htu, now, random_jti()));
      check_refused(f.send_proof(p), p, "htu must be the token endpoint");
    }
    for (const char *htm : {"GET", "post", "PUT"}) {
      CAPTURE(htm);
      std::string p = craft(f.key.get(), f.header(), claims_json(htm, url, now, random_jti()));
      check_refused(f.send_proof(p), p, "htm must be POST");
    }
  }
  SUBCASE("iat too old, in the future, missing or not a number; jti missing or too long") {
    for (std::int64_t iat : {now - 120, now + 120, std::int64_t{0}}) {
      CAPTURE(iat);
      std::string p = craft(f.key.get(), f.header(), claims_json("POST", url, iat, random_jti()));
      check_refused(f.send_proof(p), p, "iat is missing or outside");
    }
    for (const std::string &claims :
         {"{\"jti\":\"a1\",\"htm\":\"POST\",\"htu\":\"" + url + "\"}",
          "{\"jti\":\"a2\",\"htm\":\"POST\",\"htu\":\"" + url + "\",\"iat\":\"" + std::to_string(now) + "\"}",
          "{\"htm\":\"POST\",\"htu\":\"" + url + "\",\"iat\":" + std::to_string(now) + "}",
          claims_json("POST", url, now, std::string(300, 'j'))}) {
      CAPTURE(claims);
      std::string p = craft(f.key.get(), f.header(), claims);
      check_refused(f.send_proof(p), p);
    }
  }
  SUBCASE("a replayed jti: the same proof again, and a new proof with a used jti") {
    const std::string jti = random_jti();
    std::string p = f.good(jti);
    CHECK(status_of(f.send_proof(p)) == 200);
    check_refused(f.send_proof(p), p, "jti was seen before");
    std::string again = f.good(jti);  // a fresh ECDSA signature, the same jti
    CHECK(again != p);
    check_refused(f.send_proof(again), again, "jti was seen before");
  }
  SUBCASE("alg none, HS256, and typ other than dpop+jwt") {
    const std::string claims = claims_json("POST", url, now, random_jti());
    std::string none = b64url(f.header("none")) + "." + b64url(claims) + ".";
    check_refused(f.send_proof(none), none, "not a compact JWS with a supported alg");
    m2mauth_key *secret = nullptr;
    REQUIRE_OK(m2mauth_key_from_secret(&secret, capi::bytes(std::string(kSecret)), 32));
    capi::KeyPtr hmac(secret);
    // HS256 with the EC jwk, and with the secret itself as an oct jwk.
    std::string hs = craft(secret, f.header("HS256"), claims);
    check_refused(f.send_proof(hs), hs, "alg must be asymmetric");
    std::string oct = craft(secret, "{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"" +
                                        b64url(std::string(kSecret).substr(0, 32)) + "\"}}", claims);
    check_refused(f.send_proof(oct), oct, "alg must be asymmetric");
    for (const std::string &header :
         {"{\"typ\":\"JWT\",\"alg\":\"ES256\",\"jwk\":" + f.jwk + "}", "{\"alg\":\"ES256\",\"jwk\":" + f.jwk + "}",
          std::string("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\"}"),
          "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":\"" + std::string("x") + "\"}"}) {
      CAPTURE(header);
      std::string p = craft(f.key.get(), header, claims_json("POST", url, now, random_jti()));
      check_refused(f.send_proof(p), p);
    }
  }
  SUBCASE("a private jwk, a jwk of another key, a bad signature") {
    Buf priv;
    REQUIRE_OK(m2mauth_key_private_jwk(priv.out(), f.key.get()));
    const std::string private_header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + priv.str() + "}";
    std::string p = craft(f.key.get(), private_header, claims_json("POST", url, now, random_jti()));
    std::string response = f.send_proof(p);
    check_refused(response, p, "without private members");
    CHECK(response.find("\"d\"") == std::string::npos);

    m2mauth_key *other = nullptr;
    REQUIRE_OK(m2mauth_key_generate_ec(&other, "P-256"));
    capi::KeyPtr other_key(other);
    std::string wrong_key = craft(other, f.header(), claims_json("POST", url, now, random_jti()));
    check_refused(f.send_proof(wrong_key), wrong_key, "signature does not verify");

    std::string flipped = f.good();
    char &ch = flipped[flipped.size() - 10];
    ch = ch == 'A' ? 'B' : 'A';
    check_refused(f.send_proof(flipped), flipped, "signature does not verify");
    std::string truncated = f.good();
    truncated.resize(truncated.size() - 8);
    check_refused(f.send_proof(truncated), truncated);
  }
  SUBCASE("two DPoP headers, an empty one, garbage, escaped NUL, a large proof") {
    check_refused(f.send("DPoP: " + f.good() + "\r\ndpop: " + f.good() + "\r\n"), {}, "exactly one DPoP header");
    check_refused(f.send("DPoP: \r\n"), {});
    for (const std::string &garbage :
         {std::string("garbage"), std::string("a.b.c"), std::string("..."), b64url("{\"typ\":") + ".e30.AAAA",
          b64url("[1,2]") + ".e30.AAAA", std::string(300, '.')}) {
      CAPTURE(garbage);
      check_refused(f.send_proof(garbage), garbage);
    }
    // U+0000 escaped in a claim and in the jwk: the core's JSON parser refuses both.
    std::string nul_claim = craft(f.key.get(), f.header(),
                                  "{\"jti\":\"x\\u0000y\",\"htm\":\"POST\",\"htu\":\"" + url + "\",\"iat\":" + std::to_string(now) + "}");
    check_refused(f.send_proof(nul_claim), nul_claim);
    std::string jwk_nul = f.jwk;
    REQUIRE(jwk_nul.find("\"kty\":\"EC") != std::string::npos);
    jwk_nul.insert(jwk_nul.find("\"kty\":\"EC") + 9, "\\u0000");
    // (the library will not sign such a header: the signature is a placeholder, never reached)
    std::string nul_jwk = b64url("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + jwk_nul + "}") + "." +
                          b64url(claims_json("POST", url, now, random_jti())) + "." + b64url(std::string(64, 's'));
    check_refused(f.send_proof(nul_jwk), nul_jwk);
    // A 12 KiB proof (a long claim, validly signed) is refused by size; a raw NUL byte and a header
    // section over 16 KiB are refused by the HTTP parser before the token endpoint sees them.
    std::string big = craft(f.key.get(), f.header(),
                            "{\"jti\":\"" + random_jti() + "\",\"htm\":\"POST\",\"htu\":\"" + url + "\",\"iat\":" +
                                std::to_string(now) + ",\"pad\":\"" + std::string(9000, 'p') + "\"}");
    REQUIRE(big.size() > 12000);
    check_refused(f.send_proof(big), big, "too large");
    CHECK(status_of(f.send_proof(f.good() + std::string(1, '\0'))) == 400);
    CHECK(status_of(f.send_proof(std::string(20000, 'A'))) == 431);
  }
  // Refusals are counted; besides the baseline only the replay subcase's first proof was accepted.
  CHECK(f.server.count("dpop_refused") > 0);
  CHECK(f.server.count("dpop") <= accepted + 1);
}

TEST_CASE("test server DPoP: a client refused by authentication does not use up its proof's jti") {
  DpopFixture f;
  const std::string proof = f.good();
  std::string refused = post(f.server.port(), "/token", "grant_type=client_credentials",
                             basic_header("svc", "wrong-secret") + "DPoP: " + proof + "\r\n");
  CHECK(status_of(refused) == 401);
  CHECK(f.server.count("dpop_refused") == 0);
  std::string ok = f.send_proof(proof);
  CHECK(status_of(ok) == 200);
  CHECK(body_of(ok).find("\"token_type\":\"DPoP\"") != std::string::npos);
  CHECK(json_member_of_body(body_of(ok), "access_token").size() > 20);
}

TEST_CASE("test server DPoP: one proof sent on 8 connections at once is accepted exactly once") {
  DpopFixture f;
  const std::string proof = f.good();
  std::vector<int> statuses(8, 0);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < statuses.size(); ++i)
    threads.emplace_back([&f, &proof, &statuses, i] { statuses[i] = status_of(f.send_proof(proof)); });
  for (auto &t : threads) t.join();
  int ok = 0, refused = 0;
  for (int s : statuses) {
    if (s == 200) ++ok;
    if (s == 400) ++refused;
  }
  CHECK(ok == 1);
  CHECK(refused == 7);
  CHECK(f.server.count("dpop") == 1);
  CHECK(f.server.count("dpop_refused") == 7);
}
