// DPoP through the C API (libm2mauth.so): the proof key handle, proofs for any request, the token client's
// option, and managed requests against oidc-provider and the PyJWT-checked resource server.
#include <doctest/doctest.h>

#include <string>

#include "loopback.hpp"
#include "m2mauth/m2mauth.h"

using namespace m2mauth_test;

namespace {

Servers &dpop_servers() {
  static Servers instance({"oidc", "oidcn=oidc", "rsn=dpop"}, {"oidcn.dpop_nonce=true", "rsn.nonce=true"});
  return instance;
}

struct Buf {
  m2mauth_buf b = {nullptr, 0, 0};
  ~Buf() { m2mauth_buf_dispose(&b); }
  std::string str() const { return b.ptr == nullptr ? std::string() : std::string(reinterpret_cast<const char *>(b.ptr), b.size); }
};

std::string field(const std::string &json, const char *name) {
  cJSON *root = cJSON_Parse(json.c_str());
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
  std::string out = cJSON_IsString(v) ? v->valuestring : "";
  cJSON_Delete(root);
  return out;
}

// A libcurl transport and a fresh DPoP key (EC P-256), released at the end of the test.
struct HttpAndDpop {
  m2mauth_http *http = nullptr;
  m2mauth_dpop *dpop = nullptr;
  HttpAndDpop() {
    REQUIRE(m2mauth_http_new(&http, nullptr) == M2MAUTH_OK);
    REQUIRE(m2mauth_dpop_new(&dpop, nullptr, nullptr) == M2MAUTH_OK);
  }
  ~HttpAndDpop() {
    m2mauth_dpop_free(dpop);
    m2mauth_http_free(http);
  }
  HttpAndDpop(const HttpAndDpop &) = delete;
  HttpAndDpop &operator=(const HttpAndDpop &) = delete;
};

std::string body_of(const m2mauth_response *r) {
  size_t len = 0;
  const uint8_t *p = m2mauth_response_body(r, &len);
  return std::string(reinterpret_cast<const char *>(p), len);
}

}  // namespace

TEST_CASE("C API: m2mauth_dpop_new with a generated key or a given one; typed errors for unusable keys") {
  m2mauth_dpop *d = nullptr;
  REQUIRE(m2mauth_dpop_new(&d, nullptr, nullptr) == M2MAUTH_OK);
  Buf jkt, jwk;
  REQUIRE(m2mauth_dpop_thumbprint(&jkt.b, d) == M2MAUTH_OK);
  CHECK(jkt.str().size() == 43);
  REQUIRE(m2mauth_dpop_public_jwk(&jwk.b, d) == M2MAUTH_OK);
  CHECK(field(jwk.str(), "crv") == "P-256");
  CHECK(jwk.str().find("\"d\"") == std::string::npos);
  m2mauth_dpop_free(d);
  m2mauth_dpop_free(nullptr);

  m2mauth_key *hmac = nullptr, *rsa = nullptr, *pub = nullptr;
  REQUIRE(m2mauth_key_generate_hmac(&hmac, 32) == M2MAUTH_OK);
  REQUIRE(m2mauth_key_generate_rsa(&rsa, 2048) == M2MAUTH_OK);
  REQUIRE(m2mauth_key_public(&pub, rsa) == M2MAUTH_OK);
  d = reinterpret_cast<m2mauth_dpop *>(1);
  CHECK(m2mauth_dpop_new(&d, hmac, nullptr) == M2MAUTH_EKEYTYPE);
  CHECK(d == nullptr);
  CHECK(m2mauth_dpop_new(&d, pub, nullptr) == M2MAUTH_ENOPRIVATE);
  CHECK(std::string(m2mauth_error_last()->message).find("private") != std::string::npos);
  m2mauth_dpop_options opts = M2MAUTH_DPOP_OPTIONS_INIT;
  opts.alg = M2MAUTH_ALG_ES256;
  CHECK(m2mauth_dpop_new(&d, rsa, &opts) == M2MAUTH_EKEYTYPE);
  opts.alg = 77;
  CHECK(m2mauth_dpop_new(&d, rsa, &opts) == M2MAUTH_EALGORITHM);
  opts.version = 99;
  CHECK(m2mauth_dpop_new(&d, rsa, &opts) == M2MAUTH_EINVAL);
  CHECK(m2mauth_dpop_options_init(&opts, 99) == M2MAUTH_EINVAL);
  REQUIRE(m2mauth_dpop_options_init(&opts, M2MAUTH_DPOP_OPTIONS_VERSION) == M2MAUTH_OK);
  opts.alg = M2MAUTH_ALG_PS256;
  REQUIRE(m2mauth_dpop_new(&d, rsa, &opts) == M2MAUTH_OK);

  // The proof verifies with the public key; its header names PS256 and carries no private member.
  Buf proof, payload;
  REQUIRE(m2mauth_dpop_proof(&proof.b, d, "PATCH", "HTTP://Example.com:80/a?b#c", "tok", "n0") == M2MAUTH_OK);
  REQUIRE(m2mauth_jws_verify(&payload.b, pub, proof.str().c_str(), M2MAUTH_ALG_BIT(M2MAUTH_ALG_PS256)) == M2MAUTH_OK);
  CHECK(field(payload.str(), "htm") == "PATCH");
  CHECK(field(payload.str(), "htu") == "http://example.com/a");
  CHECK(field(payload.str(), "nonce") == "n0");
  CHECK(field(payload.str(), "ath").size() == 43);
  CHECK(m2mauth_dpop_proof(&proof.b, d, "GET", "file:///etc/passwd", nullptr, nullptr) == M2MAUTH_EINVAL);
  CHECK(proof.b.ptr == nullptr);
  CHECK(m2mauth_dpop_proof(&proof.b, nullptr, "GET", "http://x/", nullptr, nullptr) == M2MAUTH_EINVAL);
  m2mauth_dpop_free(d);
  m2mauth_key_free(hmac);
  m2mauth_key_free(rsa);
  m2mauth_key_free(pub);
}

