#include "base/ossl.hpp"

#include <openssl/err.h>

namespace m2mauth::core::ossl {

void clear_errors() noexcept { ERR_clear_error(); }

void throw_error(Errc code, const std::string &message) {
  ERR_clear_error();
  throw Error(code, message);
}

Bio mem_bio(const void *data, std::size_t len) {
  if (len > static_cast<std::size_t>(INT32_MAX)) throw_error(Errc::too_large, "input too large");
  Bio bio(BIO_new_mem_buf(data, static_cast<int>(len)));
  if (!bio) throw std::bad_alloc();
  return bio;
}

std::string bio_string(BIO *bio) {
  char *data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

namespace {
const EVP_MD *fetch(const char *name) {
  EVP_MD *md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) fail(Errc::unsupported, std::string("digest unavailable: ") + name);
  return md;  // kept for the life of the process
}
}  // namespace

const EVP_MD *sha1() {
  static const EVP_MD *md = fetch("SHA1");
  return md;
}
const EVP_MD *sha256() {
  static const EVP_MD *md = fetch("SHA256");
  return md;
}
const EVP_MD *sha384() {
  static const EVP_MD *md = fetch("SHA384");
  return md;
}
const EVP_MD *sha512() {
  static const EVP_MD *md = fetch("SHA512");
  return md;
}

}  // namespace m2mauth::core::ossl
