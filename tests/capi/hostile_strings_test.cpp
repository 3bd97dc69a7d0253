// Hostile input (issue 10, defects 3 and 7) through the C API:
// - U+0000 in any JSON string (claims, protected header, JWK, token response, claims set by the
//   caller) is refused before a C-string comparison could see a shorter string;
// - m2mauth_verifier_from_jwks refuses a set carrying private members; exports stay public by default.
#include <doctest/doctest.h>

#include <string>

#include "capi_support.hpp"

using capi::Buf;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";

capi::KeyPtr hmac_key(const char *kid = nullptr) {
  m2mauth_key *k = nullptr;
  REQUIRE_OK(m2mauth_key_from_secret(&k, capi::bytes(kSecret), kSecret.size()));
  if (kid == nullptr) return capi::KeyPtr(k);
  m2mauth_key *named = nullptr;
  REQUIRE_OK(m2mauth_key_with_kid(&named, k, kid));
  m2mauth_key_free(k);
  return capi::KeyPtr(named);
}

// A validly signed HS256 JWT whose payload is exactly these bytes (the payload is not parsed).
std::string signed_jwt(const std::string &payload) {
  auto key = hmac_key();
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  h.alg = M2MAUTH_ALG_HS256;
  h.typ = "JWT";
  Buf out;
  REQUIRE_OK(m2mauth_jws_sign(out.out(), key.get(), capi::bytes(payload), payload.size(), &h));
  return out.str();
}

std::string b64(const std::string &s) {
  Buf out;
  REQUIRE_OK(m2mauth_util_base64url_encode(out.out(), capi::bytes(s), s.size()));
  return out.str();
}

// A token with this header text; its signature (of another header) does not verify, so only a check
// made before the signature can give anything but M2MAUTH_ESIGNATURE.
std::string with_header(const std::string &header) {
  std::string t = signed_jwt("{}");
  return b64(header) + t.substr(t.find('.'));
}

int verify(const m2mauth_verifier *v, const std::string &token) {
  m2mauth_claims *c = nullptr;
  int rc = m2mauth_verifier_verify(&c, v, token.c_str());
  m2mauth_claims_free(c);
  return rc;
}

capi::VerifierPtr hs256_verifier() {
  auto key = hmac_key();
  m2mauth_verifier *v = nullptr;
  REQUIRE_OK(m2mauth_verifier_new(&v, key.get(), m2mauth_alg_bit(M2MAUTH_ALG_HS256)));
  return capi::VerifierPtr(v);
}

struct Canned {
  std::string body;
  int status = 200;
};

m2mauth_status canned_send(m2mauth_response **out, const m2mauth_request *, void *payload) {
  auto *c = static_cast<Canned *>(payload);
  m2mauth_response *r = nullptr;
  m2mauth_status rc = m2mauth_response_new(&r, c->status);
  if (rc != M2MAUTH_OK) return rc;
  m2mauth_response_add_header(r, "Content-Type", "application/json");
  m2mauth_response_set_body(r, capi::bytes(c->body), c->body.size());
  *out = r;
  return M2MAUTH_OK;
}

int fetch_with_body(const std::string &body, int status = 200) {
  Canned canned{body, status};
  m2mauth_http *http = nullptr;
  REQUIRE_OK(m2mauth_http_new_custom(&http, canned_send, &canned, nullptr));
  m2mauth_token_client *c = nullptr;
  REQUIRE_OK(m2mauth_token_client_new(&c, "https://as.example.test/token", "svc", http));
  REQUIRE_OK(m2mauth_token_client_set_secret(c, "client-secret-for-nul-test"));
  m2mauth_token *t = nullptr;
  int rc = m2mauth_token_client_fetch(&t, c);
  if (rc == M2MAUTH_OK) CHECK(std::string(m2mauth_token_type(t)) == "Bearer");
  m2mauth_token_free(t);
  m2mauth_token_client_free(c);
  m2mauth_http_free(http);
  return rc;
}

}  // namespace

