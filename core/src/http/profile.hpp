// Internal: a validated HttpConfig ready for libcurl, and the choice of one for a URL.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "m2mauth/core/http.hpp"

namespace m2mauth::core::http {

// An immutable, validated configuration. Shared by the transfers that use it, so a pooled easy handle
// configured for one profile keeps it alive and can skip reconfiguration when it sees it again.
struct Profile {
  HttpConfig config;
  std::string user_agent_line;  // "User-Agent: " + the configured one or "m2mauth/<version>"
  bool cert_is_pem = false;  // client_cert holds PEM text, not a path
  bool key_is_pem = false;   // client_key holds PEM text, not a path
  bool key_is_pkcs11 = false;  // client_key is a pkcs11: URI: the TLS key stays in the token
  std::string pkcs11_key_uri;  // that URI as the engine reads it (no PIN, no module path)
};

// Validates config (Error(config) naming the field; never quoting PEM text or passphrases).
std::shared_ptr<const Profile> make_profile(HttpConfig config);

struct PrefixedProfile {
  std::string url_prefix;
  std::shared_ptr<const Profile> profile;
};

// The profile of the longest prefix that url starts with (scheme and host compared without case,
// the rest exactly; among equal prefixes the last one), or fallback when none matches.
const std::shared_ptr<const Profile> &choose_profile(const std::vector<PrefixedProfile> &overrides,
                                                     const std::shared_ptr<const Profile> &fallback,
                                                     std::string_view url);

// True if url starts with prefix, comparing "scheme://authority" case-insensitively.
bool url_has_prefix(std::string_view url, std::string_view prefix) noexcept;

}  // namespace m2mauth::core::http