TEST_CASE("C API: a DPoP token client and manager against oidc-provider (nonce mode) and a nonce resource server") {
  HttpAndDpop f;
  m2mauth_token_client *c = nullptr;
  REQUIRE(m2mauth_token_client_new(&c, dpop_servers()["oidcn"].str("token_endpoint").c_str(), "svc-basic", f.http) ==
          M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(c, client_field("svc-basic", "client_secret").c_str()) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_dpop(c, f.dpop) == M2MAUTH_OK);
  m2mauth_dpop_free(f.dpop);  // the client keeps it alive
  f.dpop = nullptr;
  m2mauth_token_manager *m = nullptr;
  REQUIRE(m2mauth_token_manager_new(&m, c, nullptr) == M2MAUTH_OK);
  CHECK(m2mauth_token_client_set_dpop(c, nullptr) == M2MAUTH_ESTATE);
  m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
  REQUIRE(m2mauth_token_manager_get(&v, m) == M2MAUTH_OK);
  CHECK(std::string(v.scheme) == "DPoP");

  m2mauth_request *req = nullptr;
  REQUIRE(m2mauth_request_new(&req, "GET", (dpop_servers()["rsn"].str("api_url") + "/c?x=1").c_str()) == M2MAUTH_OK);
  m2mauth_response *resp = nullptr;
  REQUIRE(m2mauth_token_manager_request(&resp, m, req) == M2MAUTH_OK);
  CHECK(m2mauth_response_status(resp) == 200);
  CHECK(field(body_of(resp), "scheme") == "DPoP");
  m2mauth_response_free(resp);
  m2mauth_request_free(req);
  m2mauth_token_manager_free(m);
  m2mauth_token_client_free(c);
}