TEST_CASE("hostile strings: aud, iss, sub with U+0000 are EMALFORMED, never a match for the shorter value") {
  auto v = hs256_verifier();
  REQUIRE_OK(m2mauth_verifier_add_audience(v.get(), "api"));
  REQUIRE_OK(m2mauth_verifier_set_issuer(v.get(), "https://as.example"));
  REQUIRE_OK(m2mauth_verifier_set_subject(v.get(), "svc"));
  CHECK_STATUS(verify(v.get(), signed_jwt(R"({"aud":["api"],"iss":"https://as.example","sub":"svc"})")), M2MAUTH_OK);
  CHECK_STATUS(verify(v.get(), signed_jwt(R"({"aud":["api\u0000.evil"],"iss":"https://as.example","sub":"svc"})")),
               M2MAUTH_EMALFORMED);
  CHECK(std::string(m2mauth_error_last()->message).find("evil") == std::string::npos);
  CHECK_STATUS(verify(v.get(), signed_jwt(R"({"aud":"api","iss":"https://as.example\u0000x","sub":"svc"})")),
               M2MAUTH_EMALFORMED);
  CHECK_STATUS(verify(v.get(), signed_jwt(R"({"aud":"api","iss":"https://as.example","sub":"svc\u0000x"})")),
               M2MAUTH_EMALFORMED);
  m2mauth_claims *c = nullptr;
  CHECK_STATUS(m2mauth_jwt_decode_unverified(&c, signed_jwt(R"({"sub":"svc\u0000x"})").c_str()), M2MAUTH_EMALFORMED);
  CHECK(c == nullptr);
}

TEST_CASE("hostile strings: alg, kid, typ, crit with U+0000 in the header are EMALFORMED before any key is chosen") {
  auto v = hs256_verifier();
  CHECK_STATUS(verify(v.get(), with_header(R"({"alg":"HS256"})")), M2MAUTH_ESIGNATURE);  // the control
  CHECK_STATUS(verify(v.get(), with_header(R"({"alg":"HS256\u0000x"})")), M2MAUTH_EMALFORMED);
  CHECK_STATUS(verify(v.get(), with_header(R"({"alg":"HS256","typ":"JWT\u0000x"})")), M2MAUTH_EMALFORMED);
  CHECK_STATUS(verify(v.get(), with_header(R"({"alg":"HS256","crit\u0000":["x"]})")), M2MAUTH_EMALFORMED);
  auto key = hmac_key();
  Buf payload;
  CHECK_STATUS(m2mauth_jws_verify(payload.out(), key.get(), with_header(R"({"alg":"HS256\u0000x"})").c_str(),
                                  m2mauth_alg_bit(M2MAUTH_ALG_HS256)),
               M2MAUTH_EMALFORMED);
  // A JWKS verifier: kid "k1\u0000x" selects no key (not k1).
  const std::string set = R"({"keys":[{"kty":"oct","kid":"k1","k":")" + b64(kSecret) +
                          R"("},{"kty":"oct","kid":"k2","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]})";
  m2mauth_verifier *raw = nullptr;
  REQUIRE_OK(m2mauth_verifier_from_jwks(&raw, set.c_str(), m2mauth_alg_bit(M2MAUTH_ALG_HS256)));
  capi::VerifierPtr from_set(raw);
  CHECK_STATUS(verify(from_set.get(), with_header(R"({"alg":"HS256","kid":"k1"})")), M2MAUTH_ESIGNATURE);
  CHECK_STATUS(verify(from_set.get(), with_header(R"({"alg":"HS256","kid":"k1\u0000x"})")), M2MAUTH_EMALFORMED);
  // (ptr, len) and text inputs holding JSON: the same rule.
  const std::string header = R"({"alg":"HS256","kid":"k1\u0000x"})";
  Buf out;
  CHECK_STATUS(
      m2mauth_jws_sign_protected(out.out(), key.get(), capi::bytes(header), header.size(), capi::bytes("{}"), 2),
      M2MAUTH_EMALFORMED);
  const std::string raw_nul("{\"alg\":\"HS256\0x\"}", 17);
  CHECK_STATUS(
      m2mauth_jws_sign_protected(out.out(), key.get(), capi::bytes(raw_nul), raw_nul.size(), capi::bytes("{}"), 2),
      M2MAUTH_EMALFORMED);
  m2mauth_claims *c = nullptr;
  CHECK_STATUS(m2mauth_claims_from_json(&c, R"({"aud":"api\u0000"})"), M2MAUTH_EMALFORMED);
  REQUIRE_OK(m2mauth_claims_new(&c));
  capi::ClaimsPtr claims(c);
  CHECK_STATUS(m2mauth_claims_set_json(c, "aud", R"(["api\u0000"])"), M2MAUTH_EMALFORMED);
  CHECK_STATUS(m2mauth_jwt_sign_json(out.out(), key.get(), R"({"aud":"api\u0000"})", nullptr), M2MAUTH_EMALFORMED);
}

TEST_CASE("hostile strings: JWK kty, crv, use with U+0000 are EMALFORMED") {
  const std::string x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
  auto ec = [&](const std::string &kty, const std::string &crv, const std::string &extra) {
    return R"({"kty":")" + kty + R"(","crv":")" + crv + R"(","x":")" + x + R"(","y":")" + y + "\"" + extra + "}";
  };
  m2mauth_key *k = nullptr;
  REQUIRE_OK(m2mauth_key_from_jwk(&k, ec("EC", "P-256", "").c_str()));
  m2mauth_key_free(k);
  CHECK_STATUS(m2mauth_key_from_jwk(&k, ec("EC\\u0000x", "P-256", "").c_str()), M2MAUTH_EMALFORMED);
  CHECK_STATUS(m2mauth_key_from_jwk(&k, ec("EC", "P-256\\u0000", "").c_str()), M2MAUTH_EMALFORMED);
  CHECK_STATUS(m2mauth_key_from_jwk(&k, ec("EC", "P-256", R"(,"use":"sig\u0000enc")").c_str()), M2MAUTH_EMALFORMED);
  CHECK(k == nullptr);
}

TEST_CASE("hostile strings: a token response with U+0000 in access_token or token_type is EPROTOCOL") {
  CHECK_STATUS(fetch_with_body(R"({"access_token":"tok-0123456789","token_type":"Bearer","expires_in":600})"), M2MAUTH_OK);
  CHECK_STATUS(fetch_with_body(R"({"access_token":"tok\u0000-0123456789","token_type":"Bearer","expires_in":600})"),
               M2MAUTH_EPROTOCOL);
  CHECK(std::string(m2mauth_error_last()->message).find("0123456789") == std::string::npos);
  // The message says why (the rule), not "not a JSON object".
  CHECK(std::string(m2mauth_error_last()->message).find("U+0000") != std::string::npos);
  CHECK_STATUS(fetch_with_body(R"({"access_token":"tok-0123456789","token_type":"Bearer\u0000x","expires_in":600})"),
               M2MAUTH_EPROTOCOL);
}

TEST_CASE("hostile strings: an error response with U+0000 in its text keeps the server's OAuth error") {
  CHECK_STATUS(fetch_with_body(R"({"error":"invalid_client","error_description":"bad\u0000client"})", 401), M2MAUTH_EOAUTH);
  const m2mauth_error *e = m2mauth_error_last();
  CHECK(std::string(e->oauth_error) == "invalid_client");
  CHECK(e->http_status == 401);
  // U+FFFD in place of the NUL, then sanitised like any peer text.
  CHECK(std::string(e->oauth_error_description).rfind("bad", 0) == 0);
  CHECK(std::string(e->oauth_error_description).find("client") != std::string::npos);
  // An "error" code with a NUL is no known code: never taken for temporarily_unavailable (transient).
  CHECK_STATUS(fetch_with_body(R"({"error":"temporarily_unavailable\u0000x"})", 400), M2MAUTH_EOAUTH);
  CHECK(m2mauth_error_last()->transient == 0);
  // An escaped backslash before "u0000" is text, not an escape: left alone.
  CHECK_STATUS(fetch_with_body(R"({"error":"invalid_grant","error_description":"path \\u0000"})", 400), M2MAUTH_EOAUTH);
  CHECK(std::string(m2mauth_error_last()->oauth_error_description) == "path \\u0000");
}

TEST_CASE("hostile keys: m2mauth_verifier_from_jwks refuses private members (EKEY), exports are public by default") {
  const std::string x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
  const std::string d = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
  const std::string pub = R"({"kty":"EC","crv":"P-256","kid":"e","x":")" + x + R"(","y":")" + y + "\"}";
  const std::string priv = pub.substr(0, pub.size() - 1) + R"(,"d":")" + d + "\"}";
  const uint32_t es256 = m2mauth_alg_bit(M2MAUTH_ALG_ES256);
  m2mauth_verifier *v = nullptr;
  REQUIRE_OK(m2mauth_verifier_from_jwks(&v, ("{\"keys\":[" + pub + "]}").c_str(), es256));
  m2mauth_verifier_free(v);
  v = nullptr;
  CHECK_STATUS(m2mauth_verifier_from_jwks(&v, ("{\"keys\":[" + priv + "]}").c_str(), es256), M2MAUTH_EKEY);
  CHECK(v == nullptr);
  const std::string message = m2mauth_error_last()->message;
  CHECK(message.find("\"d\"") != std::string::npos);
  CHECK(message.find(d) == std::string::npos);
  const std::string rsa_priv = R"({"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB","p":"AQ"})";
  CHECK_STATUS(m2mauth_verifier_from_jwks(&v, ("{\"keys\":[" + pub + "," + rsa_priv + "]}").c_str(), es256), M2MAUTH_EKEY);

  // A private key stored as a JWKS still loads by kid (for signing); what leaves it is chosen by name.
  m2mauth_key *k = nullptr;
  REQUIRE_OK(m2mauth_key_from_jwks(&k, ("{\"keys\":[" + priv + "]}").c_str(), "e"));
  capi::KeyPtr key(k);
  CHECK(m2mauth_key_has_private(k) == 1);
  Buf set, jwk, private_jwk;
  const m2mauth_key *list[] = {k};
  REQUIRE_OK(m2mauth_key_jwks(set.out(), list, 1));
  REQUIRE_OK(m2mauth_key_public_jwk(jwk.out(), k, nullptr, nullptr));
  REQUIRE_OK(m2mauth_key_private_jwk(private_jwk.out(), k));
  CHECK(set.str().find("\"d\"") == std::string::npos);
  CHECK(jwk.str().find("\"d\"") == std::string::npos);
  CHECK(private_jwk.str().find(d) != std::string::npos);
  // The exported set is a verification set.
  REQUIRE_OK(m2mauth_verifier_from_jwks(&v, set.c_str(), es256));
  m2mauth_verifier_free(v);
}
