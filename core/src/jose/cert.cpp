// X.509 certificates.
#include "m2mauth/core/cert.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/random.hpp"
#include "base/os.hpp"
#include "base/ossl.hpp"

namespace m2mauth::core {

namespace {

constexpr std::size_t kMaxCertInput = 1u << 20;

std::shared_ptr<X509> share(ossl::X509Ptr x509) { return std::shared_ptr<X509>(x509.release(), X509_free); }

int no_passphrase(char *, int, int, void *) { return -1; }

void check_input_size(std::string_view data) {
  if (data.empty()) fail(Errc::invalid_argument, "certificate input is empty");
  if (data.size() > kMaxCertInput) fail(Errc::too_large, "certificate input over 1 MiB");
}

}  // namespace

std::string digest(HashAlg hash, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD *type = hash == HashAlg::sha1 ? ossl::sha1() : ossl::sha256();
  if (EVP_Digest(data.data(), data.size(), md, &len, type, nullptr) != 1) ossl::throw_error(Errc::generic, "digest failed");
  return std::string(reinterpret_cast<char *>(md), len);
}

Certificate Certificate::from_pem(std::string_view pem) {
  check_input_size(pem);
  ossl::Bio bio = ossl::mem_bio(pem.data(), pem.size());
  ossl::X509Ptr x509(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
  if (!x509) ossl::throw_error(Errc::key, "invalid certificate: no PEM certificate found");
  ossl::clear_errors();
  return Certificate(share(std::move(x509)));
}

Certificate Certificate::from_der(std::string_view der) {
  check_input_size(der);
  const auto *p = reinterpret_cast<const unsigned char *>(der.data());
  ossl::X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (x509 && p != reinterpret_cast<const unsigned char *>(der.data()) + der.size()) x509.reset();
  if (!x509) ossl::throw_error(Errc::key, "invalid certificate: not one DER certificate");
  ossl::clear_errors();
  return Certificate(share(std::move(x509)));
}

Certificate Certificate::load(std::string_view data) {
  check_input_size(data);
  return data.find("-----BEGIN ") != std::string_view::npos ? from_pem(data) : from_der(data);
}

Certificate Certificate::from_file(const std::string &path) {
  return load(read_regular_file(path, "certificate file", kMaxCertInput));
}

Certificate Certificate::self_signed(const Key &key, const std::string &common_name, unsigned int days) {
  if (key.type() == KeyType::oct) fail(Errc::key_type, "a certificate needs an asymmetric key");
  if (!key.has_private()) fail(Errc::no_private, "a self-signed certificate needs the private key");
  if (key.is_signer()) fail(Errc::unsupported, "a signer key cannot sign certificates");
  if (common_name.empty() || common_name.size() > 64) fail(Errc::invalid_argument, "common name must have 1 to 64 characters");
  if (days == 0 || days > 3650) fail(Errc::invalid_argument, "validity must be 1 to 3650 days");
  ossl::X509Ptr x509(X509_new());
  if (!x509) throw std::bad_alloc();
  X509_set_version(x509.get(), 2);
  std::string serial = random_bytes(16);
  serial[0] = static_cast<char>(serial[0] & 0x7f);
  ossl::BigNum bn(BN_bin2bn(reinterpret_cast<const unsigned char *>(serial.data()), 16, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x509.get()))) throw std::bad_alloc();
  X509_gmtime_adj(X509_getm_notBefore(x509.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(x509.get()), static_cast<long>(days) * 86400L);
  X509_NAME *name = X509_get_subject_name(x509.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char *>(common_name.c_str()), -1, -1, 0) != 1)
    ossl::throw_error(Errc::invalid_argument, "invalid common name");
  X509_set_issuer_name(x509.get(), name);
  X509_set_pubkey(x509.get(), key.evp());
  const EVP_MD *md = key.type() == KeyType::okp ? nullptr : ossl::sha256();
  if (X509_sign(x509.get(), key.evp(), md) <= 0) ossl::throw_error(Errc::generic, "cannot sign the certificate");
  return Certificate(share(std::move(x509)));
}

std::string Certificate::der() const {
  unsigned char *der = nullptr;
  int len = i2d_X509(x509_.get(), &der);
  if (len <= 0) ossl::throw_error(Errc::key, "cannot encode the certificate");
  std::string out(reinterpret_cast<char *>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string Certificate::pem() const {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio) throw std::bad_alloc();
  if (PEM_write_bio_X509(bio.get(), x509_.get()) != 1) ossl::throw_error(Errc::key, "cannot encode the certificate");
  return ossl::bio_string(bio.get());
}

std::string Certificate::fingerprint(HashAlg hash, FingerprintFormat format) const {
  if (hash != HashAlg::sha1 && hash != HashAlg::sha256) fail(Errc::invalid_argument, "hash must be SHA-1 or SHA-256");
  std::string md = digest(hash, der());
  const auto *p = reinterpret_cast<const std::uint8_t *>(md.data());
  switch (format) {
    case FingerprintFormat::hex_colons: return hex_encode(p, md.size(), true, ':');
    case FingerprintFormat::hex: return hex_encode(p, md.size(), false, 0);
    case FingerprintFormat::base64url: return base64url_encode(p, md.size());
  }
  fail(Errc::invalid_argument, "unknown fingerprint format");
}

Key Certificate::public_key() const {
  EVP_PKEY *pkey = X509_get_pubkey(x509_.get());
  if (pkey == nullptr) ossl::throw_error(Errc::key, "certificate has no usable public key");
  return Key::adopt(pkey, false);
}

std::string Certificate::subject() const {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio) throw std::bad_alloc();
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(x509_.get()), 0, XN_FLAG_RFC2253);
  return ossl::bio_string(bio.get());
}

std::int64_t Certificate::not_after() const {
  struct tm tm {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(x509_.get()), &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace m2mauth::core