TEST_CASE("C API: m2mauth_dpop_observe learns a nonce from a response and reports the challenge") {
  HttpAndDpop f;
  const std::string url = dpop_servers()["rsn"].str("api_url") + "/own";
  Buf proof;
  REQUIRE(m2mauth_dpop_proof(&proof.b, f.dpop, "GET", url.c_str(), "tok", nullptr) == M2MAUTH_OK);
  m2mauth_request *req = nullptr;
  REQUIRE(m2mauth_request_new(&req, "GET", url.c_str()) == M2MAUTH_OK);
  REQUIRE(m2mauth_request_set_header(req, "Authorization", "DPoP tok") == M2MAUTH_OK);
  REQUIRE(m2mauth_request_set_header(req, "DPoP", proof.str().c_str()) == M2MAUTH_OK);
  m2mauth_response *resp = nullptr;
  REQUIRE(m2mauth_http_send(&resp, f.http, req) == M2MAUTH_OK);
  CHECK(m2mauth_response_status(resp) == 401);
  int challenge = 0;
  REQUIRE(m2mauth_dpop_observe(&challenge, f.dpop, url.c_str(), resp) == M2MAUTH_OK);
  CHECK(challenge == 1);
  m2mauth_response_free(resp);
  REQUIRE(m2mauth_dpop_proof(&proof.b, f.dpop, "GET", url.c_str(), "tok", nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_request_set_header(req, "DPoP", proof.str().c_str()) == M2MAUTH_OK);
  REQUIRE(m2mauth_http_send(&resp, f.http, req) == M2MAUTH_OK);
  CHECK(m2mauth_response_status(resp) == 200);
  REQUIRE(m2mauth_dpop_observe(&challenge, f.dpop, url.c_str(), resp) == M2MAUTH_OK);
  CHECK(challenge == 0);
  // The same proof again: the server refuses the replayed jti.
  m2mauth_response_free(resp);
  REQUIRE(m2mauth_http_send(&resp, f.http, req) == M2MAUTH_OK);
  CHECK(m2mauth_response_status(resp) == 401);
  CHECK(field(body_of(resp), "error_description") == "jti replayed");
  CHECK(m2mauth_dpop_observe(nullptr, f.dpop, url.c_str(), nullptr) == M2MAUTH_EINVAL);
  m2mauth_response_free(resp);
  m2mauth_request_free(req);
}

TEST_CASE("C API: m2mauth_token_manager_dpop shares the client's key and its nonces; NULL without DPoP") {
  HttpAndDpop f;
  m2mauth_token_client *c = nullptr, *plain = nullptr;
  REQUIRE(m2mauth_token_client_new(&c, "http://127.0.0.1:9/token", "svc", f.http) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(c, "s") == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_dpop(c, f.dpop) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_new(&plain, "http://127.0.0.1:9/token", "svc", f.http) == M2MAUTH_OK);
  REQUIRE(m2mauth_token_client_set_secret(plain, "s") == M2MAUTH_OK);
  m2mauth_token_manager *m = nullptr, *pm = nullptr;
  REQUIRE(m2mauth_token_manager_new(&m, c, nullptr) == M2MAUTH_OK);  // no token request until the first read
  REQUIRE(m2mauth_token_manager_new(&pm, plain, nullptr) == M2MAUTH_OK);

  m2mauth_dpop *got = reinterpret_cast<m2mauth_dpop *>(1);
  REQUIRE(m2mauth_token_manager_dpop(&got, pm) == M2MAUTH_OK);
  CHECK(got == nullptr);
  REQUIRE(m2mauth_token_manager_dpop(&got, m) == M2MAUTH_OK);
  REQUIRE(got != nullptr);
  Buf a, b;
  REQUIRE(m2mauth_dpop_thumbprint(&a.b, got) == M2MAUTH_OK);
  REQUIRE(m2mauth_dpop_thumbprint(&b.b, f.dpop) == M2MAUTH_OK);
  CHECK(a.str() == b.str());
  // A nonce learnt through the manager's handle is the one the caller's handle sends: the same key object.
  m2mauth_response *r = nullptr;
  REQUIRE(m2mauth_response_new(&r, 200) == M2MAUTH_OK);
  REQUIRE(m2mauth_response_add_header(r, "DPoP-Nonce", "shared-n") == M2MAUTH_OK);
  int challenge = 1;
  REQUIRE(m2mauth_dpop_observe(&challenge, got, "https://rs.example/a", r) == M2MAUTH_OK);
  CHECK(challenge == 0);
  Buf proof, payload;
  REQUIRE(m2mauth_dpop_proof(&proof.b, f.dpop, "GET", "https://rs.example/b", nullptr, nullptr) == M2MAUTH_OK);
  const std::string p = proof.str();
  const std::string body64 = p.substr(p.find('.') + 1, p.rfind('.') - p.find('.') - 1);
  REQUIRE(m2mauth_util_base64url_decode(&payload.b, body64.c_str()) == M2MAUTH_OK);
  CHECK(field(payload.str(), "nonce") == "shared-n");
  m2mauth_response_free(r);
  m2mauth_dpop_free(got);  // the manager keeps its key

  CHECK(m2mauth_token_manager_dpop(nullptr, m) == M2MAUTH_EINVAL);
  got = reinterpret_cast<m2mauth_dpop *>(1);
  CHECK(m2mauth_token_manager_dpop(&got, nullptr) == M2MAUTH_EINVAL);
  CHECK(got == nullptr);
  m2mauth_token_manager_free(pm);
  m2mauth_token_manager_free(m);
  m2mauth_token_client_free(plain);
  m2mauth_token_client_free(c);
}
