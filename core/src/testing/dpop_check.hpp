// Internal: the test server's check of the DPoP proof of a token request (RFC 9449 section 4.3), with
// the core's JWS and JWK pieces, and the bounded set of proof jti values it has seen.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "testing/wire.hpp"

namespace m2mauth::core::testing {

// A proof the token endpoint refuses: answered with status and the OAuth error (400
// "invalid_dpop_proof", 400 "use_dpop_nonce" or 503 "temporarily_unavailable") and a fixed description
// (never the proof's own bytes).
struct DpopRefusal {
  int status;
  const char *error;
  const char *description;
};

// The jti values of accepted proofs, each kept until no proof with its iat would be accepted any more.
// Bounded: when full of live entries, new proofs are refused (503) rather than the set growing.
class ProofJtis {
 public:
  static constexpr std::size_t kMax = 100000;
  // False when key was seen before (a replay); throws DpopRefusal when the set is full.
  bool insert(const std::string &key, std::int64_t keep_until_s, std::int64_t now_s);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::int64_t> seen_;
};

struct DpopPolicy {
  std::string token_url;      // the htu every proof must name (compared after RFC 9449 normalisation)
  std::int64_t now_s = 0;     // the server's clock
  std::int64_t window_s = 60;  // |iat - now| must be at most this
  std::string nonce;          // "" = no nonce asked for; otherwise the proof's "nonce" must equal it
};

// The RFC 7638 thumbprint of the key of req's DPoP proof, or "" when req carries no DPoP header (a
// Bearer request). Throws DpopRefusal for anything an RFC 9449 authorization server would refuse:
// more than one DPoP header, not a compact JWS, typ not dpop+jwt, an alg that is not asymmetric, a jwk
// missing, private or unusable, a bad signature, htm not POST, htu not the token endpoint, iat outside
// the window, jti missing or seen before, a missing or stale nonce when one is asked for.
std::string check_dpop_proof(const WireRequest &req, const DpopPolicy &policy, ProofJtis &jtis);

}  // namespace m2mauth::core::testing
