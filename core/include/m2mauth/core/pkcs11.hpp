// PKCS#11 keys by RFC 7512 URI, through OpenSSL's pkcs11 engine (libp11; Debian's
// libengine-pkcs11-openssl). The private key never leaves the token: OpenSSL asks the module to sign.
#pragma once

#include <string>
#include <string_view>

#include "m2mauth/core/key.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

// True for text that names a PKCS#11 object ("pkcs11:" in any case).
bool is_pkcs11_uri(std::string_view text) noexcept;

// A PKCS#11 URI taken apart: what the engine reads, and the secrets and settings m2mauth keeps apart.
struct Pkcs11Uri {
  std::string engine_uri;  // the URI without pin-value, pin-source and module-path
  SecretString pin;        // pin-value (path or query attribute), or the PIN given separately
  std::string module;      // module-path, or M2MAUTH_PKCS11_MODULE; empty: the engine's default (p11-kit)
};

// Parses uri; pin (may be null) overrides a pin-value in the URI; without either the environment's
// M2MAUTH_PKCS11_PIN is used. Throws Errc::invalid_argument for text that is not a pkcs11: URI.
Pkcs11Uri parse_pkcs11_uri(std::string_view uri, const char *pin);

// The URI with the value of pin-value replaced by "<redacted>": safe for messages and descriptions.
std::string pkcs11_uri_redacted(std::string_view uri);

// The process's pkcs11 engine, set up for uri's module and PIN, and registered with OpenSSL's engine
// list so that libcurl's ENGINE_by_id("pkcs11") finds the same one. One module per process: another
// module later is Errc::unsupported. Throws Errc::unsupported when the engine is not installed.
void pkcs11_prepare_engine(const Pkcs11Uri &uri);

// The private key the URI names (RSA, EC P-256/384/521), held by the token. Signing goes through the
// module on every call; the key's public part is read once.
Key key_from_pkcs11(std::string_view uri, const char *pin);

}  // namespace m2mauth::core
