// Signer keys (m2mauth_key_from_signer): the private key stays with "the application's KMS", here a
// callback that signs with OpenSSL on a key m2mauth never sees. Every signature is checked with
// m2mauth's own verifier; OAuth 1.0 RSA-SHA1 is compared byte for byte with the same key in-process.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "capi_support.hpp"

namespace {

using capi::Buf;
using capi::KeyPtr;

// The "KMS": a private key and how it answers.
struct Kms {
  EVP_PKEY *pkey = nullptr;
  bool raw_ecdsa = false;   // answer ECDSA as raw R || S instead of DER
  const char *fail_with = nullptr;  // fail with this message
  bool wrong_signature = false;     // answer bytes that are no signature
  std::atomic<int> calls{0}, inside{0}, max_inside{0};
  std::string last_alg;
  int *freed = nullptr;
  ~Kms() { EVP_PKEY_free(pkey); }
};

EVP_PKEY *openssl_key(const m2mauth_key *key) {
  Buf pem;
  REQUIRE_OK(m2mauth_key_private_pem(pem.out(), key, nullptr));
  BIO *bio = BIO_new_mem_buf(pem.b.ptr, static_cast<int>(pem.b.size));
  EVP_PKEY *p = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(p != nullptr);
  return p;
}

const EVP_MD *md_for(const std::string &alg) {
  if (alg == "RSA-SHA1") return EVP_sha1();
  if (alg == "EdDSA") return nullptr;
  if (alg.compare(2, 3, "384") == 0) return EVP_sha384();
  if (alg.compare(2, 3, "512") == 0) return EVP_sha512();
  return EVP_sha256();
}

m2mauth_status kms_sign(m2mauth_signature *out, const char *alg, const uint8_t *input, size_t len, void *payload) {
  auto *kms = static_cast<Kms *>(payload);
  int now = ++kms->inside;
  int seen = kms->max_inside.load();
  while (now > seen && !kms->max_inside.compare_exchange_weak(seen, now)) {
  }
  ++kms->calls;
  kms->last_alg = alg;
  std::this_thread::yield();
  struct Leave {
    Kms *k;
    ~Leave() { --k->inside; }
  } leave{kms};
  if (kms->fail_with != nullptr) {
    m2mauth_signature_fail(out, kms->fail_with);
    return M2MAUTH_ERROR;
  }
  if (kms->wrong_signature) {
    std::vector<uint8_t> junk(256, 0x5a);
    return m2mauth_signature_set(out, junk.data(), junk.size());
  }
  const std::string name(alg);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pctx = nullptr;
  if (EVP_DigestSignInit(ctx, &pctx, md_for(name), nullptr, kms->pkey) != 1) return M2MAUTH_ERROR;
  if (name[0] == 'P') {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t siglen = 0;
  EVP_DigestSign(ctx, nullptr, &siglen, input, len);
  std::vector<uint8_t> sig(siglen);
  int ok = EVP_DigestSign(ctx, sig.data(), &siglen, input, len);
  EVP_MD_CTX_free(ctx);
  if (ok != 1) return M2MAUTH_ERROR;
  sig.resize(siglen);
  if (kms->raw_ecdsa && name[0] == 'E' && name != "EdDSA") {
    const unsigned char *p = sig.data();
    ECDSA_SIG *es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::vector<uint8_t> raw(64);
    BN_bn2binpad(ECDSA_SIG_get0_r(es), raw.data(), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), raw.data() + 32, 32);
    ECDSA_SIG_free(es);
    sig = raw;
  }
  return m2mauth_signature_set(out, sig.data(), sig.size());
}

void count_free(void *payload) { ++*static_cast<Kms *>(payload)->freed; }

// A signer key over a fresh copy of key's private part, held by kms.
KeyPtr signer_of(const m2mauth_key *key, Kms &kms, int alg = 0) {
  kms.pkey = openssl_key(key);
  m2mauth_key *pub = nullptr;
  REQUIRE_OK(m2mauth_key_public(&pub, key));
  KeyPtr pub_owned(pub);
  m2mauth_key *s = nullptr;
  REQUIRE_OK(m2mauth_key_from_signer(&s, alg, pub, kms_sign, &kms, kms.freed ? count_free : nullptr));
  return KeyPtr(s);
}

std::string sign_jwt(const m2mauth_key *key, int alg) {
  m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
  h.alg = alg;
  Buf jwt;
  REQUIRE_OK(m2mauth_jwt_sign_json(jwt.out(), key, "{\"sub\":\"svc\",\"n\":1}", &h));
  return jwt.str();
}

void check_verifies(const m2mauth_key *key, const std::string &jwt, int alg) {
  m2mauth_key *pub = nullptr;
  REQUIRE_OK(m2mauth_key_public(&pub, key));
  KeyPtr pub_owned(pub);
  m2mauth_verifier *v = nullptr;
  REQUIRE_OK(m2mauth_verifier_new(&v, pub, M2MAUTH_ALG_BIT(alg)));
  capi::VerifierPtr vp(v);
  m2mauth_claims *c = nullptr;
  REQUIRE_OK(m2mauth_verifier_verify(&c, v, jwt.c_str()));
  capi::ClaimsPtr cp(c);
  Buf sub;
  REQUIRE_OK(m2mauth_claims_get_string(sub.out(), c, "sub"));
  CHECK(sub.str() == "svc");
}

KeyPtr generated(int type) {
  m2mauth_key *k = nullptr;
  if (type == M2MAUTH_KEY_RSA) REQUIRE_OK(m2mauth_key_generate_rsa(&k, 2048));
  if (type == M2MAUTH_KEY_EC) REQUIRE_OK(m2mauth_key_generate_ec(&k, "P-256"));
  if (type == M2MAUTH_KEY_OKP) REQUIRE_OK(m2mauth_key_generate_ed25519(&k));
  return KeyPtr(k);
}

}  // namespace

