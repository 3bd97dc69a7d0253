// Internal: what a Key holds.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <string>

#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/key.hpp"
#include "jose/op_pool.hpp"
#include "base/ossl.hpp"

namespace m2mauth::core {

using MacPool = OpPool<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using PKeyCtxPool = OpPool<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPool = OpPool<EVP_MD_CTX, EVP_MD_CTX_free>;

struct Key::Impl {
  KeyType type = KeyType::rsa;
  Curve curve = Curve::none;
  unsigned int bits = 0;
  bool has_private = false;
  std::string kid;
  int alg = 0;  // the JWK's "alg" as an Alg value; 0 when none
  std::uint64_t id = 0;
  ossl::PKey pkey;     // RSA, EC, Ed25519
  SecretBytes secret;  // HMAC

  // Initialised operation contexts, reused across calls and threads (see op_pool.hpp).
  mutable MacPool mac[3];                      // HS256, HS384, HS512
  mutable PKeyCtxPool sign_ctx[alg_count + 1];  // by Alg, prehashed RSA / ECDSA
  mutable PKeyCtxPool verify_ctx[alg_count + 1];
  mutable MdCtxPool eddsa_sign, eddsa_verify;  // Ed25519 (no prehash)
};

}  // namespace m2mauth::core
