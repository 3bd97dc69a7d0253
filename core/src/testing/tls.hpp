// Internal: the test server's TLS: a self-signed certificate for 127.0.0.1 and localhost, the server
// context, and what a client certificate says (for tls_client_auth).
#pragma once

#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "m2mauth/core/key.hpp"

namespace m2mauth::core::testing {

struct TlsContext {
  std::shared_ptr<SSL_CTX> ctx;
  std::string cert_pem;
};

// A certificate for key (subject CN=m2mauth test server, subjectAltName IP:127.0.0.1 and DNS:localhost,
// valid for a day) and a TLS 1.2+ server context using it. With request_client_cert the server asks
// for a client certificate and accepts any (registrations decide, as RFC 8705 servers do).
TlsContext make_tls_context(const Key &key, bool request_client_cert);

// The peer's certificate: its RFC 2253 subject and SHA-256 thumbprint (base64url); false when none.
bool peer_certificate(SSL *ssl, std::string &subject, std::string &thumbprint);

}  // namespace m2mauth::core::testing