TEST_CASE("signer key: every algorithm of RSA, EC P-256 and Ed25519 signs through the callback and verifies") {
  struct Case {
    int type, alg;
    bool raw;
  } cases[] = {{M2MAUTH_KEY_RSA, M2MAUTH_ALG_RS256, false}, {M2MAUTH_KEY_RSA, M2MAUTH_ALG_RS512, false},
               {M2MAUTH_KEY_RSA, M2MAUTH_ALG_PS256, false}, {M2MAUTH_KEY_EC, M2MAUTH_ALG_ES256, false},
               {M2MAUTH_KEY_EC, M2MAUTH_ALG_ES256, true},   {M2MAUTH_KEY_OKP, M2MAUTH_ALG_EDDSA, false}};
  for (const Case &c : cases) {
    CAPTURE(c.alg);
    CAPTURE(c.raw);
    KeyPtr key = generated(c.type);
    Kms kms;
    kms.raw_ecdsa = c.raw;
    KeyPtr signer = signer_of(key.get(), kms);
    CHECK(m2mauth_key_is_signer(signer.get()) == 1);
    CHECK(m2mauth_key_is_signer(key.get()) == 0);
    CHECK(m2mauth_key_has_private(signer.get()) == 1);
    CHECK(m2mauth_key_type_of(signer.get()) == c.type);
    std::string jwt = sign_jwt(signer.get(), c.alg);
    CHECK(kms.calls == 1);
    CHECK(kms.last_alg == m2mauth_alg_name(c.alg));
    check_verifies(key.get(), jwt, c.alg);
    // The public JWK and thumbprint are the key's.
    Buf a, b;
    REQUIRE_OK(m2mauth_key_thumbprint(a.out(), signer.get()));
    REQUIRE_OK(m2mauth_key_thumbprint(b.out(), key.get()));
    CHECK(a.str() == b.str());
  }
}

