// The OAuth 1.0 signer through the C API only (libm2mauth.so): the known-answer vectors, every setter,
// error codes, secrets kept out of messages, and one handle shared by several signing threads.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <atomic>
#include <memory>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "m2mauth/m2mauth.h"
#include "vector_file.hpp"

using oauth1_test::Case;

namespace {

struct Signer {
  m2mauth_oauth1 *s = nullptr;
  explicit Signer(const char *key = "ck") { REQUIRE(m2mauth_oauth1_new(&s, key) == M2MAUTH_OK); }
  ~Signer() { m2mauth_oauth1_free(s); }
  operator m2mauth_oauth1 *() const { return s; }
};

struct Req {
  m2mauth_request *r = nullptr;
  Req(const char *method, const char *url) { REQUIRE(m2mauth_request_new(&r, method, url) == M2MAUTH_OK); }
  ~Req() { m2mauth_request_free(r); }
  operator m2mauth_request *() const { return r; }
  std::string url() const { return m2mauth_request_url(r); }
  std::string header(const char *name) const {
    const char *v = m2mauth_request_header(r, name);
    return v ? v : "";
  }
  std::string body() const {
    size_t n = 0;
    const uint8_t *b = m2mauth_request_body(r, &n);
    return std::string(reinterpret_cast<const char *>(b), n);
  }
};

struct Buf {
  m2mauth_buf b = M2MAUTH_BUF_INIT;
  ~Buf() { m2mauth_buf_dispose(&b); }
  std::string str() const { return std::string(reinterpret_cast<const char *>(b.ptr), b.size); }
};

std::string hmac_sha1_b64(const std::string &key, const std::string &data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(data.data()),
       data.size(), mac, &len);
  unsigned char out[64];
  int n = EVP_EncodeBlock(out, mac, static_cast<int>(len));
  return std::string(reinterpret_cast<char *>(out), static_cast<std::size_t>(n));
}

