// Validation of HttpConfig and the choice of an override by URL prefix.
#include "http/profile.hpp"

#include <cctype>

#include "base/os.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/pkcs11.hpp"

#ifndef M2MAUTH_CORE_VERSION  // set from the project version by core/CMakeLists.txt
#error "M2MAUTH_CORE_VERSION is not defined"
#endif

namespace m2mauth::core::http {

namespace {

bool is_pem_text(const std::string &s) noexcept { return s.find("-----BEGIN ") != std::string::npos; }

bool upper_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

void check_no_controls(const std::string &s, const char *field) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      fail(Errc::config, std::string("HTTP configuration: ") + field + " contains control characters");
}

// libcurl reads these files itself, so they are only opened and checked here: a regular file (or a
// symlink to one) of at most max bytes; a FIFO, directory, device or socket is refused at once.
constexpr std::size_t kMaxCaFile = std::size_t{16} << 20;  // a CA bundle (Debian's is 0.2 MiB)

void check_readable(const std::string &path, const char *field, std::size_t max = kMaxFileInput) {
  if (path.empty()) return;
  try {
    check_regular_file(path, field, max);
  } catch (const Error &e) {
    fail(Errc::config, std::string("HTTP configuration: ") + e.what());
  }
}

}  // namespace

std::shared_ptr<const Profile> make_profile(HttpConfig config) {
  auto p = std::make_shared<Profile>();
  HttpConfig &c = config;
  c.validate();
  if (upper_equal(c.client_cert_type, "PEM") || c.client_cert_type.empty()) c.client_cert_type = "PEM";
  else if (upper_equal(c.client_cert_type, "P12")) c.client_cert_type = "P12";
  else fail(Errc::config, "HTTP configuration: client_cert_type must be \"PEM\" or \"P12\"");
  if (!c.client_key.empty() && c.client_cert.empty())
    fail(Errc::config, "HTTP configuration: client_key given without client_cert");
  p->cert_is_pem = is_pem_text(c.client_cert);
  p->key_is_pem = is_pem_text(c.client_key);
  p->key_is_pkcs11 = !p->key_is_pem && is_pkcs11_uri(c.client_key);
  if (p->key_is_pkcs11) {
    if (c.client_cert_type != "PEM") fail(Errc::config, "HTTP configuration: a PKCS#11 client_key needs a PEM client_cert");
    Pkcs11Uri uri = parse_pkcs11_uri(c.client_key, c.client_key_passphrase.empty() ? nullptr : c.client_key_passphrase.c_str());
    pkcs11_prepare_engine(uri);  // libcurl loads the key through this engine, with this PIN
    p->pkcs11_key_uri = uri.engine_uri;
  }
  if (c.client_cert_type == "P12") {
    if (p->cert_is_pem) fail(Errc::config, "HTTP configuration: a PKCS#12 client_cert must be a file path");
    if (!c.client_key.empty()) fail(Errc::config, "HTTP configuration: a PKCS#12 file holds the key; leave client_key empty");
  }
  if (!p->cert_is_pem) check_no_controls(c.client_cert, "client_cert");
  if (!p->key_is_pem && !p->key_is_pkcs11) check_no_controls(c.client_key, "client_key");
  if (!p->cert_is_pem) check_readable(c.client_cert, "client_cert");
  if (!p->key_is_pem && !p->key_is_pkcs11) check_readable(c.client_key, "client_key");
  check_readable(c.ca_file, "ca_file", kMaxCaFile);
  check_no_controls(c.ca_file, "ca_file");
  check_no_controls(c.ca_dir, "ca_dir");
  check_no_controls(c.proxy, "proxy");
  check_no_controls(c.user_agent, "user_agent");
  p->user_agent_line = "User-Agent: " + (c.user_agent.empty() ? std::string("m2mauth/") + M2MAUTH_CORE_VERSION : c.user_agent);
  p->config = std::move(config);
  return p;
}

bool url_has_prefix(std::string_view url, std::string_view prefix) noexcept {
  if (prefix.size() > url.size()) return false;
  // Scheme and authority are case-insensitive; the path and query are not.
  std::size_t authority_end = prefix.size();
  std::size_t sep = prefix.find("://");
  if (sep != std::string_view::npos) {
    std::size_t slash = prefix.find_first_of("/?#", sep + 3);
    if (slash != std::string_view::npos) authority_end = slash;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = url[i], b = prefix[i];
    if (i < authority_end) {
      a = static_cast<char>(std::tolower(static_cast<unsigned char>(a)));
      b = static_cast<char>(std::tolower(static_cast<unsigned char>(b)));
    }
    if (a != b) return false;
  }
  return true;
}

const std::shared_ptr<const Profile> &choose_profile(const std::vector<PrefixedProfile> &overrides,
                                                     const std::shared_ptr<const Profile> &fallback,
                                                     std::string_view url) {
  const PrefixedProfile *best = nullptr;
  for (const auto &o : overrides)
    if ((best == nullptr || o.url_prefix.size() >= best->url_prefix.size()) && url_has_prefix(url, o.url_prefix)) best = &o;
  return best != nullptr ? best->profile : fallback;
}

}  // namespace m2mauth::core::http