TEST_CASE("signer key: alg binds it, kid carries over, and the private key cannot be exported") {
  KeyPtr key = generated(M2MAUTH_KEY_EC);
  m2mauth_key *with_kid = nullptr;
  REQUIRE_OK(m2mauth_key_with_kid(&with_kid, key.get(), "kms-key-1"));
  KeyPtr kid_owned(with_kid);
  Kms kms;
  kms.pkey = openssl_key(key.get());
  m2mauth_key *s = nullptr;
  REQUIRE_OK(m2mauth_key_from_signer(&s, M2MAUTH_ALG_ES256, with_kid, kms_sign, &kms, nullptr));
  KeyPtr signer(s);
  CHECK(std::string(m2mauth_key_kid(signer.get())) == "kms-key-1");
  std::string jwt = sign_jwt(signer.get(), 0);  // the bound alg is the default
  CHECK(jwt.find('.') != std::string::npos);
  check_verifies(key.get(), jwt, M2MAUTH_ALG_ES256);
  Buf pem, jwk;
  CHECK_STATUS(m2mauth_key_private_pem(pem.out(), signer.get(), nullptr), M2MAUTH_ENOPRIVATE);
  CHECK_STATUS(m2mauth_key_private_jwk(jwk.out(), signer.get()), M2MAUTH_ENOPRIVATE);
  Buf pubjwk;
  REQUIRE_OK(m2mauth_key_public_jwk(pubjwk.out(), signer.get(), nullptr, nullptr));
  CHECK(pubjwk.str().find("\"d\"") == std::string::npos);
  // A public copy is an ordinary public key.
  m2mauth_key *pub = nullptr;
  REQUIRE_OK(m2mauth_key_public(&pub, signer.get()));
  KeyPtr pub_owned(pub);
  CHECK(m2mauth_key_has_private(pub) == 0);
  CHECK(m2mauth_key_is_signer(pub) == 0);
  // An alg that does not fit the key, and an HMAC "public key", are refused.
  Kms other;
  int freed = 0;
  other.freed = &freed;
  CHECK_STATUS(m2mauth_key_from_signer(&s, M2MAUTH_ALG_RS256, key.get(), kms_sign, &other, count_free),
               M2MAUTH_EKEYTYPE);
  CHECK(s == nullptr);
  CHECK(freed == 1);  // released before the failing call returned
  m2mauth_key *hmac = nullptr;
  REQUIRE_OK(m2mauth_key_generate_hmac(&hmac, 32));
  KeyPtr hmac_owned(hmac);
  CHECK_STATUS(m2mauth_key_from_signer(&s, 0, hmac, kms_sign, &other, count_free), M2MAUTH_EKEYTYPE);
  CHECK(freed == 2);
  CHECK_STATUS(m2mauth_key_from_signer(&s, 0, key.get(), nullptr, &other, count_free), M2MAUTH_EINVAL);
  CHECK(freed == 3);
  CHECK(other.calls == 0);
}

TEST_CASE("signer key: the payload is released exactly once, after the last handle made from it") {
  KeyPtr key = generated(M2MAUTH_KEY_OKP);
  Kms kms;
  int freed = 0;
  kms.freed = &freed;
  KeyPtr signer = signer_of(key.get(), kms);
  m2mauth_key *copy = nullptr;
  REQUIRE_OK(m2mauth_key_with_kid(&copy, signer.get(), "k2"));
  signer.reset();
  CHECK(freed == 0);
  std::string jwt = sign_jwt(copy, 0);  // the copy still signs through the same callback
  check_verifies(key.get(), jwt, M2MAUTH_ALG_EDDSA);
  m2mauth_key_free(copy);
  CHECK(freed == 1);
}

TEST_CASE("signer key: a failing callback is M2MAUTH_ESIGNER with its message, capped and escaped") {
  KeyPtr key = generated(M2MAUTH_KEY_RSA);
  Kms kms;
  KeyPtr signer = signer_of(key.get(), kms);
  std::string message = "KMS said: key disabled\n\x1b[31mred\r" + std::string(1000, 'x');
  kms.fail_with = message.c_str();
  Buf jwt;
  CHECK_STATUS(m2mauth_jwt_sign_json(jwt.out(), signer.get(), "{}", nullptr), M2MAUTH_ESIGNER);
  const std::string got = m2mauth_error_last()->message;
  INFO(got);
  CHECK(got.find("KMS said: key disabled\\n\\x1B[31mred\\r") != std::string::npos);
  CHECK(got.find('\n') == std::string::npos);
  CHECK(got.find('\x1b') == std::string::npos);
  CHECK(got.size() < 300);
  CHECK(std::string(m2mauth_error_name(M2MAUTH_ESIGNER)) == "signer");
  CHECK(m2mauth_error_category(M2MAUTH_ESIGNER) == M2MAUTH_CATEGORY_KEY);
  CHECK(jwt.b.size == 0);

  // A failure without a message names the status.
  kms.fail_with = "";
  CHECK_STATUS(m2mauth_jwt_sign_json(jwt.out(), signer.get(), "{}", nullptr), M2MAUTH_ESIGNER);
  CHECK(std::string(m2mauth_error_last()->message).find("error") != std::string::npos);

  // An answer that does not verify with the public key is refused here, not at the server.
  kms.fail_with = nullptr;
  kms.wrong_signature = true;
  CHECK_STATUS(m2mauth_jwt_sign_json(jwt.out(), signer.get(), "{}", nullptr), M2MAUTH_ESIGNER);
  CHECK(std::string(m2mauth_error_last()->message).find("not a valid RS256 signature") != std::string::npos);
}

