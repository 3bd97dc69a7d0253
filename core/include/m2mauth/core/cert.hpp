// X.509 certificates: loading, fingerprints, the public key, self-signed certificates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "m2mauth/core/key.hpp"

struct x509_st;  // OpenSSL's X509

namespace m2mauth::core {

enum class HashAlg { sha1 = 1, sha256 = 2 };
enum class FingerprintFormat { hex_colons = 1, hex = 2, base64url = 3 };

class Certificate {
 public:
  // The first certificate of PEM text.
  static Certificate from_pem(std::string_view pem);
  // A DER certificate, with nothing after it.
  static Certificate from_der(std::string_view der);
  // from_pem when data holds a PEM boundary ("-----BEGIN "), else from_der (files, configuration).
  static Certificate load(std::string_view data);
  static Certificate from_file(const std::string &path);
  static Certificate self_signed(const Key &key, const std::string &common_name, unsigned int days);

  std::string der() const;
  std::string pem() const;
  std::string fingerprint(HashAlg hash, FingerprintFormat format) const;
  Key public_key() const;
  std::string subject() const;
  std::int64_t not_after() const;
  x509_st *x509() const noexcept { return x509_.get(); }

 private:
  explicit Certificate(std::shared_ptr<x509_st> x509) : x509_(std::move(x509)) {}
  std::shared_ptr<x509_st> x509_;
};

// Hash of data with SHA-1 or SHA-256.
std::string digest(HashAlg hash, std::string_view data);

}  // namespace m2mauth::core
