// Version queries, buffers and argument helpers.
#include <openssl/crypto.h>
#include <curl/curl.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "guard.hpp"
#include "m2mauth/core/version.hpp"
#include "m2mauth/m2mauth.h"

namespace m2mauth::capi {

std::string_view need_text(const char *s, const char *name) {
  if (s == nullptr) throw core::Error(core::Errc::invalid_argument, std::string(name) + " is NULL");
  return std::string_view(s);
}

std::string_view need_bytes(const std::uint8_t *p, std::size_t len, const char *name) {
  if (p == nullptr && len > 0) throw core::Error(core::Errc::invalid_argument, std::string(name) + " is NULL");
  return std::string_view(reinterpret_cast<const char *>(p), p == nullptr ? 0 : len);
}

void reset(m2mauth_buf *out) noexcept {
  if (out != nullptr) m2mauth_buf_dispose(out);
}

void fill(m2mauth_buf *out, std::string_view data) {
  need(out, "out");
  m2mauth_buf_dispose(out);
  auto *p = static_cast<std::uint8_t *>(std::malloc(data.size() + 1));
  if (p == nullptr) throw std::bad_alloc();
  if (!data.empty()) std::memcpy(p, data.data(), data.size());
  p[data.size()] = 0;
  out->ptr = p;
  out->size = data.size();
  out->reserved = data.size() + 1;
}

}  // namespace m2mauth::capi

extern "C" {

int m2mauth_version_number(void) { return M2MAUTH_VERSION_NUMBER; }

int m2mauth_version_compatible(int compiled) {
  return m2mauth::core::version_compatible(compiled, M2MAUTH_VERSION_NUMBER) ? 1 : 0;
}

const char *m2mauth_version_string(void) { return M2MAUTH_VERSION_STRING; }

const char *m2mauth_version_details(void) {
  static const std::string details = std::string("m2mauth ") + M2MAUTH_VERSION_STRING + " (" +
                                     OpenSSL_version(OPENSSL_VERSION) + "; " + curl_version() + ")";
  return details.c_str();
}

void m2mauth_buf_dispose(m2mauth_buf *buf) {
  if (buf == nullptr) return;
  if (buf->ptr != nullptr) {
    OPENSSL_cleanse(buf->ptr, buf->reserved > buf->size ? buf->reserved : buf->size);
    std::free(buf->ptr);
  }
  buf->ptr = nullptr;
  buf->size = 0;
  buf->reserved = 0;
}

}  // extern "C"
