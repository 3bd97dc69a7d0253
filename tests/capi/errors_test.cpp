// The error record, status names, versions and output buffers of the C API; no secret in a message.
#include <thread>

#include "capi_support.hpp"

using capi::Buf;

TEST_CASE("every status code has a stable name, and the transient ones are network, timeout, backoff") {
  struct {
    int code;
    const char *name;
    int transient;
  } codes[] = {{M2MAUTH_OK, "ok", 0},
               {M2MAUTH_ERROR, "error", 0},
               {M2MAUTH_EINVAL, "invalid_argument", 0},
               {M2MAUTH_ENOMEM, "out_of_memory", 0},
               {M2MAUTH_EUNSUPPORTED, "unsupported", 0},
               {M2MAUTH_ETOOLARGE, "too_large", 0},
               {M2MAUTH_ENOTFOUND, "not_found", 0},
               {M2MAUTH_ESTATE, "state", 0},
               {M2MAUTH_EIO, "io", 0},
               {M2MAUTH_ECONFIG, "config", 0},
               {M2MAUTH_EKEY, "key", 0},
               {M2MAUTH_EKEYTYPE, "key_type", 0},
               {M2MAUTH_EPASSPHRASE, "passphrase", 0},
               {M2MAUTH_ENOPRIVATE, "no_private_key", 0},
               {M2MAUTH_EMALFORMED, "malformed", 0},
               {M2MAUTH_ESIGNATURE, "signature", 0},
               {M2MAUTH_EALGORITHM, "algorithm", 0},
               {M2MAUTH_EEXPIRED, "expired", 0},
               {M2MAUTH_ENOTYETVALID, "not_yet_valid", 0},
               {M2MAUTH_EIAT, "issued_in_future", 0},
               {M2MAUTH_ECLAIM, "claim", 0},
               {M2MAUTH_EMISSINGCLAIM, "missing_claim", 0},
               {M2MAUTH_ENETWORK, "network", 1},
               {M2MAUTH_ETIMEOUT, "timeout", 1},
               {M2MAUTH_ETLS, "tls", 0},
               {M2MAUTH_EINSECURE, "insecure", 0},
               {M2MAUTH_EHTTP, "http", 0},
               {M2MAUTH_EOAUTH, "oauth", 0},
               {M2MAUTH_EPROTOCOL, "protocol", 0},
               {M2MAUTH_EVENDOR, "vendor", 0},
               {M2MAUTH_EUNAUTHORIZED, "unauthorized", 0},
               {M2MAUTH_ECANCELLED, "cancelled", 0},
               {M2MAUTH_EBACKOFF, "backoff", 1}};
  for (const auto &c : codes) {
    INFO(c.code);
    CHECK(std::string(m2mauth_error_name(c.code)) == c.name);
    CHECK(m2mauth_error_code_is_transient(c.code) == c.transient);
  }
  // The numeric values are ABI: bindings and the vector files rely on them.
  CHECK(M2MAUTH_EKEY == -10);
  CHECK(M2MAUTH_EMALFORMED == -20);
  CHECK(M2MAUTH_EMISSINGCLAIM == -27);
  CHECK(M2MAUTH_ENETWORK == -40);
  for (int unknown : {1, -11000, -28, -39, -51, 100}) CHECK(std::string(m2mauth_error_name(unknown)) == "unknown");
}

TEST_CASE("the error record: never NULL, set where a call fails, cleared on request, per thread") {
  m2mauth_error_clear();
  const m2mauth_error *e = m2mauth_error_last();
  REQUIRE(e != nullptr);
  CHECK(e->code == M2MAUTH_OK);
  CHECK(e->message != nullptr);
  CHECK(e->oauth_error != nullptr);
  CHECK(e->oauth_error_description != nullptr);
  CHECK(e->oauth_error_uri != nullptr);
  Buf out;
  CHECK_STATUS(m2mauth_util_base64url_decode(out.out(), "%%%"), M2MAUTH_EMALFORMED);
  e = m2mauth_error_last();
  CHECK(e->code == M2MAUTH_EMALFORMED);
  CHECK(e->transient == 0);
  CHECK(e->http_status == 0);
  CHECK(std::string(e->oauth_error).empty());
  CHECK(e->vendor_code == 0);
  CHECK(e->retry_after_ms == 0);
  // Another thread sees its own record.
  int other_code = 1;
  std::string other_message = "x";
  std::thread([&] {
    other_code = m2mauth_error_last()->code;
    other_message = m2mauth_error_last()->message;
    m2mauth_key *k = nullptr;
    m2mauth_key_from_jwk(&k, "{");
  }).join();
  CHECK(other_code == M2MAUTH_OK);
  CHECK(other_message.empty());
  CHECK(m2mauth_error_last()->code == M2MAUTH_EMALFORMED);  // untouched by the other thread's failure
  m2mauth_error_clear();
  CHECK(m2mauth_error_last()->code == M2MAUTH_OK);
  CHECK(std::string(m2mauth_error_last()->message).empty());
}

