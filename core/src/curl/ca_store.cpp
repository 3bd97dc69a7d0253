// The trust anchors of HTTPS when the caller names none: see ca_store.hpp.
#include "curl/ca_store.hpp"

#include <sys/stat.h>

#include <cstdlib>

namespace m2mauth::core::curl {

const char *const kSystemCaFiles[5] = {
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
};

namespace {

bool set(const char *s) noexcept { return s != nullptr && *s != '\0'; }

bool regular_file(const std::string &path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

CaLocations choose_ca_locations(const char *env_file, const char *env_dir, const char *builtin_file,
                                const std::function<bool(const std::string &)> &is_file) {
  CaLocations out;
  if (set(env_dir)) out.dir = env_dir;
  if (set(env_file)) {
    out.file = env_file;
    return out;
  }
  if (set(builtin_file) && is_file(builtin_file)) return out;
  for (const char *candidate : kSystemCaFiles) {
    if (is_file(candidate)) {
      out.file = candidate;
      return out;
    }
  }
  return out;
}

const CaLocations &system_ca_locations(CURL *e) {
  static const CaLocations chosen = [e] {
    char *builtin = nullptr;
#if LIBCURL_VERSION_NUM >= 0x075400  // CURLINFO_CAINFO: libcurl 7.84
    if (curl_easy_getinfo(e, CURLINFO_CAINFO, &builtin) != CURLE_OK) builtin = nullptr;
#else
    (void)e;
#endif
    return choose_ca_locations(std::getenv("SSL_CERT_FILE"), std::getenv("SSL_CERT_DIR"), builtin, regular_file);
  }();
  return chosen;
}

}  // namespace m2mauth::core::curl
