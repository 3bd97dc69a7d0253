// The test server's DPoP proof check (RFC 9449 section 4.3): the proof is parsed and verified with the
// core's JWS, JWK and thumbprint functions; every refusal carries fixed text.
#include "testing/dpop_check.hpp"

#include <openssl/err.h>

#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jws.hpp"

namespace m2mauth::core::testing {

namespace {

// A proof carries one public key and a few short claims: RSA-4096 keeps it under 2 KiB.
constexpr std::size_t kMaxProof = 8 * 1024;
constexpr std::size_t kMaxJti = 256;

constexpr std::uint32_t kAsymmetric = alg_all_bits & ~(alg_bit(Alg::hs256) | alg_bit(Alg::hs384) | alg_bit(Alg::hs512));

[[noreturn]] void refuse(const char *description) { throw DpopRefusal{400, "invalid_dpop_proof", description}; }

// RFC 7517/7518 private members of any key type ("k": an oct key is a secret itself).
bool has_private_member(const cJSON *jwk) {
  for (const char *name : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
    if (json_get(jwk, name) != nullptr) return true;
  return false;
}

// The proof's public key from its "jwk" header member.
Key proof_key(const std::string &header_json) {
  Json header;
  try {
    header = json_parse_object(header_json, "DPoP proof header");
  } catch (const Error &) {
    refuse("the DPoP proof header is not a JSON object");
  }
  const cJSON *jwk = json_get(header.get(), "jwk");
  if (jwk == nullptr || !cJSON_IsObject(jwk)) refuse("the DPoP proof header has no jwk object");
  if (has_private_member(jwk)) refuse("the DPoP proof jwk must be a public key without private members");
  try {
    Key key = key_from_jwk(jwk);
    if (key.type() == KeyType::oct || key.has_private()) refuse("the DPoP proof jwk must be an asymmetric public key");
    return key;
  } catch (const Error &) {
    ERR_clear_error();
    refuse("the DPoP proof jwk is not a usable public key");
  }
}

std::string claim_string(const cJSON *claims, const char *name) {
  const cJSON *v = json_get(claims, name);
  if (v == nullptr || !cJSON_IsString(v)) return std::string();
  return v->valuestring;
}

}  // namespace

bool ProofJtis::insert(const std::string &key, std::int64_t keep_until_s, std::int64_t now_s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (seen_.size() >= kMax) {
    for (auto it = seen_.begin(); it != seen_.end();) it = it->second < now_s ? seen_.erase(it) : std::next(it);
    if (seen_.size() >= kMax) throw DpopRefusal{503, "temporarily_unavailable", "too many DPoP proofs remembered"};
  }
  return seen_.emplace(key, keep_until_s).second;
}

std::string check_dpop_proof(const WireRequest &req, const DpopPolicy &policy, ProofJtis &jtis) {
  const std::string *proof = nullptr;
  for (const auto &h : req.headers) {
    if (h.first != "dpop") continue;
    if (proof != nullptr) refuse("exactly one DPoP header is allowed");
    proof = &h.second;
  }
  if (proof == nullptr) return std::string();
  if (proof->empty() || proof->size() > kMaxProof) refuse("the DPoP proof is empty or too large");

  JwsSegments segments;
  JwsHeaderInfo header;
  try {
    segments = jws_segments(*proof, kMaxProof);
    header = jws_parse_header(segments.header_b64);
  } catch (const Error &) {
    refuse("the DPoP proof is not a compact JWS with a supported alg");
  }
  if (!header.has_typ || header.typ != "dpop+jwt") refuse("the DPoP proof typ must be dpop+jwt");
  if ((alg_bit(header.alg) & kAsymmetric) == 0) refuse("the DPoP proof alg must be asymmetric");
  const Key key = proof_key(header.json);
  try {
    jws_verify_signature(key, header.alg, segments, kAsymmetric);
  } catch (const Error &) {
    ERR_clear_error();
    refuse("the DPoP proof signature does not verify with its jwk");
  }

  Json claims;
  try {
    claims = json_parse_object(base64url_decode_string(segments.payload_b64), "DPoP proof claims");
  } catch (const Error &) {
    refuse("the DPoP proof claims are not a JSON object");
  }
  if (claim_string(claims.get(), "htm") != "POST") refuse("the DPoP proof htm must be POST");
  const std::string htu = claim_string(claims.get(), "htu");
  bool htu_ok = false;
  try {
    htu_ok = !htu.empty() && dpop_htu(htu) == dpop_htu(policy.token_url);
  } catch (const Error &) {
    htu_ok = false;
  }
  if (!htu_ok) refuse("the DPoP proof htu must be the token endpoint URL");
  std::optional<std::int64_t> iat;
  try {
    iat = json_get_int(claims.get(), "iat", "DPoP proof iat");
  } catch (const Error &) {
    iat.reset();
  }
  if (!iat || *iat < policy.now_s - policy.window_s || *iat > policy.now_s + policy.window_s)
    refuse("the DPoP proof iat is missing or outside the accepted window");
  const std::string jti = claim_string(claims.get(), "jti");
  if (jti.empty() || jti.size() > kMaxJti) refuse("the DPoP proof jti is missing or too long");
  if (!policy.nonce.empty() && claim_string(claims.get(), "nonce") != policy.nonce)
    throw DpopRefusal{400, "use_dpop_nonce", "the DPoP proof must carry the server's nonce"};

  std::string jkt = jwk_thumbprint(key);
  if (!jtis.insert(jkt + "\n" + jti, *iat + policy.window_s, policy.now_s))
    refuse("the DPoP proof jti was seen before");
  return jkt;
}

}  // namespace m2mauth::core::testing
