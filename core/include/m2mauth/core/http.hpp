// HTTP transports. Signers and token clients build a Request; a Transport sends it. libcurl is one
// transport (CurlTransport); applications may bring their own (CallbackTransport in the C API).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "m2mauth/core/cancel.hpp"
#include "m2mauth/core/request.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

// Transport settings. One configuration serves the token endpoint and the API alike; overrides
// (HttpOverride) change settings for URLs under a prefix.
struct HttpConfig {
  bool verify_peer = true;        // TLS certificate and host name verification
  std::string ca_file;            // CA bundle (PEM); empty = the system default
  std::string ca_dir;             // hashed CA directory; empty = the system default
  std::string client_cert;        // mTLS: a path, or PEM text ("-----BEGIN ...")
  std::string client_key;         // mTLS: a path, or PEM text; empty = in client_cert
  SecretString client_key_passphrase;
  std::string client_cert_type = "PEM";  // "PEM" or "P12" (PKCS#12: client_cert is the file)
  std::string proxy;              // e.g. "http://proxy:3128"; empty = none (libcurl env vars ignored)
  std::int64_t connect_timeout_ms = 10000;  // 0 = libcurl's default (300 s)
  std::int64_t timeout_ms = 30000;          // whole transfer; 0 = no limit
  std::size_t max_response_bytes = 4u << 20;  // body; 0 = no limit
  bool allow_plain_http = false;  // plain http:// to hosts that are not loopback (never the default)
  std::string user_agent;         // empty = "m2mauth/<version>"

  // Throws Error(invalid_argument) naming the field for a value out of range: timeouts 0 to
  // kMaxOptionMs, max_response_bytes 0 to kMaxResponseBytes.
  void validate() const;
  // The effective settings as compact JSON with the C struct's member names; secrets (the key
  // passphrase, PEM text, proxy credentials) appear as "<redacted>". Validates first.
  std::string describe() const;
};

// Upper bounds of option values (durations in milliseconds; one day, as in the configuration file).
inline constexpr std::int64_t kMaxOptionMs = 24LL * 3600 * 1000;
inline constexpr std::size_t kMaxResponseBytes = std::size_t{1} << 30;  // 1 GiB

struct HttpOverride {
  std::string url_prefix;  // e.g. "https://auth.example.com/"
  HttpConfig config;
};

// Per-call settings the caller may tighten.
struct CallOptions {
  std::int64_t timeout_ms = 0;         // 0 = the configuration's
  // Absolute Unix ms by the clock of the object called (the system clock for a transport); 0 = none.
  // Whoever owns that clock folds it into timeout_ms (with_deadline) before the transport sees it.
  std::int64_t deadline_ms = 0;
  std::size_t max_response_bytes = 0;  // 0 = the configuration's
  // Set by a caller that wants to give up early: the transfer in progress is stopped at once
  // (Error(cancelled)). Not owned; must outlive the call.
  const Cancel *cancel = nullptr;
};

// options with deadline_ms folded into timeout_ms given the current time (same clock), deadline_ms
// cleared. Throws Error(timeout) when the deadline has passed, Error(cancelled) when cancelled.
CallOptions with_deadline(const CallOptions &options, std::int64_t now_ms);

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends req and returns the response (any status). Redirects are never followed. Throws Error:
  // insecure (plain http to a non-loopback host), network, timeout, tls, too_large, cancelled.
  virtual Response send(const Request &req, const CallOptions &options = {}) = 0;
};

// libcurl: TLS verification on by default, connection reuse across requests and threads, HTTP/2
// where the server offers it, no redirects, bounded response size. Thread-safe.
// Throws Error(config) for an invalid configuration (bad client_cert_type, unreadable files, ...).
std::shared_ptr<Transport> make_curl_transport(HttpConfig config, std::vector<HttpOverride> overrides = {});

// Adds (or, for the same prefix, replaces) an override of a transport made by make_curl_transport,
// before its first send: the first send freezes the transport (core::FreezeGate's model), and an
// override after it throws Error(state) "HTTP transport: add_override after first use". Throws
// Error(state) for any other transport, Error(config) for a prefix that is not http:// or https://
// or an invalid configuration.
void add_http_override(Transport &transport, HttpOverride override);

// Refuses plain http:// to a host that is not loopback unless allowed. Throws Error(insecure).
void check_url_security(const std::string &url, bool allow_plain_http);

}  // namespace m2mauth::core
