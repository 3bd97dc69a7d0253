// Test support for tests/capi: RAII over the C handles and buffers, status checks, test keys.
// Uses the public C API (m2mauth.h) only.
#pragma once

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>

#include "m2mauth/m2mauth.h"
#include "test_json.hpp"

namespace capi {

struct Buf {
  m2mauth_buf b = M2MAUTH_BUF_INIT;
  Buf() = default;
  Buf(const Buf &) = delete;
  Buf &operator=(const Buf &) = delete;
  ~Buf() { m2mauth_buf_dispose(&b); }
  m2mauth_buf *out() { return &b; }
  std::string str() const { return b.ptr == nullptr ? std::string() : std::string(reinterpret_cast<const char *>(b.ptr), b.size); }
  const char *c_str() const { return reinterpret_cast<const char *>(b.ptr); }
};

template <typename T, void (*Free)(T *)>
struct Deleter {
  void operator()(T *p) const noexcept { Free(p); }
};
using KeyPtr = std::unique_ptr<m2mauth_key, Deleter<m2mauth_key, m2mauth_key_free>>;
using CertPtr = std::unique_ptr<m2mauth_cert, Deleter<m2mauth_cert, m2mauth_cert_free>>;
using ClaimsPtr = std::unique_ptr<m2mauth_claims, Deleter<m2mauth_claims, m2mauth_claims_free>>;
using VerifierPtr = std::unique_ptr<m2mauth_verifier, Deleter<m2mauth_verifier, m2mauth_verifier_free>>;

inline const uint8_t *bytes(const std::string &s) { return reinterpret_cast<const uint8_t *>(s.data()); }

inline std::string name(int status) { return m2mauth_error_name(status); }

// The status is the expected code, and the thread's error record says the same with a message.
#define CHECK_STATUS(expr, expected)                                                   \
  do {                                                                                 \
    const int check_status_rc_ = (expr);                                               \
    CHECK(capi::name(check_status_rc_) == capi::name(expected));                       \
    if (check_status_rc_ != M2MAUTH_OK) {                                              \
      CHECK(m2mauth_error_last()->code == check_status_rc_);                           \
      CHECK(std::strlen(m2mauth_error_last()->message) > 0);                           \
    }                                                                                  \
  } while (0)
// The same with the expected m2mauth_error_name() given as text, as the vector files do.
#define CHECK_STATUS_NAMED(expr, expected_name)                                        \
  do {                                                                                 \
    const int check_status_rc_ = (expr);                                               \
    CHECK(capi::name(check_status_rc_) == std::string(expected_name));                 \
    if (check_status_rc_ != M2MAUTH_OK) CHECK(m2mauth_error_last()->code == check_status_rc_); \
  } while (0)
#define REQUIRE_OK(expr)                                                               \
  do {                                                                                 \
    const int require_ok_rc_ = (expr);                                                 \
    INFO(m2mauth_error_last()->message);                                               \
    REQUIRE(capi::name(require_ok_rc_) == std::string("ok"));                          \
  } while (0)

inline KeyPtr jwk_key(const std::string &jwk) {
  m2mauth_key *k = nullptr;
  REQUIRE_OK(m2mauth_key_from_jwk(&k, jwk.c_str()));
  return KeyPtr(k);
}
inline KeyPtr pem_key(const std::string &pem, const char *pass = nullptr) {
  m2mauth_key *k = nullptr;
  REQUIRE_OK(m2mauth_key_from_pem(&k, bytes(pem), pem.size(), pass));
  return KeyPtr(k);
}

// A key of m2mauth/jose.json: "name" is the private (or secret) key from its JWK, "name:public" the
// public key from its SPKI PEM.
inline KeyPtr test_key(const cJSON *doc, const std::string &spec) {
  const bool pub = spec.size() > 7 && spec.compare(spec.size() - 7, 7, ":public") == 0;
  const std::string key_name = pub ? spec.substr(0, spec.size() - 7) : spec;
  const cJSON *k = m2mtest::member(m2mtest::member(doc, "keys"), key_name.c_str());
  if (pub) return pem_key(m2mtest::str(k, "spki_pem"));
  return jwk_key(m2mtest::print(m2mtest::member(k, "private_jwk")));
}

// The algorithm named name; 0 (and the status checked) when the library refuses it.
inline int alg(const std::string &name) {
  int out = -1;
  const m2mauth_status rc = m2mauth_alg_from_name(&out, name.c_str());
  CHECK((rc == M2MAUTH_OK ? out > 0 : out == 0));
  return rc == M2MAUTH_OK ? out : 0;
}

// An allow-list from a JSON array of algorithm names.
inline uint32_t allowed(const cJSON *names) {
  uint32_t set = 0;
  M2MTEST_FOR_EACH(n, names) {
    int a = alg(n->valuestring);
    REQUIRE(a > 0);
    set |= m2mauth_alg_bit(a);
  }
  return set;
}

inline uint32_t all_algs() {
  uint32_t set = 0;
  for (int a = M2MAUTH_ALG_HS256; a <= M2MAUTH_ALG_EDDSA; ++a) set |= m2mauth_alg_bit(a);
  return set;
}

// Verifies a compact JWS; returns the status and puts the payload in *payload.
inline int verify(const m2mauth_key *key, const std::string &token, uint32_t allowed_algs, std::string *payload = nullptr) {
  Buf out;
  int rc = m2mauth_jws_verify(out.out(), key, token.c_str(), allowed_algs);
  if (payload != nullptr) *payload = out.str();
  return rc;
}

inline m2mtest::JsonPtr jose() { return m2mtest::load_vector_json("m2mauth/jose.json"); }

}  // namespace capi
