// Hostile input (issue 10, defects 3 and 7), core:
// - U+0000 in any JSON string is refused (Errc::malformed) before a C-string comparison can see a
//   shorter string: every token below is validly signed, so without the rule it would pass;
// - a JWK set for verification refuses private members (Errc::key).
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/jwt.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/senhasegura.hpp"

using namespace m2mauth::core;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";

Key hmac_key(const std::string &kid = "") {
  Key k = Key::from_secret(reinterpret_cast<const std::uint8_t *>(kSecret.data()), kSecret.size());
  return kid.empty() ? k : k.with_kid(kid);
}

// A compact JWS over exactly these header and payload texts, validly signed with HS256.
std::string forge(const std::string &header, const std::string &payload) {
  std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  return input + "." + base64url_encode(sign_bytes(hmac_key(), Alg::hs256, input));
}

const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";

// The error of f (ok if it does not throw) and its message.
struct Outcome {
  Errc code = Errc::ok;
  std::string message;
};
Outcome outcome(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return {e.code(), e.what()};
  }
  return {};
}

Verifier hs256_verifier() { return Verifier(hmac_key(), alg_bit(Alg::hs256)); }

}  // namespace

TEST_CASE("hostile strings: the JSON parser refuses U+0000 in every string, names the member, never the value") {
  for (const char *text : {R"({"aud":["api\u0000.evil"]})", R"({"a":{"kid":"k1\u0000x"}})", "[\"x\\u0000\"]",
                           R"({"ex\u0000p":1})", R"("\u0000")"}) {
    INFO(text);
    Outcome o = outcome([&] { json_parse(text, "test JSON"); });
    CHECK(o.code == Errc::malformed);
    CHECK(o.message.find("U+0000") != std::string::npos);
    CHECK(o.message.find("evil") == std::string::npos);
    CHECK(o.message.find("k1") == std::string::npos);
  }
  CHECK(outcome([] { json_parse(R"({"aud":["api\u0000.evil"]})", "claims"); }).message.find("member \"aud\"") !=
        std::string::npos);
  CHECK(outcome([] { json_parse(R"({"a":{"kid":"k1\u0000x"}})", "header"); }).message.find("member \"kid\"") !=
        std::string::npos);
  // A raw NUL byte in a string is the same character.
  CHECK(outcome([] { json_parse(std::string("{\"a\":\"x\0y\"}", 11), "raw"); }).code == Errc::malformed);
  // Not a NUL: an escaped backslash before "u0000", and other control characters.
  CHECK(outcome([] { json_parse(R"({"a":"\\u0000","b":"\u0001"})", "ok"); }).code == Errc::ok);
  Json ok = json_parse(R"({"a":"\\u0000"})", "ok");
  CHECK(std::string(json_get(ok.get(), "a")->valuestring) == "\\u0000");
}