namespace {
struct Reentrant {
  m2mauth_key *self = nullptr;
  int inner_status = 0;
};
m2mauth_status sign_with_self(m2mauth_signature *out, const char *, const uint8_t *, size_t, void *payload) {
  auto *r = static_cast<Reentrant *>(payload);
  m2mauth_buf b = M2MAUTH_BUF_INIT;
  r->inner_status = m2mauth_jwt_sign_json(&b, r->self, "{}", nullptr);
  m2mauth_buf_dispose(&b);
  m2mauth_signature_fail(out, "inner call done");
  return M2MAUTH_ERROR;
}
}  // namespace

TEST_CASE("signer key: a callback that signs with its own key fails instead of deadlocking") {
  KeyPtr key = generated(M2MAUTH_KEY_OKP);
  Reentrant r;
  m2mauth_key *s = nullptr;
  REQUIRE_OK(m2mauth_key_from_signer(&s, 0, key.get(), sign_with_self, &r, nullptr));
  KeyPtr signer(s);
  r.self = s;
  Buf jwt;
  CHECK_STATUS(m2mauth_jwt_sign_json(jwt.out(), signer.get(), "{}", nullptr), M2MAUTH_ESIGNER);
  CHECK(r.inner_status == M2MAUTH_ESTATE);
}

TEST_CASE("signer key: calls from 6 threads reach the callback one at a time") {
  KeyPtr key = generated(M2MAUTH_KEY_EC);
  Kms kms;
  KeyPtr signer = signer_of(key.get(), kms);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        m2mauth_buf b = M2MAUTH_BUF_INIT;
        if (m2mauth_jwt_sign_json(&b, signer.get(), "{\"sub\":\"svc\"}", nullptr) == M2MAUTH_OK) ++ok;
        m2mauth_buf_dispose(&b);
      }
    });
  for (auto &t : threads) t.join();
  CHECK(ok == 120);
  CHECK(kms.calls == 120);
  CHECK(kms.max_inside == 1);
}

TEST_CASE("signer key: OAuth 1.0 RSA-SHA1 and RSA-SHA256 signatures equal the in-process key's") {
  KeyPtr key = generated(M2MAUTH_KEY_RSA);
  Kms kms;
  KeyPtr signer = signer_of(key.get(), kms);
  m2mauth_request *req = nullptr;
  REQUIRE_OK(m2mauth_request_new(&req, "GET", "https://api.example/v1/things?a=1"));
  for (int method : {M2MAUTH_OAUTH1_RSA_SHA1, M2MAUTH_OAUTH1_RSA_SHA256}) {
    std::string sig[2];
    const m2mauth_key *keys[2] = {key.get(), signer.get()};
    for (int i = 0; i < 2; ++i) {
      m2mauth_oauth1 *o = nullptr;
      REQUIRE_OK(m2mauth_oauth1_new(&o, "consumer"));
      REQUIRE_OK(m2mauth_oauth1_set_method(o, method));
      REQUIRE_OK(m2mauth_oauth1_set_rsa_key(o, keys[i]));
      Buf b;
      REQUIRE_OK(m2mauth_oauth1_signature(b.out(), o, req, "nonce-1", 1700000000));
      sig[i] = b.str();
      m2mauth_oauth1_free(o);
    }
    CHECK(sig[0].size() > 300);
    CHECK(sig[0] == sig[1]);
    CHECK(kms.last_alg == (method == M2MAUTH_OAUTH1_RSA_SHA1 ? "RSA-SHA1" : "RS256"));
  }
  m2mauth_request_free(req);
}

