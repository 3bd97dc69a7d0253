// JSON Web Keys: import, export, JWKS and RFC 7638 thumbprints.
#include "m2mauth/core/jwk.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <cstring>

#include "jose/key_impl.hpp"
#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/jws.hpp"
#include "base/ossl.hpp"

namespace m2mauth::core {

namespace {

using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM_free>>;

// A base64url member decoded; required members throw when absent.
SecretBytes member_bytes(const cJSON *jwk, const char *name, bool required) {
  auto text = json_get_string(jwk, name, "JWK");
  if (!text) {
    if (required) fail(Errc::key, std::string("JWK lacks \"") + name + "\"");
    return {};
  }
  std::vector<std::uint8_t> bytes;
  try {
    bytes = base64url_decode(*text);
  } catch (const Error &) {
    fail(Errc::key, std::string("JWK member \"") + name + "\" is not valid base64url");
  }
  SecretBytes out(bytes.data(), bytes.size());
  secure_wipe(bytes.data(), bytes.size());
  if (out.empty()) fail(Errc::key, std::string("JWK member \"") + name + "\" is empty");
  return out;
}

ossl::BigNum to_bn(const SecretBytes &b) {
  ossl::BigNum bn(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
  if (!bn) throw std::bad_alloc();
  return bn;
}

EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld, bool priv) {
  Params params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) throw std::bad_alloc();
  ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY *pkey = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    ossl::throw_error(Errc::key, std::string("invalid ") + type + " JWK");
  return pkey;
}

Key rsa_from_jwk(const cJSON *jwk, std::string kid) {
  SecretBytes n = member_bytes(jwk, "n", true), e = member_bytes(jwk, "e", true);
  if (n.data()[0] == 0) fail(Errc::key, "JWK \"n\" has a leading zero octet");
  if (n.size() > 2048) fail(Errc::unsupported, "RSA modulus over 16384 bits");
  if (e.size() > 8) fail(Errc::key, "JWK \"e\" is too large");
  bool priv = json_get(jwk, "d") != nullptr;
  // Multi-prime keys (RFC 7518 6.3.2.7): read as two primes they would sign wrongly.
  if (json_get(jwk, "oth") != nullptr) fail(Errc::unsupported, "multi-prime RSA JWK (\"oth\") is not supported");
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld) throw std::bad_alloc();
  ossl::BigNum bn_n = to_bn(n), bn_e = to_bn(e);
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
  std::vector<ossl::BigNum> held;
  if (priv) {
    static const char *crt[] = {"p", "q", "dp", "dq", "qi"};
    static const char *names[] = {OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
                                  OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
                                  OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    held.push_back(to_bn(member_bytes(jwk, "d", true)));
    BN_set_flags(held.back().get(), BN_FLG_CONSTTIME);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, held.back().get());
    int present = 0;
    for (const char *m : crt) present += json_get(jwk, m) != nullptr;
    if (present != 0 && present != 5) fail(Errc::key, "JWK has some but not all of p, q, dp, dq, qi");
    if (present == 5) {
      for (int i = 0; i < 5; ++i) {
        held.push_back(to_bn(member_bytes(jwk, crt[i], true)));
        BN_set_flags(held.back().get(), BN_FLG_CONSTTIME);
        OSSL_PARAM_BLD_push_BN(bld.get(), names[i], held.back().get());
      }
    }
  }
  EVP_PKEY *pkey = from_params("RSA", bld.get(), priv);
  for (auto &bn : held) BN_clear(bn.get());
  return Key::adopt(pkey, priv, std::move(kid));
}

std::size_t field_bytes(Curve c) {
  return c == Curve::p256 ? 32 : c == Curve::p384 ? 48 : c == Curve::p521 ? 66 : 32;
}

