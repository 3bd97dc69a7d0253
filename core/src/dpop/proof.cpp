// DPoP proofs (RFC 9449 section 4): the key, its public JWK and thumbprint, and one proof per request.
#include <cctype>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/random.hpp"

namespace m2mauth::core {

namespace {

// HTTP methods are RFC 9110 tokens; a proof's htm is the method as sent.
void check_method(std::string_view method) {
  if (method.empty()) fail(Errc::invalid_argument, "DPoP proof: the HTTP method is empty");
  for (char c : method) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= ' ' || u >= 127 || std::string_view("\"(),/:;<=>?@[\\]{}").find(c) != std::string_view::npos)
      fail(Errc::invalid_argument, "DPoP proof: the HTTP method is not an RFC 9110 token");
  }
}

}  // namespace

std::string dpop_htu(std::string_view url) {
  const Url u = Url::parse(url);
  std::string out;
  out.reserve(url.size());
  u.append_origin(out);
  out.append(u.path);
  return out;
}

std::string dpop_origin(std::string_view url) { return Url::parse(url).origin(); }

std::string dpop_ath(std::string_view access_token) {
  const std::string md = digest(HashAlg::sha256, access_token);
  return base64url_encode(reinterpret_cast<const std::uint8_t *>(md.data()), md.size());
}

Dpop::Dpop(const Key &key, int alg) : key_(key.with_kid({})) {
  if (key.type() == KeyType::oct)
    fail(Errc::key_type, "DPoP: a proof key must be asymmetric (EC, Ed25519 or RSA), not an HMAC secret");
  if (!key.has_private()) fail(Errc::no_private, "DPoP: the proof key needs its private half, not only the public one");
  alg_ = static_cast<Alg>(alg_or_default_from_int(alg));
  if (alg == 0) alg_ = alg_default_for(key);
  if (alg_ == Alg::hs256 || alg_ == Alg::hs384 || alg_ == Alg::hs512 || !alg_fits_key_type(key, alg_))
    fail(Errc::key_type, std::string("DPoP: the algorithm ") + alg_name(alg_) + " does not fit the proof key");
  check_key_for_alg(key, alg_, true);  // sizes (RSA >= 2048)
  jwk_ = core::public_jwk(key_);
  thumbprint_ = core::jwk_thumbprint(key_);
  std::string header = "{\"typ\":\"dpop+jwt\",\"alg\":\"";
  header.append(alg_name(alg_)).append("\",\"jwk\":").append(jwk_).push_back('}');
  header_b64_ = base64url_encode(header);
}

Dpop::~Dpop() = default;

std::shared_ptr<Dpop> Dpop::generate() { return std::make_shared<Dpop>(Key::generate_ec(Curve::p256)); }

std::string Dpop::proof(std::string_view method, std::string_view url, std::string_view access_token,
                        const std::string *nonce, std::int64_t iat_s) const {
  check_method(method);
  const Url u = Url::parse(url);
  std::string htu;  // the origin (the remembered nonce's key), then the path
  htu.reserve(url.size());
  u.append_origin(htu);
  const std::size_t origin_size = htu.size();
  htu.append(u.path);
  std::string claims;
  claims.reserve(160 + url.size() + (nonce != nullptr ? nonce->size() : 64));
  std::uint8_t jti[16];
  random_fill(jti, sizeof jti);
  claims.append("{\"jti\":\"");
  base64url_append(claims, jti, sizeof jti);
  claims.append("\",\"htm\":");
  json_quote_append(claims, method);
  claims.append(",\"htu\":");
  json_quote_append(claims, htu);
  claims.append(",\"iat\":").append(std::to_string(iat_s));
  if (!access_token.empty()) claims.append(",\"ath\":\"").append(dpop_ath(access_token)).push_back('"');
  std::unique_lock<std::mutex> lock(mu_, std::defer_lock);
  if (nonce == nullptr) {  // the origin's remembered nonce, quoted straight from the store (no copy)
    lock.lock();
    auto it = nonces_.find(std::string_view(htu).substr(0, origin_size));
    if (it != nonces_.end()) nonce = &it->second.nonce;
  }
  if (nonce != nullptr && !nonce->empty()) {
    claims.append(",\"nonce\":");
    json_quote_append(claims, *nonce);
  }
  if (lock.owns_lock()) lock.unlock();
  claims.push_back('}');

  std::string out;
  out.reserve(header_b64_.size() + claims.size() * 4 / 3 + 2 + 700);
  out.append(header_b64_).push_back('.');
  base64url_append(out, reinterpret_cast<const std::uint8_t *>(claims.data()), claims.size());
  append_signature_base64url(out, key_, alg_, out);
  return out;
}

}  // namespace m2mauth::core