namespace {
// The token endpoint, in process: accepts a private_key_jwt assertion only when m2mauth's verifier
// (with the public key) accepts it.
struct AssertionEndpoint {
  m2mauth_verifier *verifier = nullptr;
  std::atomic<int> accepted{0};
  static m2mauth_status send(m2mauth_response **out, const m2mauth_request *req, void *payload) {
    auto *self = static_cast<AssertionEndpoint *>(payload);
    size_t len = 0;
    const uint8_t *body = m2mauth_request_body(req, &len);
    std::string form(reinterpret_cast<const char *>(body), len);
    std::string assertion;
    const std::string name = "client_assertion=";
    for (size_t pos = 0; pos < form.size();) {
      size_t end = form.find('&', pos);
      if (end == std::string::npos) end = form.size();
      if (form.compare(pos, name.size(), name) == 0) assertion = form.substr(pos + name.size(), end - pos - name.size());
      pos = end + 1;
    }
    m2mauth_claims *c = nullptr;
    bool ok = m2mauth_verifier_verify(&c, self->verifier, assertion.c_str()) == M2MAUTH_OK;
    m2mauth_claims_free(c);
    if (ok) ++self->accepted;
    std::string answer = ok ? "{\"access_token\":\"tok\",\"token_type\":\"Bearer\",\"expires_in\":3600}"
                            : "{\"error\":\"invalid_client\"}";
    m2mauth_status st = m2mauth_response_new(out, ok ? 200 : 401);
    if (st != M2MAUTH_OK) return st;
    m2mauth_response_add_header(*out, "Content-Type", "application/json");
    return m2mauth_response_set_body(*out, reinterpret_cast<const uint8_t *>(answer.data()), answer.size());
  }
};
}  // namespace

TEST_CASE("signer key: private_key_jwt client assertions are signed by the callback") {
  KeyPtr key = generated(M2MAUTH_KEY_EC);
  Kms kms;
  KeyPtr signer = signer_of(key.get(), kms);
  AssertionEndpoint endpoint;
  m2mauth_key *pub = nullptr;
  REQUIRE_OK(m2mauth_key_public(&pub, key.get()));
  KeyPtr pub_owned(pub);
  REQUIRE_OK(m2mauth_verifier_new(&endpoint.verifier, pub, M2MAUTH_ALG_BIT(M2MAUTH_ALG_ES256)));
  REQUIRE_OK(m2mauth_verifier_add_audience(endpoint.verifier, "https://as.example/token"));
  m2mauth_http *http = nullptr;
  REQUIRE_OK(m2mauth_http_new_custom(&http, &AssertionEndpoint::send, &endpoint, nullptr));
  m2mauth_token_client *client = nullptr;
  REQUIRE_OK(m2mauth_token_client_new(&client, "https://as.example/token", "svc", http));
  REQUIRE_OK(m2mauth_token_client_set_auth_method(client, M2MAUTH_AUTH_PRIVATE_KEY_JWT));
  REQUIRE_OK(m2mauth_token_client_set_private_key(client, signer.get()));
  m2mauth_token *token = nullptr;
  REQUIRE_OK(m2mauth_token_client_fetch(&token, client));
  CHECK(std::string(m2mauth_token_access_token(token)) == "tok");
  CHECK(endpoint.accepted == 1);
  CHECK(kms.calls == 1);
  // A failing KMS fails the fetch with ESIGNER before anything is sent.
  kms.fail_with = "throttled";
  m2mauth_token *none = nullptr;
  CHECK_STATUS(m2mauth_token_client_fetch(&none, client), M2MAUTH_ESIGNER);
  CHECK(std::string(m2mauth_error_last()->message).find("throttled") != std::string::npos);
  m2mauth_token_free(token);
  m2mauth_token_client_free(client);
  m2mauth_http_free(http);
  m2mauth_verifier_free(endpoint.verifier);
}