Key ec_from_jwk(const cJSON *jwk, std::string kid) {
  auto crv = json_get_string(jwk, "crv", "JWK");
  if (!crv) fail(Errc::key, "EC JWK lacks \"crv\"");
  Curve curve;
  try {
    curve = curve_from_name(*crv);
  } catch (const Error &) {
    fail(Errc::unsupported, "unsupported EC curve in JWK (P-256, P-384, P-521)");
  }
  if (curve == Curve::ed25519 || *crv != curve_name(curve)) fail(Errc::unsupported, "unsupported EC curve in JWK");
  std::size_t n = field_bytes(curve);
  SecretBytes x = member_bytes(jwk, "x", true), y = member_bytes(jwk, "y", true);
  if (x.size() != n || y.size() != n) fail(Errc::key, "EC JWK coordinates do not have the curve's length");
  std::string point(1, '\x04');
  point.append(x.view());
  point.append(y.view());
  bool priv = json_get(jwk, "d") != nullptr;
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld) throw std::bad_alloc();
  const char *group = curve == Curve::p256 ? "prime256v1" : curve == Curve::p384 ? "secp384r1" : "secp521r1";
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  ossl::BigNum d;
  if (priv) {
    SecretBytes db = member_bytes(jwk, "d", true);
    if (db.size() != n) fail(Errc::key, "EC JWK \"d\" does not have the curve's length");
    d = to_bn(db);
    BN_set_flags(d.get(), BN_FLG_CONSTTIME);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get());
  }
  EVP_PKEY *pkey = from_params("EC", bld.get(), priv);
  if (d) BN_clear(d.get());
  ossl::PKey owned(pkey);
  if (priv) {
    // The public point must belong to the private scalar.
    ossl::PKeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    if (!check || EVP_PKEY_pairwise_check(check.get()) != 1) ossl::throw_error(Errc::key, "EC JWK \"d\" does not match x and y");
  }
  return Key::adopt(owned.release(), priv, std::move(kid));
}

Key okp_from_jwk(const cJSON *jwk, std::string kid) {
  auto crv = json_get_string(jwk, "crv", "JWK");
  if (!crv || *crv != "Ed25519") fail(Errc::unsupported, "unsupported OKP curve in JWK (Ed25519)");
  SecretBytes x = member_bytes(jwk, "x", true);
  if (x.size() != 32) fail(Errc::key, "Ed25519 JWK \"x\" must be 32 bytes");
  if (json_get(jwk, "d") != nullptr) {
    SecretBytes d = member_bytes(jwk, "d", true);
    if (d.size() != 32) fail(Errc::key, "Ed25519 JWK \"d\" must be 32 bytes");
    ossl::PKey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, d.data(), d.size()));
    if (!pkey) ossl::throw_error(Errc::key, "invalid Ed25519 JWK");
    unsigned char pub[32];
    std::size_t len = sizeof pub;
    if (EVP_PKEY_get_raw_public_key(pkey.get(), pub, &len) != 1 || len != 32 ||
        !constant_time_equal(pub, 32, x.data(), 32))
      ossl::throw_error(Errc::key, "Ed25519 JWK \"d\" does not match \"x\"");
    return Key::adopt(pkey.release(), true, std::move(kid));
  }
  ossl::PKey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x.data(), x.size()));
  if (!pkey) ossl::throw_error(Errc::key, "invalid Ed25519 JWK");
  return Key::adopt(pkey.release(), false, std::move(kid));
}

Key oct_from_jwk(const cJSON *jwk, std::string kid) {
  SecretBytes k = member_bytes(jwk, "k", true);
  Key key = Key::from_secret(k.data(), k.size());
  return kid.empty() ? key : key.with_kid(std::move(kid));
}

std::string bn_b64(EVP_PKEY *pkey, const char *param, std::size_t pad) {
  BIGNUM *raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &raw) != 1) ossl::throw_error(Errc::key, std::string("cannot read the key parameter \"") + param + "\"");
  ossl::BigNum bn(raw);
  std::size_t len = pad != 0 ? pad : static_cast<std::size_t>(BN_num_bytes(bn.get()));
  if (len == 0) len = 1;
  SecretBytes bytes;
  bytes.resize(len);
  if (BN_bn2binpad(bn.get(), bytes.data(), static_cast<int>(len)) < 0) ossl::throw_error(Errc::key, "key parameter too large");
  BN_clear(bn.get());
  return base64url_encode(bytes.data(), bytes.size());
}