TEST_CASE("hostile strings: aud, iss, sub with U+0000 never match the shorter value (signed tokens)") {
  Verifier aud = hs256_verifier();
  aud.add_audience("api");
  CHECK(outcome([&] { aud.verify(forge(kHeader, R"({"aud":"api"})")); }).code == Errc::ok);  // the control
  CHECK(outcome([&] { aud.verify(forge(kHeader, R"({"aud":["api"]})")); }).code == Errc::ok);
  CHECK(outcome([&] { aud.verify(forge(kHeader, R"({"aud":["api\u0000.evil"]})")); }).code == Errc::malformed);
  CHECK(outcome([&] { aud.verify(forge(kHeader, R"({"aud":"api\u0000.evil"})")); }).code == Errc::malformed);
  Verifier two = hs256_verifier();
  two.add_audience("api");
  two.add_audience("other");
  CHECK(outcome([&] { two.verify(forge(kHeader, R"({"aud":"api\u0000"})")); }).code == Errc::malformed);

  Verifier iss = hs256_verifier();
  iss.set_issuer("https://as.example");
  CHECK(outcome([&] { iss.verify(forge(kHeader, R"({"iss":"https://as.example"})")); }).code == Errc::ok);
  Outcome o = outcome([&] { iss.verify(forge(kHeader, R"({"iss":"https://as.example\u0000.evil"})")); });
  CHECK(o.code == Errc::malformed);
  CHECK(o.message.find("\"iss\"") != std::string::npos);
  CHECK(o.message.find("evil") == std::string::npos);

  Verifier sub = hs256_verifier();
  sub.set_subject("svc");
  CHECK(outcome([&] { sub.verify(forge(kHeader, R"({"sub":"svc\u0000admin"})")); }).code == Errc::malformed);
  // Unverified decoding reads the same text with the same rule.
  CHECK(outcome([&] { jwt_decode_unverified(forge(kHeader, R"({"sub":"svc\u0000admin"})")); }).code == Errc::malformed);
}

TEST_CASE("hostile strings: alg, kid, typ, crit with U+0000 in the protected header (signed tokens)") {
  Verifier v = hs256_verifier();
  CHECK(outcome([&] { v.verify(forge(kHeader, "{}")); }).code == Errc::ok);
  CHECK(outcome([&] { v.verify(forge(R"({"alg":"HS256\u0000x"})", "{}")); }).code == Errc::malformed);
  CHECK(outcome([&] { jws_verify(hmac_key(), forge(R"({"alg":"HS256\u0000x"})", "{}"), alg_bit(Alg::hs256), 1 << 20); })
            .code == Errc::malformed);

  Verifier typ = hs256_verifier();
  typ.set_typ("JWT");
  CHECK(outcome([&] { typ.verify(forge(R"({"alg":"HS256","typ":"JWT\u0000x"})", "{}")); }).code == Errc::malformed);

  // kid "k1\u0000x" must not select key k1 of a set.
  Verifier set(std::vector<Key>{hmac_key("k1"), hmac_key("k2")}, alg_bit(Alg::hs256));
  CHECK(outcome([&] { set.verify(forge(R"({"alg":"HS256","kid":"k1"})", "{}")); }).code == Errc::ok);
  CHECK(outcome([&] { set.verify(forge(R"({"alg":"HS256","kid":"k1\u0000x"})", "{}")); }).code == Errc::malformed);

  // crit: a name or a value with U+0000 is refused as malformed before crit is looked at.
  CHECK(outcome([&] { v.verify(forge(R"({"alg":"HS256","crit\u0000":["x"]})", "{}")); }).code == Errc::malformed);
  CHECK(outcome([&] { v.verify(forge(R"({"alg":"HS256","crit":["exp\u0000"],"exp\u0000":1})", "{}")); }).code ==
        Errc::malformed);
  // Signing refuses the same text: m2mauth never writes what it would refuse to read.
  CHECK(outcome([] { jws_sign_protected(hmac_key(), R"({"alg":"HS256","kid":"k1\u0000x"})", "{}"); }).code ==
        Errc::malformed);
  CHECK(outcome([] { jwt_sign_json(hmac_key(), R"({"aud":"api\u0000"})", JwsHeader{}); }).code == Errc::malformed);
}

TEST_CASE("hostile strings: JWK members kty, crv, use, kid with U+0000") {
  const std::string x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
  auto ec = [&](const std::string &extra, const std::string &crv = "P-256", const std::string &kty = "EC") {
    return R"({"kty":")" + kty + R"(","crv":")" + crv + R"(","x":")" + x + R"(","y":")" + y + "\"" + extra + "}";
  };
  CHECK(outcome([&] { key_from_jwk(ec("")); }).code == Errc::ok);
  CHECK(outcome([&] { key_from_jwk(ec("", "P-256", "EC\\u0000x")); }).code == Errc::malformed);
  CHECK(outcome([&] { key_from_jwk(ec("", "P-256\\u0000")); }).code == Errc::malformed);
  CHECK(outcome([&] { key_from_jwk(ec(R"(,"use":"sig\u0000enc")")); }).code == Errc::malformed);
  CHECK(outcome([&] { key_from_jwks("{\"keys\":[" + ec(R"(,"kid":"k1\u0000x")") + "]}", "k1"); }).code ==
        Errc::malformed);
}

TEST_CASE("hostile strings: token response access_token and token_type with U+0000 are a protocol error") {
  ClientConfig config;
  auto parse = [&](const std::string &body) {
    Response r;
    r.status = 200;
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = body;
    return outcome([&] { parse_token_response(r, 0, config, TokenScope{}); });
  };
  CHECK(parse(R"({"access_token":"tok-0123456789","token_type":"Bearer","expires_in":600})").code == Errc::ok);
  Outcome at = parse(R"({"access_token":"tok\u0000-0123456789","token_type":"Bearer","expires_in":600})");
  CHECK(at.code == Errc::protocol);
  CHECK(at.message.find("0123456789") == std::string::npos);
  CHECK(parse(R"({"access_token":"tok-0123456789","token_type":"Bearer\u0000x","expires_in":600})").code ==
        Errc::protocol);
}

namespace {
// An application transport (the Transport interface applications implement) answering from memory.
struct Answer : Transport {
  std::string body;
  Response send(const Request &, const CallOptions &) override {
    Response r;
    r.status = 200;
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = body;
    return r;
  }
};
}  // namespace

TEST_CASE("hostile strings: discovery metadata with U+0000 in issuer or token_endpoint is refused") {
  Answer t;
  t.body = R"({"issuer":"https://as.example","token_endpoint":"https://as.example/token"})";
  CHECK(discover_token_endpoint(t, "https://as.example") == "https://as.example/token");
  t.body = R"({"issuer":"https://as.example\u0000.evil","token_endpoint":"https://as.example/token"})";
  CHECK(outcome([&] { discover_token_endpoint(t, "https://as.example"); }).code == Errc::malformed);
  t.body = R"({"issuer":"https://as.example","token_endpoint":"https://as.example/token\u0000.evil"})";
  Outcome o = outcome([&] { discover_token_endpoint(t, "https://as.example"); });
  CHECK(o.code == Errc::malformed);
  CHECK(o.message.find("evil") == std::string::npos);
}

TEST_CASE("hostile strings: a senhasegura A2A envelope with U+0000 is a protocol error") {
  A2AContext ctx;
  ctx.method = "GET";
  ctx.path = "/iso/pam/info/1";
  Response r;
  r.status = 200;
  r.body = R"({"response":{"status":200,"message":"OK","error":false}})";
  CHECK(outcome([&] { a2a_parse_response(r, ctx); }).code == Errc::ok);
  // Without the rule "error":"true\u0000x" would read as the flag "true".
  r.body = R"({"response":{"status":200,"message":"OK","error":"true\u0000x"}})";
  CHECK(outcome([&] { a2a_parse_response(r, ctx); }).code == Errc::protocol);
}

TEST_CASE("hostile keys: a JWK set for verification refuses private members, of any key type") {
  const std::string x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
  const std::string d = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
  const std::string pub = R"({"kty":"EC","crv":"P-256","kid":"e","x":")" + x + R"(","y":")" + y + "\"}";
  const std::string priv = R"({"kty":"EC","crv":"P-256","kid":"e","x":")" + x + R"(","y":")" + y + R"(","d":")" + d + "\"}";
  CHECK(public_keys_from_jwks("{\"keys\":[" + pub + "]}").size() == 1);
  Outcome o = outcome([&] { public_keys_from_jwks("{\"keys\":[" + priv + "]}"); });
  CHECK(o.code == Errc::key);
  CHECK(o.message.find("\"d\"") != std::string::npos);
  CHECK(o.message.find(d) == std::string::npos);
  CHECK(outcome([&] { Verifier::from_jwks("{\"keys\":[" + priv + "]}", alg_bit(Alg::es256)); }).code == Errc::key);
  // Every private member name, on any key object of the set (also one that would be skipped).
  for (const char *m : {"d", "p", "q", "dp", "dq", "qi", "oth"}) {
    INFO(m);
    const std::string extra = std::string(R"({"kty":"OKP","crv":"X25519","x":"AA",")") + m + R"(":"AA"})";
    CHECK(outcome([&] { public_keys_from_jwks("{\"keys\":[" + pub + "," + extra + "]}"); }).code == Errc::key);
  }
  // oct keys are the secret itself: an HMAC set still verifies.
  CHECK(public_keys_from_jwks(R"({"keys":[{"kty":"oct","kid":"h","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}]})")
            .size() == 1);
  // Reading a key (for signing) from a private JWKS stays possible, and exports stay public by default.
  Key k = key_from_jwks("{\"keys\":[" + priv + "]}", "e");
  CHECK(k.has_private());
  CHECK(jwks({k}).find("\"d\"") == std::string::npos);
  CHECK(public_jwk(k).find("\"d\"") == std::string::npos);
  CHECK(private_jwk(k).find("\"d\"") != std::string::npos);
  // Multi-prime RSA ("oth") is not supported.
  CHECK(outcome([] { key_from_jwk(R"({"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQ","oth":[]})"); }).code ==
        Errc::unsupported);
}

TEST_CASE("hostile strings: a lone UTF-16 surrogate is refused by verification as by every reader (fuzz finding)") {
  Verifier v = hs256_verifier();
  // A pair is one character (U+1F600) and reads back as it.
  const std::string pair = forge(kHeader, R"({"iss":"\ud83d\ude00"})");
  CHECK(outcome([&] { v.verify(pair); }).code == Errc::ok);
  CHECK(outcome([&] { jwt_decode_unverified(pair); }).code == Errc::ok);
  // A lone high or low surrogate, or a high one followed by anything but a low one: what the tree
  // parser refuses, verification refuses too (before, verify accepted a token no claim could be read from).
  for (const char *claims : {R"({"iss":"\ud800"})", R"({"iss":"\udc00x"})", R"({"iss":"\ud800\u0041"})",
                             R"({"iss":"\ud800\\"})"}) {
    CAPTURE(claims);
    const std::string token = forge(kHeader, claims);
    CHECK(outcome([&] { v.verify(token); }).code == Errc::malformed);
    CHECK(outcome([&] { jwt_decode_unverified(token); }).code == Errc::malformed);
  }
}