std::string unescape(const std::string &s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void configure(m2mauth_oauth1 *s, const Case &c) {
  REQUIRE(m2mauth_oauth1_set_consumer_secret(s, c.get("consumer_secret").c_str()) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_token(s, c.has("token") ? c.at("token").c_str() : nullptr,
                                   c.get("token_secret").c_str()) == M2MAUTH_OK);
  int method = 0;
  REQUIRE(m2mauth_oauth1_method_from_name(&method, c.at("signature_method").c_str()) == M2MAUTH_OK);
  REQUIRE(method > 0);
  REQUIRE(m2mauth_oauth1_set_method(s, method) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_include_version(s, c.at("version") == "yes") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_realm(s, c.has("realm") ? c.at("realm").c_str() : nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_callback(s, c.has("callback") ? c.at("callback").c_str() : nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_verifier(s, c.has("verifier") ? c.at("verifier").c_str() : nullptr) == M2MAUTH_OK);
}

void prepare(m2mauth_request *r, const Case &c) {
  if (c.has("content_type")) REQUIRE(m2mauth_request_set_header(r, "Content-Type", c.at("content_type").c_str()) == M2MAUTH_OK);
  const std::string body = c.get("body");
  REQUIRE(m2mauth_request_set_body(r, reinterpret_cast<const uint8_t *>(body.data()), body.size()) == M2MAUTH_OK);
}

std::string last_message() { return m2mauth_error_last()->message; }

}  // namespace

TEST_CASE("capi vectors: base string, signature and Authorization header of every known-answer case") {
  int n = 0;
  for (const Case &c : oauth1_test::load_vectors()) {
    if (!c.is_request()) continue;
    INFO("vector: " << c.name);
    Signer s(c.at("consumer_key").c_str());
    configure(s, c);
    Req r(c.at("method").c_str(), c.at("url").c_str());
    prepare(r, c);
    const int64_t ts = std::stoll(c.at("timestamp"));
    // Configured before the first use (the diagnostics freeze the signer too).
    REQUIRE(m2mauth_oauth1_set_fixed_nonce(s, c.at("nonce").c_str()) == M2MAUTH_OK);
    REQUIRE(m2mauth_oauth1_set_fixed_timestamp(s, ts) == M2MAUTH_OK);
    Buf base, sig;
    REQUIRE(m2mauth_oauth1_base_string(&base.b, s, r, c.at("nonce").c_str(), ts) == M2MAUTH_OK);
    if (c.has("base_string")) CHECK(base.str() == c.at("base_string"));
    REQUIRE(m2mauth_oauth1_signature(&sig.b, s, r, c.at("nonce").c_str(), ts) == M2MAUTH_OK);
    if (c.has("signature")) CHECK(sig.str() == c.at("signature"));
    REQUIRE(m2mauth_oauth1_sign(s, r) == M2MAUTH_OK);
    if (c.has("authorization"))
      CHECK(oauth1_test::parse_authorization(r.header("Authorization")) ==
            oauth1_test::parse_authorization(c.at("authorization")));
    ++n;
  }
  CHECK(n >= 6);
}

TEST_CASE("capi names: methods and placements") {
  CHECK(std::string(m2mauth_oauth1_method_name(M2MAUTH_OAUTH1_HMAC_SHA1)) == "HMAC-SHA1");
  CHECK(std::string(m2mauth_oauth1_method_name(M2MAUTH_OAUTH1_HMAC_SHA256)) == "HMAC-SHA256");
  CHECK(std::string(m2mauth_oauth1_method_name(M2MAUTH_OAUTH1_RSA_SHA1)) == "RSA-SHA1");
  CHECK(std::string(m2mauth_oauth1_method_name(M2MAUTH_OAUTH1_RSA_SHA256)) == "RSA-SHA256");
  CHECK(std::string(m2mauth_oauth1_method_name(M2MAUTH_OAUTH1_PLAINTEXT)) == "PLAINTEXT");
  CHECK(std::string(m2mauth_oauth1_method_name(0)).empty());
  CHECK(std::string(m2mauth_oauth1_method_name(6)).empty());
  for (int m = 1; m <= 5; ++m) {
    int method = 0;
    CHECK(m2mauth_oauth1_method_from_name(&method, m2mauth_oauth1_method_name(m)) == M2MAUTH_OK);
    CHECK(method == m);
  }
  int method = 9;
  CHECK(m2mauth_oauth1_method_from_name(&method, "HMAC-SHA512") == M2MAUTH_EALGORITHM);
  CHECK(method == 0);
  CHECK(m2mauth_oauth1_method_from_name(&method, nullptr) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_method_from_name(nullptr, "HMAC-SHA1") == M2MAUTH_EINVAL);
  CHECK(std::string(m2mauth_oauth1_placement_name(M2MAUTH_OAUTH1_IN_HEADER)) == "header");
  CHECK(std::string(m2mauth_oauth1_placement_name(M2MAUTH_OAUTH1_IN_QUERY)) == "query");
  CHECK(std::string(m2mauth_oauth1_placement_name(M2MAUTH_OAUTH1_IN_BODY)) == "body");
  CHECK(std::string(m2mauth_oauth1_placement_name(4)).empty());
}

TEST_CASE("capi handle: creation and NULL arguments") {
  m2mauth_oauth1 *s = reinterpret_cast<m2mauth_oauth1 *>(0x1);
  CHECK(m2mauth_oauth1_new(&s, "") == M2MAUTH_EINVAL);
  CHECK(s == nullptr);
  CHECK(m2mauth_oauth1_new(&s, nullptr) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_new(nullptr, "k") == M2MAUTH_EINVAL);
  m2mauth_oauth1_free(nullptr);
  CHECK(m2mauth_oauth1_set_consumer_secret(nullptr, "x") == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_set_method(nullptr, 1) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_clear_params(nullptr) == M2MAUTH_EINVAL);
  Req r("GET", "http://h/");
  CHECK(m2mauth_oauth1_sign(nullptr, r) == M2MAUTH_EINVAL);
  Signer sig;
  CHECK(m2mauth_oauth1_sign(sig, nullptr) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_add_param(sig, nullptr, "v") == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_add_param(sig, "oauth_x", nullptr) == M2MAUTH_EINVAL);
}

TEST_CASE("capi setters: a failed setter leaves the signer as it was") {
  auto configure = [](m2mauth_oauth1 *x) {
    REQUIRE(m2mauth_oauth1_set_fixed_nonce(x, "n") == M2MAUTH_OK);
    REQUIRE(m2mauth_oauth1_set_fixed_timestamp(x, 1) == M2MAUTH_OK);
    REQUIRE(m2mauth_oauth1_add_param(x, "oauth_extra", "1") == M2MAUTH_OK);
  };
  Signer s, same;
  configure(s);
  configure(same);
  Req before("GET", "http://h/");
  REQUIRE(m2mauth_oauth1_sign(same, before) == M2MAUTH_OK);
  CHECK(m2mauth_oauth1_add_param(s, "not_oauth", "1") == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_add_param(s, "oauth_nonce", "1") == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_add_param(s, "oauth_extra", "2") == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_set_method(s, 0) == M2MAUTH_EALGORITHM);
  CHECK(m2mauth_oauth1_set_method(s, 6) == M2MAUTH_EALGORITHM);
  CHECK(m2mauth_oauth1_set_placement(s, 0) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_set_placement(s, 4) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_set_realm(s, "a\nb") == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_set_fixed_nonce(s, "") == M2MAUTH_EINVAL);
  Req after("GET", "http://h/");
  REQUIRE(m2mauth_oauth1_sign(s, after) == M2MAUTH_OK);
  CHECK(after.header("Authorization") == before.header("Authorization"));
  CHECK(after.header("Authorization").find("oauth_extra=\"1\"") != std::string::npos);
  Signer c;
  configure(c);
  REQUIRE(m2mauth_oauth1_clear_params(c) == M2MAUTH_OK);
  Req cleared("GET", "http://h/");
  REQUIRE(m2mauth_oauth1_sign(c, cleared) == M2MAUTH_OK);
  CHECK(cleared.header("Authorization").find("oauth_extra") == std::string::npos);
}

TEST_CASE("capi setters: token, version, realm, callback and verifier") {
  // Each configuration is its own signer: the first signature freezes one.
  auto fresh = [] {
    auto s = std::make_unique<Signer>();
    REQUIRE(m2mauth_oauth1_set_fixed_nonce(*s, "n") == M2MAUTH_OK);
    REQUIRE(m2mauth_oauth1_set_fixed_timestamp(*s, 7) == M2MAUTH_OK);
    return s;
  };
  auto header = [](const Signer &s) {
    Req r("GET", "http://h/");
    REQUIRE(m2mauth_oauth1_sign(s, r) == M2MAUTH_OK);
    return oauth1_test::parse_authorization(r.header("Authorization"));
  };
  auto s1 = fresh();
  auto h = header(*s1);
  CHECK(h.count("oauth_token") == 0);
  CHECK(h.at("oauth_version") == "1.0");
  CHECK(h.at("oauth_signature_method") == "HMAC-SHA1");
  CHECK(h.at("oauth_timestamp") == "7");
  CHECK(h.count("realm") == 0);
  auto s2 = fresh();
  m2mauth_oauth1 *s = *s2;
  REQUIRE(m2mauth_oauth1_set_token(s, "tok", "sec") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_include_version(s, 0) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_realm(s, "R") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_callback(s, "oob") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_verifier(s, "ver") == M2MAUTH_OK);
  auto s3 = fresh();  // the same, then some of it removed again before first use
  REQUIRE(m2mauth_oauth1_set_token(*s3, "tok", "sec") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_realm(*s3, "R") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_callback(*s3, "oob") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_verifier(*s3, "ver") == M2MAUTH_OK);
  h = header(*s2);
  CHECK(h.at("oauth_token") == "tok");
  CHECK(h.count("oauth_version") == 0);
  CHECK(h.at("realm") == "R");
  CHECK(h.at("oauth_callback") == "oob");
  CHECK(h.at("oauth_verifier") == "ver");
  s = *s3;
  REQUIRE(m2mauth_oauth1_set_token(s, "", "sec") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_realm(s, nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_callback(s, nullptr) == M2MAUTH_OK);
  h = header(*s3);
  CHECK(h.count("oauth_token") == 0);
  CHECK(h.count("realm") == 0);
  CHECK(h.count("oauth_callback") == 0);
  CHECK(h.at("oauth_verifier") == "ver");
}

TEST_CASE("capi HMAC-SHA1: the header's signature is the HMAC of the diagnostic base string") {
  Signer s;
  REQUIRE(m2mauth_oauth1_set_consumer_secret(s, "c&s") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_token(s, "t", "t s") == M2MAUTH_OK);
  Req r("POST", "https://vault.example.com/iso/pam/credential?x=1");
  REQUIRE(m2mauth_request_set_header(r, "Content-Type", "application/x-www-form-urlencoded") == M2MAUTH_OK);
  const char body[] = "username=robot&password=p%40ss";
  REQUIRE(m2mauth_request_set_body(r, reinterpret_cast<const uint8_t *>(body), std::strlen(body)) == M2MAUTH_OK);
  Req original("POST", "https://vault.example.com/iso/pam/credential?x=1");
  REQUIRE(m2mauth_request_set_header(original, "Content-Type", "application/x-www-form-urlencoded") == M2MAUTH_OK);
  REQUIRE(m2mauth_request_set_body(original, reinterpret_cast<const uint8_t *>(body), std::strlen(body)) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_sign(s, r) == M2MAUTH_OK);
  auto h = oauth1_test::parse_authorization(r.header("Authorization"));
  Buf base;
  REQUIRE(m2mauth_oauth1_base_string(&base.b, s, original, unescape(h.at("oauth_nonce")).c_str(),
                                     std::stoll(h.at("oauth_timestamp"))) == M2MAUTH_OK);
  CHECK(unescape(h.at("oauth_signature")) == hmac_sha1_b64("c%26s&t%20s", base.str()));
  CHECK(r.body() == body);
  CHECK(r.url() == "https://vault.example.com/iso/pam/credential?x=1");
}

TEST_CASE("capi placements: query and body") {
  Signer s;
  REQUIRE(m2mauth_oauth1_set_fixed_nonce(s, "n") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_fixed_timestamp(s, 1) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_placement(s, M2MAUTH_OAUTH1_IN_QUERY) == M2MAUTH_OK);
  Req q("GET", "http://h/p?a=1");
  REQUIRE(m2mauth_oauth1_sign(s, q) == M2MAUTH_OK);
  CHECK(q.url().rfind("http://h/p?a=1&oauth_consumer_key=ck&", 0) == 0);
  CHECK(q.url().find("&oauth_signature=") != std::string::npos);
  CHECK(q.header("Authorization").empty());

  Signer in_body;
  m2mauth_oauth1 *sb = in_body;
  REQUIRE(m2mauth_oauth1_set_fixed_nonce(sb, "n") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_fixed_timestamp(sb, 1) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_placement(sb, M2MAUTH_OAUTH1_IN_BODY) == M2MAUTH_OK);
  Req b("POST", "http://h/p");
  REQUIRE(m2mauth_oauth1_sign(sb, b) == M2MAUTH_OK);
  CHECK(b.body().rfind("oauth_consumer_key=ck&", 0) == 0);
  CHECK(b.header("Content-Type") == "application/x-www-form-urlencoded");

  Req json("POST", "http://h/p");
  REQUIRE(m2mauth_request_set_header(json, "Content-Type", "application/json") == M2MAUTH_OK);
  REQUIRE(m2mauth_request_set_body(json, reinterpret_cast<const uint8_t *>("{}"), 2) == M2MAUTH_OK);
  CHECK(m2mauth_oauth1_sign(sb, json) == M2MAUTH_EINVAL);
  CHECK(m2mauth_error_last()->code == M2MAUTH_EINVAL);
  CHECK(json.body() == "{}");
  Req get("GET", "http://h/p");
  CHECK(m2mauth_oauth1_sign(sb, get) == M2MAUTH_EINVAL);
  Req dup("POST", "http://h/p?oauth_token=x");
  CHECK(m2mauth_oauth1_sign(sb, dup) == M2MAUTH_ESTATE);
}

TEST_CASE("capi RSA: key checks and a signature OpenSSL verifies with the public key") {
  Signer s;
  REQUIRE(m2mauth_oauth1_set_method(s, M2MAUTH_OAUTH1_RSA_SHA256) == M2MAUTH_OK);
  Req r("GET", "http://h/p?x=1");
  CHECK(m2mauth_oauth1_sign(s, r) == M2MAUTH_ECONFIG);
  m2mauth_key *hmac = nullptr, *rsa = nullptr, *pub = nullptr;
  REQUIRE(m2mauth_key_generate_hmac(&hmac, 32) == M2MAUTH_OK);
  REQUIRE(m2mauth_key_generate_rsa(&rsa, 2048) == M2MAUTH_OK);
  REQUIRE(m2mauth_key_public(&pub, rsa) == M2MAUTH_OK);
  CHECK(m2mauth_oauth1_set_rsa_key(s, hmac) == M2MAUTH_EKEYTYPE);
  CHECK(m2mauth_oauth1_set_rsa_key(s, pub) == M2MAUTH_ENOPRIVATE);
  REQUIRE(m2mauth_oauth1_set_rsa_key(s, rsa) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_sign(s, r) == M2MAUTH_OK);  // the failed sign above left the signer open
  Buf pem;
  REQUIRE(m2mauth_key_public_pem(&pem.b, rsa) == M2MAUTH_OK);
  m2mauth_key_free(pub);
  m2mauth_key_free(hmac);
  for (int method : {M2MAUTH_OAUTH1_RSA_SHA1, M2MAUTH_OAUTH1_RSA_SHA256}) {
    INFO(std::string(m2mauth_oauth1_method_name(method)));
    Signer each;  // frozen by its first signature: one signer per method
    REQUIRE(m2mauth_oauth1_set_rsa_key(each, rsa) == M2MAUTH_OK);
    REQUIRE(m2mauth_oauth1_set_method(each, method) == M2MAUTH_OK);
    m2mauth_oauth1 *signer = each;
    Buf base, sig;
    REQUIRE(m2mauth_oauth1_base_string(&base.b, signer, r, "n", 1) == M2MAUTH_OK);
    REQUIRE(m2mauth_oauth1_signature(&sig.b, signer, r, "n", 1) == M2MAUTH_OK);
    std::vector<unsigned char> raw(sig.b.size);
    int n = EVP_DecodeBlock(raw.data(), sig.b.ptr, static_cast<int>(sig.b.size));
    REQUIRE(n == 258);  // 256 bytes plus the decoder's padding count
    BIO *bio = BIO_new_mem_buf(pem.b.ptr, static_cast<int>(pem.b.size));
    EVP_PKEY *pk = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    REQUIRE(pk != nullptr);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const EVP_MD *md = method == M2MAUTH_OAUTH1_RSA_SHA1 ? EVP_sha1() : EVP_sha256();
    CHECK(EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, pk) == 1);
    CHECK(EVP_DigestVerify(ctx, raw.data(), 256, base.b.ptr, base.b.size) == 1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pk);
  }
  Signer removed;
  REQUIRE(m2mauth_oauth1_set_method(removed, M2MAUTH_OAUTH1_RSA_SHA1) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_rsa_key(removed, rsa) == M2MAUTH_OK);
  m2mauth_key_free(rsa);  // the signer keeps its own reference
  REQUIRE(m2mauth_oauth1_set_rsa_key(removed, nullptr) == M2MAUTH_OK);
  CHECK(m2mauth_oauth1_sign(removed, r) == M2MAUTH_ECONFIG);
}

TEST_CASE("capi clock: the callback gives the timestamp, a fixed timestamp wins, NULL restores the system clock") {
  struct Payload {
    int64_t now_ms;
    int calls;
  } p{1600000000500, 0};
  auto clock = [](void *payload) -> int64_t {
    auto *pl = static_cast<Payload *>(payload);
    ++pl->calls;
    return pl->now_ms;
  };
  Signer s;
  REQUIRE(m2mauth_oauth1_set_clock(s, clock, &p, nullptr) == M2MAUTH_OK);
  Req r("GET", "http://h/");
  REQUIRE(m2mauth_oauth1_sign(s, r) == M2MAUTH_OK);
  CHECK(oauth1_test::parse_authorization(r.header("Authorization")).at("oauth_timestamp") == "1600000000");
  CHECK(p.calls == 1);
  REQUIRE(m2mauth_oauth1_sign(s, r) == M2MAUTH_OK);
  CHECK(p.calls == 2);
  Signer fixed;
  REQUIRE(m2mauth_oauth1_set_clock(fixed, clock, &p, nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_fixed_timestamp(fixed, 5) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_sign(fixed, r) == M2MAUTH_OK);
  CHECK(oauth1_test::parse_authorization(r.header("Authorization")).at("oauth_timestamp") == "5");
  CHECK(p.calls == 2);
  Signer restored;
  REQUIRE(m2mauth_oauth1_set_clock(restored, clock, &p, nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_fixed_timestamp(restored, 5) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_fixed_timestamp(restored, -1) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_sign(restored, r) == M2MAUTH_OK);
  CHECK(p.calls == 3);
  Signer system;
  REQUIRE(m2mauth_oauth1_set_clock(system, clock, &p, nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_clock(system, nullptr, nullptr, nullptr) == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_sign(system, r) == M2MAUTH_OK);
  CHECK(std::stoll(oauth1_test::parse_authorization(r.header("Authorization")).at("oauth_timestamp")) > 1700000000);
  CHECK(p.calls == 3);
}

TEST_CASE("capi body hash: oauth_body_hash for a JSON body when on, none for form bodies or when off") {
  auto sign = [](int on, const char *ctype, const char *body) {
    Signer s;
    REQUIRE(m2mauth_oauth1_set_fixed_nonce(s, "n") == M2MAUTH_OK);
    REQUIRE(m2mauth_oauth1_set_fixed_timestamp(s, 1) == M2MAUTH_OK);
    REQUIRE(m2mauth_oauth1_set_body_hash(s, on) == M2MAUTH_OK);
    Req r("POST", "http://h/p");
    REQUIRE(m2mauth_request_set_header(r, "Content-Type", ctype) == M2MAUTH_OK);
    REQUIRE(m2mauth_request_set_body(r, reinterpret_cast<const uint8_t *>(body), std::strlen(body)) == M2MAUTH_OK);
    REQUIRE(m2mauth_oauth1_sign(s, r) == M2MAUTH_OK);
    return oauth1_test::parse_authorization(r.header("Authorization"));
  };
  // base64(SHA-1("abc")) = qZk+NkcGgWq6PiVxeFDCbJzQ2J0= (the FIPS 180 test message), percent-encoded in the header.
  auto h = sign(1, "text/plain", "abc");
  CHECK(h.at("oauth_body_hash") == "qZk%2BNkcGgWq6PiVxeFDCbJzQ2J0%3D");
  CHECK(sign(0, "text/plain", "abc").count("oauth_body_hash") == 0);
  CHECK(sign(1, "application/x-www-form-urlencoded", "a=1").count("oauth_body_hash") == 0);
  // The signature covers it: the same request without the option signs differently.
  CHECK(sign(1, "text/plain", "abc").at("oauth_signature") != sign(0, "text/plain", "abc").at("oauth_signature"));
  Signer s;
  REQUIRE(m2mauth_oauth1_set_body_hash(s, 1) == M2MAUTH_OK);
  CHECK(m2mauth_oauth1_add_param(s, "oauth_body_hash", "x") == M2MAUTH_EINVAL);  // the signer's own parameter
  CHECK(m2mauth_oauth1_set_body_hash(nullptr, 1) == M2MAUTH_EINVAL);
}

TEST_CASE("capi diagnostics: argument checks and buffers left empty on failure") {
  Signer s;
  Req r("GET", "http://h/");
  Buf out;
  CHECK(m2mauth_oauth1_base_string(&out.b, s, r, nullptr, 1) == M2MAUTH_EINVAL);
  CHECK(out.b.ptr == nullptr);
  CHECK(m2mauth_oauth1_base_string(&out.b, s, r, "", 1) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_base_string(&out.b, s, r, "n", -1) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_base_string(&out.b, nullptr, r, "n", 1) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_base_string(&out.b, s, nullptr, "n", 1) == M2MAUTH_EINVAL);
  CHECK(m2mauth_oauth1_base_string(nullptr, s, r, "n", 1) == M2MAUTH_EINVAL);
  REQUIRE(m2mauth_oauth1_base_string(&out.b, s, r, "n", 1) == M2MAUTH_OK);
  CHECK(out.str() == "GET&http%3A%2F%2Fh%2F&oauth_consumer_key%3Dck%26oauth_nonce%3Dn%26oauth_signature_method%3DHMAC-"
                     "SHA1%26oauth_timestamp%3D1%26oauth_version%3D1.0");
  CHECK(out.b.ptr[out.b.size] == 0);
  Req bad("GET", "http://h/?a=%zz");
  CHECK(m2mauth_oauth1_base_string(&out.b, s, bad, "n", 1) == M2MAUTH_EMALFORMED);
  CHECK(out.b.ptr == nullptr);
}

TEST_CASE("capi secrets: never in error messages") {
  Signer s;
  REQUIRE(m2mauth_oauth1_set_consumer_secret(s, "CONSUMER-SECRET-42") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_token(s, "tok", "TOKEN-SECRET-42") == M2MAUTH_OK);
  std::string all;
  Req dup("GET", "http://h/?oauth_nonce=1");
  CHECK(m2mauth_oauth1_sign(s, dup) != M2MAUTH_OK);
  all += last_message();
  Req bad("GET", "http://h/?x=%zz");
  CHECK(m2mauth_oauth1_sign(s, bad) != M2MAUTH_OK);
  all += last_message();
  Signer rsa;
  REQUIRE(m2mauth_oauth1_set_consumer_secret(rsa, "CONSUMER-SECRET-42") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_token(rsa, "tok", "TOKEN-SECRET-42") == M2MAUTH_OK);
  CHECK(m2mauth_oauth1_set_method(rsa, M2MAUTH_OAUTH1_RSA_SHA1) == M2MAUTH_OK);
  CHECK(m2mauth_oauth1_sign(rsa, dup) != M2MAUTH_OK);
  all += last_message();
  CHECK(m2mauth_oauth1_set_realm(rsa, "\x7f") != M2MAUTH_OK);
  all += last_message();
  CHECK(m2mauth_oauth1_add_param(rsa, "oauth_signature", "x") != M2MAUTH_OK);
  all += last_message();
  CHECK(m2mauth_oauth1_set_realm(s, "r") == M2MAUTH_ESTATE);  // frozen: that message names no secret either
  all += last_message();
  CHECK(!all.empty());
  CHECK(all.find("SECRET") == std::string::npos);
}

TEST_CASE("capi threads: one configured handle signs on four threads at once") {
  Signer s;
  REQUIRE(m2mauth_oauth1_set_consumer_secret(s, "cs") == M2MAUTH_OK);
  REQUIRE(m2mauth_oauth1_set_token(s, "tok", "ts") == M2MAUTH_OK);
  const m2mauth_oauth1 *shared = s;
  std::atomic<int> failures{0};
  std::vector<std::set<std::string>> nonces(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        std::string url = "http://h/p?t=" + std::to_string(t) + "&i=" + std::to_string(i);
        m2mauth_request *r = nullptr, *orig = nullptr;
        m2mauth_request_new(&r, "GET", url.c_str());
        m2mauth_request_new(&orig, "GET", url.c_str());
        if (m2mauth_oauth1_sign(shared, r) != M2MAUTH_OK) ++failures;
        auto h = oauth1_test::parse_authorization(m2mauth_request_header(r, "Authorization"));
        m2mauth_buf base = M2MAUTH_BUF_INIT;
        if (m2mauth_oauth1_base_string(&base, shared, orig, h.at("oauth_nonce").c_str(),
                                       std::stoll(h.at("oauth_timestamp"))) != M2MAUTH_OK)
          ++failures;
        std::string b(reinterpret_cast<const char *>(base.ptr), base.size);
        if (unescape(h.at("oauth_signature")) != hmac_sha1_b64("cs&ts", b)) ++failures;
        nonces[t].insert(h.at("oauth_nonce"));
        m2mauth_buf_dispose(&base);
        m2mauth_request_free(r);
        m2mauth_request_free(orig);
      }
    });
  }
  for (auto &th : threads) th.join();
  CHECK(failures.load() == 0);
  std::set<std::string> all;
  for (auto &n : nonces) all.insert(n.begin(), n.end());
  CHECK(all.size() == 4000);
}