struct Members {
  // Required members of RFC 7638 plus the private ones, in lexicographic order.
  std::vector<std::pair<const char *, std::string>> pub, priv;
};

Members members_of(const Key &key, bool with_private) {
  Members m;
  EVP_PKEY *p = key.evp();
  switch (key.type()) {
    case KeyType::rsa:
      m.pub = {{"e", bn_b64(p, OSSL_PKEY_PARAM_RSA_E, 0)}, {"kty", "RSA"}, {"n", bn_b64(p, OSSL_PKEY_PARAM_RSA_N, 0)}};
      if (with_private) {
        m.priv.push_back({"d", bn_b64(p, OSSL_PKEY_PARAM_RSA_D, 0)});
        BIGNUM *probe = nullptr;
        if (EVP_PKEY_get_bn_param(p, OSSL_PKEY_PARAM_RSA_FACTOR1, &probe) == 1) {
          BN_clear_free(probe);
          m.priv.push_back({"p", bn_b64(p, OSSL_PKEY_PARAM_RSA_FACTOR1, 0)});
          m.priv.push_back({"q", bn_b64(p, OSSL_PKEY_PARAM_RSA_FACTOR2, 0)});
          m.priv.push_back({"dp", bn_b64(p, OSSL_PKEY_PARAM_RSA_EXPONENT1, 0)});
          m.priv.push_back({"dq", bn_b64(p, OSSL_PKEY_PARAM_RSA_EXPONENT2, 0)});
          m.priv.push_back({"qi", bn_b64(p, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 0)});
        }
        ossl::clear_errors();
      }
      break;
    case KeyType::ec: {
      std::size_t n = field_bytes(key.curve());
      m.pub = {{"crv", curve_name(key.curve())},
               {"kty", "EC"},
               {"x", bn_b64(p, OSSL_PKEY_PARAM_EC_PUB_X, n)},
               {"y", bn_b64(p, OSSL_PKEY_PARAM_EC_PUB_Y, n)}};
      if (with_private) m.priv.push_back({"d", bn_b64(p, OSSL_PKEY_PARAM_PRIV_KEY, n)});
      break;
    }
    case KeyType::okp: {
      unsigned char raw[32];
      std::size_t len = sizeof raw;
      if (EVP_PKEY_get_raw_public_key(p, raw, &len) != 1) ossl::throw_error(Errc::key, "cannot read the Ed25519 key");
      m.pub = {{"crv", "Ed25519"}, {"kty", "OKP"}, {"x", base64url_encode(raw, len)}};
      if (with_private) {
        len = sizeof raw;
        if (EVP_PKEY_get_raw_private_key(p, raw, &len) != 1) ossl::throw_error(Errc::key, "cannot read the Ed25519 key");
        m.priv.push_back({"d", base64url_encode(raw, len)});
        secure_wipe(raw, sizeof raw);
      }
      break;
    }
    case KeyType::oct:
      m.pub = {{"k", base64url_encode(key.secret().data(), key.secret().size())}, {"kty", "oct"}};
      break;
  }
  return m;
}

std::string render(const std::vector<std::pair<const char *, std::string>> &members) {
  std::string out = "{";
  for (const auto &[name, value] : members) {
    if (out.size() > 1) out.push_back(',');
    json_quote_append(out, name);
    out.push_back(':');
    json_quote_append(out, value);
  }
  out.push_back('}');
  return out;
}

