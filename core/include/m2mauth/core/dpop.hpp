// DPoP (RFC 9449): proofs of possession of a key, sent with token requests and with every request
// that uses a DPoP-bound token, and the server nonces (section 8) remembered per origin.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/key.hpp"
#include "m2mauth/core/request.hpp"

namespace m2mauth::core {

// The "htu" of a proof for url (RFC 9449 section 4.3): scheme and host lower-cased, the default port
// removed, no query and no fragment. Throws Error(invalid_argument) for anything but an absolute
// http(s) URL.
std::string dpop_htu(std::string_view url);

// The origin a nonce belongs to: "scheme://host[:port]" as dpop_htu writes it.
std::string dpop_origin(std::string_view url);

// base64url(SHA-256(access token)): the "ath" claim (RFC 9449 section 4.2).
std::string dpop_ath(std::string_view access_token);

// True when resp asks for a (new) nonce: a 400 with the JSON error "use_dpop_nonce" from a token
// endpoint (RFC 9449 section 8), or a 401 whose WWW-Authenticate DPoP challenge has
// error="use_dpop_nonce" from a resource server (section 9).
bool dpop_nonce_challenge(const Response &resp);


// A DPoP key: the private key, the algorithm, the public JWK (no private member) and its RFC 7638
// thumbprint, and the newest nonce of each origin it has talked to. Thread-safe.
class Dpop {
 public:
  // Nonces of at most this many origins are kept (the oldest is forgotten first).
  static constexpr std::size_t kMaxOrigins = 64;
  // A nonce longer than this is ignored (a hostile server cannot grow every proof without bound).
  static constexpr std::size_t kMaxNonce = 1024;

  // key: a private EC (P-256, P-384, P-521), Ed25519 or RSA key. alg: an Alg value, 0 for the key's
  // default (ES256 for P-256, EdDSA for Ed25519, RS256 for RSA). Throws Error(key_type) for an HMAC
  // key or an alg that does not fit the key (HMAC algorithms are refused: a proof must be verifiable
  // with the public key it carries), Error(no_private) for a public key.
  explicit Dpop(const Key &key, int alg = 0);
  ~Dpop();
  Dpop(const Dpop &) = delete;
  Dpop &operator=(const Dpop &) = delete;
  // A fresh EC P-256 key.
  static std::shared_ptr<Dpop> generate();

  Alg alg() const noexcept { return alg_; }
  const Key &key() const noexcept { return key_; }
  // The RFC 7638 SHA-256 thumbprint of the public key, base64url (cnf.jkt of bound tokens).
  const std::string &thumbprint() const noexcept { return thumbprint_; }
  // The public JWK of the proofs' "jwk" header member.
  const std::string &public_jwk() const noexcept { return jwk_; }

  // A proof for one request. method: the HTTP method as sent; url: the request URL (query and
  // fragment are dropped); access_token: not empty on a resource request (adds "ath"); nonce: the
  // value to send, nullptr for the one remembered for url's origin (none if there is none); iat_s:
  // the issue time, Unix seconds. A fresh 128-bit random jti every time.
  std::string proof(std::string_view method, std::string_view url, std::string_view access_token,
                    const std::string *nonce, std::int64_t iat_s) const;

  // Remembers nonce as the newest of url's origin (ignored when empty, too long or not a visible
  // ASCII string: RFC 9449 section 8.1's nonce syntax). Returns true when it changed.
  bool remember_nonce(std::string_view url, std::string_view nonce);
  // The DPoP-Nonce header of resp, remembered for url's origin (true when it changed).
  bool observe(std::string_view url, const Response &resp);
  // The newest nonce of url's origin, or "".
  std::string nonce_for(std::string_view url) const;
  // After a response to a request for url that carried a proof: observes resp's DPoP-Nonce and
  // returns true when resp is a nonce challenge (dpop_nonce_challenge) that a new proof can answer,
  // i.e. a nonce is remembered for url's origin. The one rule the token client, the token manager and
  // the C API's m2mauth_dpop_observe follow (callers bound the retries).
  bool nonce_retry(std::string_view url, const Response &resp);

 private:
  Key key_;
  Alg alg_;
  std::string jwk_;
  std::string thumbprint_;
  std::string header_b64_;  // the protected header, the same for every proof
  mutable std::mutex mu_;
  struct Remembered {
    std::string nonce;       // the origin's newest nonce
    std::uint64_t set_at;    // tick_ when last set (eviction order)
  };
  std::map<std::string, Remembered, std::less<>> nonces_;  // by origin
  std::uint64_t tick_ = 0;
};

}  // namespace m2mauth::core
