// Internal: what libcurl does not report about a TLS handshake.
#pragma once

#include "curl/pool.hpp"

namespace m2mauth::core::curl {

// For a profile without a client certificate: sets h.client_cert_requested when a server asks for one
// during a handshake on h (OpenSSL's client certificate callback, hooked through
// CURLOPT_SSL_CTX_FUNCTION; a libcurl on another TLS library simply never sets it). With TLS 1.3 the
// server's refusal arrives after the client's side of the handshake and often races with the server
// closing the socket, which libcurl reports as a send or receive error; this note lets that failure be
// reported as what it is (Errc::tls) instead of a transient network error.
void watch_client_cert_requests(PooledEasy &h);

}  // namespace m2mauth::core::curl
