// Keys: RSA, EC (P-256/384/521), Ed25519 and HMAC secrets. Parsed once, immutable, shareable across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "m2mauth/core/secret.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace m2mauth::core {

enum class KeyType : std::uint8_t { rsa = 1, ec = 2, okp = 3, oct = 4 };
enum class Curve : std::uint8_t { none = 0, p256, p384, p521, ed25519 };

// "P-256" etc.; "" for Curve::none.
const char *curve_name(Curve curve) noexcept;
// Throws Errc::unsupported for an unknown name.
Curve curve_from_name(std::string_view name);

// What a signer (a KMS, an HSM, a remote signing service) answers for one signature.
struct SignerAnswer {
  std::string signature;  // the signature bytes; ECDSA as raw R||S or as a DER ECDSA-Sig-Value
  bool failed = false;    // the signer could not sign: message says why
  std::string message;    // the application's text; sanitised before it enters an Error
};
// Signs exactly the bytes of input with the named algorithm: a JWS name ("RS256", "ES256", "EdDSA", ...)
// or "RSA-SHA1" (OAuth 1.0 RSA-SHA1: RSASSA-PKCS1-v1_5 over SHA-1).
using SignFunction = std::function<SignerAnswer(std::string_view alg, std::string_view input)>;

class Key {
 public:
  struct Impl;

  static Key generate_rsa(unsigned int bits);
  static Key generate_ec(Curve curve);
  static Key generate_ed25519();
  static Key generate_hmac(std::size_t len);
  static Key from_secret(const std::uint8_t *data, std::size_t len);
  // PEM or DER private key (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8), public key (SPKI, PKCS#1) or
  // X.509 certificate. passphrase may be null.
  static Key from_pem(std::string_view pem, const char *passphrase);
  static Key from_der(const std::uint8_t *der, std::size_t len, const char *passphrase);
  static Key from_file(const std::string &path, const char *passphrase);
  // A private key held elsewhere: signatures come from sign, the public key (any RSA, EC or Ed25519
  // key: its public part is used) says what the key is. alg (an Alg value) binds the key to one
  // algorithm; 0 leaves it unbound. See signer.cpp for the checks on every answer and the serialisation.
  static Key from_signer(const Key &public_key, int alg, SignFunction sign);
  // Takes ownership of one reference to pkey.
  static Key adopt(evp_pkey_st *pkey, bool has_private, std::string kid = {});
  // The same for a private key a PKCS#11 token holds (pkcs11.cpp): it cannot be exported.
  static Key adopt_token_key(evp_pkey_st *pkey);

  KeyType type() const noexcept;
  Curve curve() const noexcept;
  unsigned int bits() const noexcept;
  bool has_private() const noexcept;
  // True when the private key is outside the process (a signer key): it signs, but cannot be exported
  // and cannot decrypt.
  bool is_signer() const noexcept;
  // True when the private key cannot be exported: a signer key, or a key held by a PKCS#11 token.
  bool private_is_external() const noexcept;
  const std::string &kid() const noexcept;
  // A process-unique id of the key material (used by per-thread operation caches).
  std::uint64_t id() const noexcept;

  // The JWS algorithm (an Alg value) a JWK's "alg" member bound the key to (RFC 7517 section 4.4,
  // RFC 8725 section 3.1: one key, one algorithm); 0 when none. A bound key signs and verifies with
  // that algorithm only.
  int alg_binding() const noexcept;

  Key with_kid(std::string kid) const;
  // The same key bound to alg (0: unbound). The caller checks that alg fits the key.
  Key with_alg_binding(int alg) const;
  Key public_only() const;

  // The OpenSSL key; nullptr for HMAC keys.
  evp_pkey_st *evp() const noexcept;
  // The HMAC secret; empty for other keys.
  const SecretBytes &secret() const noexcept;

  std::string private_pem(const char *passphrase) const;
  std::string public_pem() const;
  std::string public_der() const;

  const Impl &impl() const noexcept { return *impl_; }

 private:
  explicit Key(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  Key copy_with(std::string kid, int alg) const;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace m2mauth::core
