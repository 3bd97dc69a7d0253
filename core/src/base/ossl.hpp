// Internal: RAII holders for OpenSSL objects and OpenSSL error handling.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "m2mauth/core/error.hpp"

namespace m2mauth::core::ossl {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T *p) const noexcept {
    Fn(p);
  }
};

inline void openssl_free(void *p) noexcept { OPENSSL_free(p); }

using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BigNum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

// Clears OpenSSL's thread error queue and throws Error(code, message). OpenSSL's own reason strings
// are not appended: they can quote input bytes.
[[noreturn]] void throw_error(Errc code, const std::string &message);

// Drops anything OpenSSL queued on this thread.
void clear_errors() noexcept;

// A memory BIO reading from [data, data+len) without copying.
Bio mem_bio(const void *data, std::size_t len);
// Everything written to a memory BIO as a string.
std::string bio_string(BIO *bio);

// Digests fetched once per process (no implicit fetches on hot paths).
const EVP_MD *sha1();
const EVP_MD *sha256();
const EVP_MD *sha384();
const EVP_MD *sha512();

}  // namespace m2mauth::core::ossl
