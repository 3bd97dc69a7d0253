// C API: X.509 certificates.
#include "guard.hpp"
#include "handles.hpp"

using namespace m2mauth;
using core::Certificate;

namespace {

template <typename F>
m2mauth_status make_cert(m2mauth_cert **out, F &&make) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new m2mauth_cert{make()};
  });
}

}  // namespace

extern "C" {

m2mauth_status m2mauth_cert_from_pem(m2mauth_cert **out, const uint8_t *pem, size_t len) {
  return make_cert(out, [&] { return Certificate::from_pem(capi::need_bytes(pem, len, "pem")); });
}

m2mauth_status m2mauth_cert_from_der(m2mauth_cert **out, const uint8_t *der, size_t len) {
  return make_cert(out, [&] { return Certificate::from_der(capi::need_bytes(der, len, "der")); });
}

m2mauth_status m2mauth_cert_from_file(m2mauth_cert **out, const char *path) {
  return make_cert(out, [&] { return Certificate::from_file(std::string(capi::need_text(path, "path"))); });
}

void m2mauth_cert_free(m2mauth_cert *cert) { delete cert; }

m2mauth_status m2mauth_cert_fingerprint(m2mauth_buf *out, const m2mauth_cert *cert, int hash, int format) {
  capi::reset(out);
  return capi::guard([&] {
    if (hash != M2MAUTH_HASH_SHA1 && hash != M2MAUTH_HASH_SHA256)
      throw core::Error(core::Errc::invalid_argument, "hash must be M2MAUTH_HASH_SHA1 or M2MAUTH_HASH_SHA256");
    if (format < M2MAUTH_FP_HEX_COLONS || format > M2MAUTH_FP_BASE64URL)
      throw core::Error(core::Errc::invalid_argument, "unknown fingerprint format");
    capi::fill(out, capi::need(cert, "cert")->cert.fingerprint(static_cast<core::HashAlg>(hash),
                                                                static_cast<core::FingerprintFormat>(format)));
  });
}

m2mauth_status m2mauth_cert_public_key(m2mauth_key **out, const m2mauth_cert *cert) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new m2mauth_key{capi::need(cert, "cert")->cert.public_key()};
  });
}

m2mauth_status m2mauth_cert_der(m2mauth_buf *out, const m2mauth_cert *cert) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, capi::need(cert, "cert")->cert.der()); });
}

m2mauth_status m2mauth_cert_pem(m2mauth_buf *out, const m2mauth_cert *cert) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, capi::need(cert, "cert")->cert.pem()); });
}

m2mauth_status m2mauth_cert_subject(m2mauth_buf *out, const m2mauth_cert *cert) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, capi::need(cert, "cert")->cert.subject()); });
}

int64_t m2mauth_cert_not_after(const m2mauth_cert *cert) { return cert == nullptr ? 0 : cert->cert.not_after(); }

m2mauth_status m2mauth_cert_self_signed(m2mauth_cert **out, const m2mauth_key *key, const char *common_name,
                                        unsigned int days) {
  return make_cert(out, [&] {
    return Certificate::self_signed(capi::need(key, "key")->key,
                                    std::string(capi::need_text(common_name, "common_name")), days);
  });
}

}  // extern "C"