std::string jwk_text(const Key &key, bool with_private, std::string_view alg, std::string_view use) {
  if (key.type() == KeyType::oct && !with_private) fail(Errc::key_type, "an HMAC key has no public JWK");
  if (with_private && !key.has_private()) fail(Errc::no_private, "the key handle holds only a public key");
  if (with_private && key.private_is_external())
    fail(Errc::no_private, "the private key is held by a signer or a token and cannot be exported");
  Members m = members_of(key, with_private);
  std::vector<std::pair<const char *, std::string>> all;
  // kty first, as people expect to read it.
  for (auto &kv : m.pub)
    if (std::string_view(kv.first) == "kty") all.push_back(kv);
  if (!key.kid().empty()) all.push_back({"kid", key.kid()});
  if (!use.empty()) all.push_back({"use", std::string(use)});
  if (!alg.empty()) all.push_back({"alg", std::string(alg)});
  else if (key.alg_binding() != 0) all.push_back({"alg", alg_name(static_cast<Alg>(key.alg_binding()))});
  for (auto &kv : m.pub)
    if (std::string_view(kv.first) != "kty") all.push_back(kv);
  for (auto &kv : m.priv) all.push_back(kv);
  std::string out = render(all);
  for (auto &kv : m.priv) secure_wipe(kv.second);
  for (auto &kv : all) secure_wipe(kv.second);
  return out;
}

}  // namespace

Key key_from_jwk(const cJSON *jwk) {
  if (!cJSON_IsObject(jwk)) fail(Errc::key, "JWK is not a JSON object");
  auto kty = json_get_string(jwk, "kty", "JWK");
  if (!kty) fail(Errc::key, "JWK lacks \"kty\"");
  std::string kid;
  if (auto k = json_get_string(jwk, "kid", "JWK")) kid = std::string(*k);
  // m2mauth uses keys for signatures only: a key its owner marked for encryption (RFC 7517 4.2, 4.3)
  // is refused here and skipped in a JWKS, so it can never verify a token.
  if (auto use = json_get_string(jwk, "use", "JWK"); use && *use != "sig")
    fail(Errc::unsupported, "JWK \"use\" is not \"sig\": m2mauth uses keys for signatures only");
  if (const cJSON *ops = json_get(jwk, "key_ops")) {
    if (!cJSON_IsArray(ops)) fail(Errc::malformed, "JWK member \"key_ops\" is not an array");
    bool signature_op = false;
    for (const cJSON *op = ops->child; op != nullptr; op = op->next) {
      if (!cJSON_IsString(op)) fail(Errc::malformed, "JWK \"key_ops\" holds a value that is not a string");
      if (std::strcmp(op->valuestring, "sign") == 0 || std::strcmp(op->valuestring, "verify") == 0) signature_op = true;
    }
    if (!signature_op) fail(Errc::unsupported, "JWK \"key_ops\" allows neither \"sign\" nor \"verify\"");
  }
  // "alg" (RFC 7517 4.4) binds the key to one algorithm (RFC 8725 3.1). An algorithm that is not a
  // JWS signature algorithm (RSA-OAEP, ECDH-ES, "ES521" ...) means the key is not for m2mauth: refused
  // here, skipped in a JWKS, like "use" above.
  Alg bound{};
  auto alg = json_get_string(jwk, "alg", "JWK");
  if (alg) {
    if (!alg_known(*alg)) fail(Errc::unsupported, "JWK \"alg\" is not a JWS signature algorithm m2mauth supports");
    bound = alg_from_name(*alg);
  }
  auto load = [&]() -> Key {
    if (*kty == "RSA") return rsa_from_jwk(jwk, std::move(kid));
    if (*kty == "EC") return ec_from_jwk(jwk, std::move(kid));
    if (*kty == "OKP") return okp_from_jwk(jwk, std::move(kid));
    if (*kty == "oct") return oct_from_jwk(jwk, std::move(kid));
    fail(Errc::unsupported, "unsupported JWK \"kty\"");
  };
  Key key = load();
  if (!alg) return key;
  if (!alg_fits_key_type(key, bound))
    fail(Errc::key, std::string("JWK \"alg\" ") + alg_name(bound) + " does not fit its key type or curve");
  return key.with_alg_binding(static_cast<int>(bound));
}