TEST_CASE("no secret ends up in an error message") {
  auto doc = capi::jose();
  const cJSON *keys = m2mtest::member(doc.get(), "keys");
  const std::string secret = m2mtest::str(m2mtest::member(keys, "hmac256"), "secret_b64url");
  m2mauth_key *k = nullptr;
  auto message_has = [](const std::string &s) { return std::string(m2mauth_error_last()->message).find(s) != std::string::npos; };
  // A secret that is not valid base64url, a private member that is.
  CHECK(m2mauth_key_from_jwk(&k, (R"({"kty":"oct","k":")" + secret + "!\"}").c_str()) != M2MAUTH_OK);
  CHECK_FALSE(message_has(secret));
  const std::string d = m2mtest::str(m2mtest::member(m2mtest::member(keys, "ec_p256"), "private_jwk"), "d");
  std::string jwk = m2mtest::print(m2mtest::member(m2mtest::member(keys, "ec_p384"), "private_jwk"));
  jwk.replace(jwk.find("\"d\":\"") + 5, 64, d);
  CHECK(m2mauth_key_from_jwk(&k, jwk.c_str()) != M2MAUTH_OK);
  CHECK_FALSE(message_has(d));
  // A PEM body and a passphrase.
  const std::string pem = m2mtest::str(m2mtest::member(keys, "rsa2048"), "pkcs8_encrypted_pem");
  CHECK(m2mauth_key_from_pem(&k, capi::bytes(pem), pem.size(), "hunter2-wrong") == M2MAUTH_EPASSPHRASE);
  CHECK_FALSE(message_has("hunter2"));
  CHECK_FALSE(message_has(pem.substr(40, 20)));
  // A token: neither its signature nor its payload is quoted back.
  auto key = capi::test_key(doc.get(), "hmac256");
  Buf t;
  REQUIRE_OK(m2mauth_jwt_sign_json(t.out(), key.get(), R"({"password":"correct horse battery"})", nullptr));
  std::string tampered = t.str();
  tampered[tampered.size() - 10] = tampered[tampered.size() - 10] == 'A' ? 'B' : 'A';
  CHECK(capi::verify(key.get(), tampered, capi::all_algs()) == M2MAUTH_ESIGNATURE);
  CHECK_FALSE(message_has(tampered.substr(tampered.rfind('.') + 1)));
  CHECK_FALSE(message_has("correct horse"));
  CHECK(capi::verify(key.get(), tampered.substr(0, tampered.find('.')) + ".e30." + "%%%", capi::all_algs()) != M2MAUTH_OK);
  CHECK_FALSE(message_has("%%%"));
  // A claims value that does not parse.
  m2mauth_claims *c = nullptr;
  REQUIRE_OK(m2mauth_claims_new(&c));
  capi::ClaimsPtr cp(c);
  CHECK(m2mauth_claims_set_json(c, "x", "{\"secret-value-123\":") != M2MAUTH_OK);
  CHECK_FALSE(message_has("secret-value-123"));
}

TEST_CASE("versions and buffers") {
  CHECK(m2mauth_version_number() == M2MAUTH_VERSION_NUMBER);
  CHECK(std::string(m2mauth_version_string()) == M2MAUTH_VERSION_STRING);
  CHECK(M2MAUTH_VERSION_NUMBER == M2MAUTH_VERSION_MAJOR * 10000 + M2MAUTH_VERSION_MINOR * 100 + M2MAUTH_VERSION_PATCH);
  const std::string details = m2mauth_version_details();
  CHECK(details.find(M2MAUTH_VERSION_STRING) != std::string::npos);
  CHECK(details.find("OpenSSL 3.") != std::string::npos);
  CHECK(details.find("libcurl") != std::string::npos);
  // A buffer passed again is disposed first (no leak under ASan/valgrind); disposing twice is fine.
  Buf b;
  REQUIRE_OK(m2mauth_util_uuid_v4(b.out()));
  CHECK(b.b.size == 36);
  CHECK(b.b.ptr[36] == 0);
  const std::string first = b.str();
  REQUIRE_OK(m2mauth_util_uuid_v4(b.out()));
  CHECK(b.str() != first);
  m2mauth_buf_dispose(b.out());
  m2mauth_buf_dispose(b.out());
  CHECK(b.b.ptr == nullptr);
  CHECK(b.b.size == 0);
  CHECK(b.b.reserved == 0);
  // base64url round trip with every byte value, and constant-time comparison.
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  Buf enc, dec;
  REQUIRE_OK(m2mauth_util_base64url_encode(enc.out(), capi::bytes(all), all.size()));
  CHECK(enc.str() == m2mtest::base64url_encode(all));
  REQUIRE_OK(m2mauth_util_base64url_decode(dec.out(), enc.c_str()));
  CHECK(dec.str() == all);
  CHECK(m2mauth_util_constant_time_equal(capi::bytes(all), 256, capi::bytes(all), 256) == 1);
  CHECK(m2mauth_util_constant_time_equal(capi::bytes(all), 256, capi::bytes(all), 255) == 0);
  std::string other = all;
  other[200] ^= 1;
  CHECK(m2mauth_util_constant_time_equal(capi::bytes(all), 256, capi::bytes(other), 256) == 0);
  Buf r1, r2;
  REQUIRE_OK(m2mauth_util_random_bytes(r1.out(), 32));
  REQUIRE_OK(m2mauth_util_random_bytes(r2.out(), 32));
  CHECK(r1.b.size == 32);
  CHECK(r1.str() != r2.str());
}
