// JSON Web Keys (RFC 7517, RFC 7518 section 6, RFC 8037) and thumbprints (RFC 7638).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <cjson/cJSON.h>

#include "m2mauth/core/key.hpp"

namespace m2mauth::core {

Key key_from_jwk(const cJSON *jwk);
Key key_from_jwk(std::string_view json);
// The key with this kid from a JWKS; kid empty selects the only key of a one-key set.
Key key_from_jwks(std::string_view json, std::string_view kid);
// All usable keys of a JWKS (unsupported kinds skipped), public or private.
std::vector<Key> keys_from_jwks(std::string_view json);
// The same for a set of verification keys: a key carrying a private member (d, p, q, dp, dq, qi, oth),
// of any type, is refused (Errc::key), so such a set never yields, keeps or exports private material.
// oct keys are the secret itself and stay allowed.
std::vector<Key> public_keys_from_jwks(std::string_view json);

// Public JWK text; alg/use added when not empty; kid from the key.
std::string public_jwk(const Key &key, std::string_view alg = {}, std::string_view use = {});
std::string private_jwk(const Key &key);
std::string jwks(const std::vector<Key> &keys);
// RFC 7638 SHA-256 thumbprint, base64url.
std::string jwk_thumbprint(const Key &key);

}  // namespace m2mauth::core