Key key_from_jwk(std::string_view json) {
  Json jwk = json_parse_object(json, "JWK");
  Key key = key_from_jwk(jwk.get());
  // Wipe secret members held by the parsed tree before it is freed.
  for (cJSON *m = jwk->child; m != nullptr; m = m->next)
    if (cJSON_IsString(m) && m->valuestring != nullptr) secure_wipe(m->valuestring, std::strlen(m->valuestring));
  return key;
}

namespace {

// The private members of RFC 7518 6.2.2 (EC), 6.3.2 (RSA) and RFC 8037 2 (OKP). A set of public keys
// holds none of them, whatever the key's type ("k", the secret of an oct key, is the key itself).
constexpr const char *kPrivateMembers[] = {"d", "p", "q", "dp", "dq", "qi", "oth"};

void refuse_private_members(const cJSON *keys) {
  for (const cJSON *k = keys->child; k != nullptr; k = k->next) {
    if (!cJSON_IsObject(k)) continue;
    for (const char *name : kPrivateMembers)
      if (json_get(k, name) != nullptr)
        fail(Errc::key, std::string("JWKS key has the private member \"") + name +
                            "\": a key set for verification holds public keys only");
  }
}

std::vector<Key> read_jwks(std::string_view json, bool public_only) {
  Json set = json_parse_object(json, "JWKS");
  const cJSON *keys = json_get(set.get(), "keys");
  if (!cJSON_IsArray(keys)) fail(Errc::key, "JWKS lacks a \"keys\" array");
  if (public_only) refuse_private_members(keys);
  std::vector<Key> out;
  for (const cJSON *k = keys->child; k != nullptr; k = k->next) {
    try {
      out.push_back(key_from_jwk(k));
    } catch (const Error &e) {
      if (e.code() != Errc::unsupported) throw;
    }
  }
  // An HMAC secret in a set of public keys makes the set ambiguous (and public: anyone may then sign),
  // and two keys of one type under one kid make a lookup by kid ambiguous. Both are refused.
  bool secret = false, asymmetric = false;
  for (const Key &k : out) (k.type() == KeyType::oct ? secret : asymmetric) = true;
  if (secret && asymmetric) fail(Errc::key, "JWKS mixes secret (oct) keys with public keys");
  std::vector<std::pair<std::string_view, KeyType>> named;  // sorted, so that equal pairs are neighbours
  named.reserve(out.size());
  for (const Key &k : out)
    if (!k.kid().empty()) named.emplace_back(k.kid(), k.type());
  std::sort(named.begin(), named.end());
  if (std::adjacent_find(named.begin(), named.end()) != named.end())
    fail(Errc::key, "JWKS has two keys of the same type with the same \"kid\"");
  return out;
}

}  // namespace

std::vector<Key> keys_from_jwks(std::string_view json) { return read_jwks(json, false); }

std::vector<Key> public_keys_from_jwks(std::string_view json) { return read_jwks(json, true); }

Key key_from_jwks(std::string_view json, std::string_view kid) {
  std::vector<Key> keys = keys_from_jwks(json);
  if (kid.empty()) {
    if (keys.size() == 1) return keys[0];
    fail(Errc::not_found, keys.empty() ? "JWKS has no usable key" : "JWKS has several keys: a kid is required");
  }
  for (const Key &k : keys)
    if (k.kid() == kid) return k;
  fail(Errc::not_found, "no key with this kid in the JWKS");
}

std::string public_jwk(const Key &key, std::string_view alg, std::string_view use) {
  return jwk_text(key, false, alg, use);
}

std::string private_jwk(const Key &key) { return jwk_text(key, true, {}, {}); }

std::string jwks(const std::vector<Key> &keys) {
  std::string out = "{\"keys\":[";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += public_jwk(keys[i]);
  }
  out += "]}";
  return out;
}

std::string jwk_thumbprint(const Key &key) {
  Members m = members_of(key, false);
  std::string canonical = render(m.pub);
  std::string md = digest(HashAlg::sha256, canonical);
  if (key.type() == KeyType::oct) secure_wipe(canonical);
  return base64url_encode(reinterpret_cast<const std::uint8_t *>(md.data()), md.size());
}

}  // namespace m2mauth::core
