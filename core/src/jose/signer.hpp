// Internal: signer keys, whose private key stays in a KMS, an HSM or another process.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/key.hpp"

namespace m2mauth::core {

// The application's sign function and the lock that serialises its calls: m2mauth never runs one
// signer on two threads at once (copies of a key made by with_kid share it).
struct SignerState {
  explicit SignerState(SignFunction f) : sign(std::move(f)) {}
  SignFunction sign;
  std::mutex lock;
};

// The JWS signature (ECDSA as raw R||S) of a signer key over input, after checking that it verifies
// with the key's public key. Throws Error(signer) when the signer fails or answers anything else.
std::string signer_sign(const Key &key, Alg alg, std::string_view input);
// OAuth 1.0 RSA-SHA1 (sha1) or RSA-SHA256 (RSASSA-PKCS1-v1_5, the signer asked for "RSA-SHA1" or
// "RS256"), checked the same way.
std::string signer_sign_rsa_pkcs1(const Key &key, bool sha1, std::string_view input);

}  // namespace m2mauth::core
