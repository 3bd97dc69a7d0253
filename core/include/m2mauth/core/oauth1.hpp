// OAuth 1.0 request signing (RFC 5849): HMAC-SHA1, HMAC-SHA256, RSA-SHA1, RSA-SHA256 and PLAINTEXT,
// with the protocol parameters in the Authorization header, the query string or a form body.
//
// A signer is built once from an Oauth1Config and is then immutable: sign() may run on many threads
// at once. The HMAC key schedule is computed once per signer and its contexts are pooled; RSA
// operation contexts likewise. Secrets live in SecretString/SecretBytes and never reach a message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "m2mauth/core/clock.hpp"
#include "m2mauth/core/freeze.hpp"
#include "m2mauth/core/key.hpp"
#include "m2mauth/core/request.hpp"
#include "m2mauth/core/secret.hpp"

namespace m2mauth::core {

// Values equal the C API's m2mauth_oauth1_method.
enum class Oauth1Method { hmac_sha1 = 1, hmac_sha256 = 2, rsa_sha1 = 3, rsa_sha256 = 4, plaintext = 5 };
// Values equal the C API's m2mauth_oauth1_placement.
enum class Oauth1Placement { header = 1, query = 2, body = 3 };

// "HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "RSA-SHA256", "PLAINTEXT"; "" for anything else.
const char *oauth1_method_name(Oauth1Method method) noexcept;
// The method named exactly so; throws Error(Errc::algorithm) for other names.
Oauth1Method oauth1_method_from_name(std::string_view name);
// "header", "query", "body"; "" for anything else.
const char *oauth1_placement_name(Oauth1Placement placement) noexcept;
// Values given as numbers (C API, bindings): Error(algorithm) / Error(invalid_argument) for unknown ones.
Oauth1Method oauth1_method_from_int(int method);
Oauth1Placement oauth1_placement_from_int(int placement);

struct Oauth1Config {
  std::string consumer_key;                  // oauth_consumer_key, required
  SecretString consumer_secret;              // may be empty
  std::optional<std::string> token;          // oauth_token; none for two-legged requests
  SecretString token_secret;                 // may be empty
  std::optional<Key> rsa_key;                // RSA private key for RSA-SHA1 / RSA-SHA256
  Oauth1Method method = Oauth1Method::hmac_sha1;
  Oauth1Placement placement = Oauth1Placement::header;
  std::optional<std::string> realm;          // header only, never in the base string
  bool include_version = true;               // oauth_version="1.0"
  std::optional<std::string> callback;       // oauth_callback
  std::optional<std::string> verifier;       // oauth_verifier
  std::vector<Header> extra_params;          // more oauth_* protocol parameters, in this order
  Clock clock;                               // empty: the system clock
  std::optional<std::string> fixed_nonce;    // tests: this nonce instead of a random one
  std::optional<std::int64_t> fixed_timestamp;  // tests: this timestamp (Unix seconds)
  // oauth_body_hash (the OAuth Request Body Hash draft, as oauthlib sends it): when on, a request
  // with a non-empty body and a Content-Type that is not application/x-www-form-urlencoded is signed
  // with oauth_body_hash = base64(SHA-1(body)) among its protocol parameters. An extra parameter of
  // that name is refused then.
  bool body_hash = false;
};

// The intermediate artefacts of one signature (RFC 5849 section 3.4), for tests and diagnostics.
struct Oauth1Steps {
  std::string base_string_uri;        // section 3.4.1.2
  std::string normalized_parameters;  // section 3.4.1.3.2
  std::string base_string;            // section 3.4.1.1
  std::string signature;              // oauth_signature before percent-encoding (base64, or the PLAINTEXT key)
  Request signed_request;             // the request as sign() leaves it
};

class Oauth1Signer {
 public:
  struct Impl;

  // Checks and precomputes everything that does not change between requests. Throws
  // Error(invalid_argument) for bad values and Error(key_type / no_private) for an unusable RSA key.
  // A missing RSA key for an RSA method is reported by sign() (Errc::config), so that options may be
  // given in any order.
  explicit Oauth1Signer(Oauth1Config config);

  // Signs req in place with a fresh nonce and the clock's time (or the fixed ones): sets the
  // Authorization header, or appends the protocol parameters to the URL's query or to the form body.
  void sign(Request &req) const;
  // The same with a given nonce and timestamp (Unix seconds).
  void sign(Request &req, std::string_view nonce, std::int64_t timestamp) const;

  // RFC 5849 section 3.4.1.1 signature base string for req as sign() would compute it.
  std::string base_string(const Request &req, std::string_view nonce, std::int64_t timestamp) const;
  // Every step of one signature.
  Oauth1Steps steps(const Request &req, std::string_view nonce, std::int64_t timestamp) const;

  // A nonce as sign() uses: the fixed one, or 26 characters [a-z2-7] carrying 130 random bits.
  std::string nonce() const;
  // The timestamp sign() uses: the fixed one, or the clock's time in seconds.
  std::int64_t timestamp() const;

  const Oauth1Config &config() const noexcept;
  // Throws Error(config) when the method lacks what signing needs (an RSA key).
  void check_ready() const;

 private:
  std::shared_ptr<const Impl> impl_;
};

// Configures an Oauth1Signer, then freezes it: the first signature (sign, base_string, steps) through
// signer() (core::FreezeGate, "OAuth 1.0 signer"). Every setter rebuilds the signer from the changed
// configuration, so a bad value is refused when it is given; once frozen a setter throws Error(state)
// "OAuth 1.0 signer: <setter> after first use". Setters and signer() may be called from any thread.
class Oauth1SignerBuilder {
 public:
  explicit Oauth1SignerBuilder(std::string consumer_key);
  explicit Oauth1SignerBuilder(Oauth1Config config) : signer_(std::move(config)) {}

  void set_consumer_secret(SecretString secret);
  void set_token(std::optional<std::string> token, SecretString token_secret);
  void set_rsa_key(std::optional<Key> key);
  void set_method(Oauth1Method method);
  void set_placement(Oauth1Placement placement);
  void set_realm(std::optional<std::string> realm);
  void set_include_version(bool include);
  void set_callback(std::optional<std::string> callback);
  void set_verifier(std::optional<std::string> verifier);
  void add_param(std::string name, std::string value);
  void clear_params();
  void set_clock(Clock clock);
  void set_fixed_nonce(std::optional<std::string> nonce);
  void set_fixed_timestamp(std::optional<std::int64_t> unix_seconds);
  void set_body_hash(bool on);

  // The signer for signing, frozen by the first call that finds it ready (one atomic load afterwards);
  // Error(config) for an RSA method without a key leaves the builder open.
  const Oauth1Signer &signer() {
    gate_.freeze([&] { signer_.check_ready(); });
    return signer_;
  }
  // The signer for the diagnostic functions (base string, steps), frozen the same way without the
  // readiness check.
  const Oauth1Signer &diagnostics() {
    gate_.freeze([] {});
    return signer_;
  }
  bool frozen() const noexcept { return gate_.frozen(); }

 private:
  template <typename F>
  void configure(const char *setter, F &&change);

  FreezeGate gate_{"OAuth 1.0 signer"};
  Oauth1Signer signer_;
};

// ---- RFC 5849 section 3.4.1 building blocks (also used by verifiers and tests) --------------------

// Section 3.4.1.2: scheme and host lower-cased, default port dropped, path as is ("/" when empty), no
// query or fragment. Throws Error(invalid_argument) for a URL that is not absolute http(s).
std::string oauth1_base_string_uri(std::string_view url);

// True when the request's Content-Type is application/x-www-form-urlencoded (parameters such as
// charset ignored, case-insensitive), i.e. when its body takes part in the signature.
bool oauth1_has_form_body(const Request &req);

// The oauth_body_hash a signer with body_hash on adds to req: base64(SHA-1(body)) for a non-empty body
// whose Content-Type is present and not form-encoded; nullopt otherwise.
std::optional<std::string> oauth1_body_hash(const Request &req);

// Section 3.4.1.3.2 over pairs that are not yet encoded: each name and value percent-encoded
// (RFC 3986), sorted by name then value, joined with "=" and "&".
std::string oauth1_normalize_parameters(const std::vector<Header> &pairs);

}  // namespace m2mauth::core
