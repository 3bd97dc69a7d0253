// Key generation, loading (PEM, DER, files) and PEM/DER export.
#include "m2mauth/core/key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>

#include "jose/key_impl.hpp"
#include "jose/signer.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/random.hpp"
#include "base/os.hpp"
#include "base/ossl.hpp"

namespace m2mauth::core {

namespace {

std::atomic<std::uint64_t> next_key_id{1};

constexpr std::size_t kMaxKeyInput = 1u << 20;

// Never lets OpenSSL prompt on a terminal: a missing passphrase fails the read.
int passphrase_cb(char *buf, int size, int /*rwflag*/, void *u) {
  const char *pass = static_cast<const char *>(u);
  if (pass == nullptr) return -1;
  std::size_t len = std::strlen(pass);
  if (len > static_cast<std::size_t>(size)) return -1;
  std::memcpy(buf, pass, len);
  return static_cast<int>(len);
}

std::shared_ptr<Key::Impl> make_impl(ossl::PKey pkey, bool has_private, std::string kid) {
  auto impl = std::make_shared<Key::Impl>();
  EVP_PKEY *p = pkey.get();
  int id = EVP_PKEY_get_base_id(p);
  if (id == EVP_PKEY_RSA) {
    impl->type = KeyType::rsa;
    int bits = EVP_PKEY_get_bits(p);
    if (bits < 512 || bits > 16384) ossl::throw_error(Errc::unsupported, "RSA key size out of range");
    // With e = 1 (or any even e) a signature can be forged without the private key; OpenSSL checks
    // this only in EVP_PKEY_public_check, never on a verification, so every loader stops here.
    BIGNUM *raw_e = nullptr;
    if (EVP_PKEY_get_bn_param(p, OSSL_PKEY_PARAM_RSA_E, &raw_e) != 1) ossl::throw_error(Errc::key, "invalid RSA key");
    ossl::BigNum e(raw_e);
    if (!BN_is_odd(e.get()) || BN_is_one(e.get())) ossl::throw_error(Errc::key, "RSA public exponent must be odd and at least 3");
  } else if (id == EVP_PKEY_EC) {
    impl->type = KeyType::ec;
    char group[64] = {0};
    size_t glen = 0;
    if (EVP_PKEY_get_group_name(p, group, sizeof group, &glen) != 1)
      ossl::throw_error(Errc::key, "EC key without a named curve");
    if (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0)
      impl->curve = Curve::p256;
    else if (std::strcmp(group, "secp384r1") == 0 || std::strcmp(group, "P-384") == 0)
      impl->curve = Curve::p384;
    else if (std::strcmp(group, "secp521r1") == 0 || std::strcmp(group, "P-521") == 0)
      impl->curve = Curve::p521;
    else
      ossl::throw_error(Errc::unsupported, "unsupported EC curve (P-256, P-384 and P-521 are supported)");
  } else if (id == EVP_PKEY_ED25519) {
    impl->type = KeyType::okp;
    impl->curve = Curve::ed25519;
  } else {
    ossl::throw_error(Errc::unsupported, "unsupported key type (RSA, EC and Ed25519 are supported)");
  }
  impl->bits = static_cast<unsigned int>(EVP_PKEY_get_bits(p));
  impl->has_private = has_private;
  if (!kid.empty()) impl->kid = std::make_unique<const std::string>(std::move(kid));
  impl->id = next_key_id.fetch_add(1, std::memory_order_relaxed);
  impl->pkey = std::move(pkey);
  return impl;
}

bool pem_is_encrypted(std::string_view pem) {
  return pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
         pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

// The label of the first PEM block that is a key or certificate ("EC PARAMETERS" is skipped).
std::string first_pem_label(std::string_view pem) {
  std::size_t pos = 0;
  while ((pos = pem.find("-----BEGIN ", pos)) != std::string_view::npos) {
    std::size_t start = pos + 11;
    std::size_t end = pem.find("-----", start);
    if (end == std::string_view::npos) break;
    std::string label(pem.substr(start, end - start));
    if (label != "EC PARAMETERS") return label;
    pos = end;
  }
  return {};
}

ossl::PKey pkey_from_cert(X509 *x509) {
  ossl::PKey pkey(X509_get_pubkey(x509));
  if (!pkey) ossl::throw_error(Errc::key, "certificate has no usable public key");
  return pkey;
}

}  // namespace

const char *curve_name(Curve curve) noexcept {
  switch (curve) {
    case Curve::p256: return "P-256";
    case Curve::p384: return "P-384";
    case Curve::p521: return "P-521";
    case Curve::ed25519: return "Ed25519";
    default: return "";
  }
}

Curve curve_from_name(std::string_view name) {
  if (name == "P-256" || name == "prime256v1" || name == "secp256r1") return Curve::p256;
  if (name == "P-384" || name == "secp384r1") return Curve::p384;
  if (name == "P-521" || name == "secp521r1") return Curve::p521;
  if (name == "Ed25519") return Curve::ed25519;
  fail(Errc::unsupported, "unsupported curve (P-256, P-384, P-521, Ed25519)");
}

Key Key::adopt(EVP_PKEY *pkey, bool has_private, std::string kid) {
  ossl::PKey owned(pkey);
  if (!owned) fail(Errc::invalid_argument, "no key");
  return Key(make_impl(std::move(owned), has_private, std::move(kid)));
}

Key Key::adopt_token_key(EVP_PKEY *pkey) {
  ossl::PKey owned(pkey);
  if (!owned) fail(Errc::invalid_argument, "no key");
  auto impl = make_impl(std::move(owned), true, {});
  impl->in_token = true;
  return Key(std::move(impl));
}

Key Key::from_signer(const Key &public_key, int alg, SignFunction sign) {
  if (!sign) fail(Errc::invalid_argument, "no sign function");
  if (public_key.type() == KeyType::oct) fail(Errc::key_type, "a signer key needs an RSA, EC or Ed25519 public key");
  if (alg < 0 || alg > alg_count) fail(Errc::algorithm, "unknown algorithm");
  Key pub = public_key.public_only();
  if (alg != 0 && !alg_fits_key_type(pub, static_cast<Alg>(alg)))
    fail(Errc::key_type, std::string(alg_name(static_cast<Alg>(alg))) + " does not fit the signer's public key");
  EVP_PKEY_up_ref(pub.evp());
  auto impl = make_impl(ossl::PKey(pub.evp()), true, public_key.kid());
  impl->alg = static_cast<std::uint8_t>(alg);
  impl->signer = std::make_shared<SignerState>(std::move(sign));
  return Key(std::move(impl));
}

Key Key::generate_rsa(unsigned int bits) {
  if (bits != 2048 && bits != 3072 && bits != 4096)
    fail(Errc::unsupported, "RSA key size must be 2048, 3072 or 4096 bits");
  ossl::PKey pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!pkey) ossl::throw_error(Errc::generic, "RSA key generation failed");
  return Key(make_impl(std::move(pkey), true, {}));
}

Key Key::generate_ec(Curve curve) {
  const char *group = curve == Curve::p256   ? "P-256"
                      : curve == Curve::p384 ? "P-384"
                      : curve == Curve::p521 ? "P-521"
                                             : nullptr;
  if (group == nullptr) fail(Errc::unsupported, "EC curve must be P-256, P-384 or P-521");
  ossl::PKey pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group));
  if (!pkey) ossl::throw_error(Errc::generic, "EC key generation failed");
  return Key(make_impl(std::move(pkey), true, {}));
}

Key Key::generate_ed25519() {
  ossl::PKey pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!pkey) ossl::throw_error(Errc::generic, "Ed25519 key generation failed");
  return Key(make_impl(std::move(pkey), true, {}));
}

Key Key::generate_hmac(std::size_t len) {
  if (len < 16 || len > 1024) fail(Errc::invalid_argument, "HMAC key length must be 16 to 1024 bytes");
  SecretBytes secret;
  secret.resize(len);
  random_fill(secret.data(), len);
  return from_secret(secret.data(), secret.size());
}

Key Key::from_secret(const std::uint8_t *data, std::size_t len) {
  if (data == nullptr || len == 0) fail(Errc::invalid_argument, "HMAC secret is empty");
  if (len > kMaxKeyInput) fail(Errc::too_large, "HMAC secret over 1 MiB");
  auto impl = std::make_shared<Impl>();
  impl->type = KeyType::oct;
  impl->bits = static_cast<unsigned int>(len * 8);
  impl->has_private = true;
  impl->id = next_key_id.fetch_add(1, std::memory_order_relaxed);
  impl->secret = std::make_unique<SecretBytes>(data, len);
  return Key(std::move(impl));
}

Key Key::from_pem(std::string_view pem, const char *passphrase) {
  if (pem.empty()) fail(Errc::invalid_argument, "PEM input is empty");
  if (pem.size() > kMaxKeyInput) fail(Errc::too_large, "PEM input over 1 MiB");
  std::string label = first_pem_label(pem);
  if (label.empty()) fail(Errc::key, "no PEM block found");
  ossl::Bio bio = ossl::mem_bio(pem.data(), pem.size());
  if (label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE") {
    ossl::X509Ptr x509(PEM_read_bio_X509_AUX(bio.get(), nullptr, passphrase_cb, nullptr));
    if (!x509) ossl::throw_error(Errc::key, "invalid PEM certificate");
    return Key(make_impl(pkey_from_cert(x509.get()), false, {}));
  }
  if (label == "PUBLIC KEY") {
    ossl::PKey pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, passphrase_cb, nullptr));
    if (!pkey) ossl::throw_error(Errc::key, "invalid PEM public key");
    return Key(make_impl(std::move(pkey), false, {}));
  }
  if (label == "RSA PUBLIC KEY") {
    char *name = nullptr, *header = nullptr;
    unsigned char *data = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) ossl::throw_error(Errc::key, "invalid PEM RSA public key");
    std::unique_ptr<char, ossl::Deleter<ossl::openssl_free>> n(name), h(header);
    std::unique_ptr<unsigned char, ossl::Deleter<ossl::openssl_free>> d(data);
    const unsigned char *p = data;
    ossl::PKey pkey(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, len));
    if (!pkey || p != data + len) ossl::throw_error(Errc::key, "invalid PKCS#1 RSA public key");
    return Key(make_impl(std::move(pkey), false, {}));
  }
  if (label == "PRIVATE KEY" || label == "RSA PRIVATE KEY" || label == "EC PRIVATE KEY" ||
      label == "ENCRYPTED PRIVATE KEY") {
    bool encrypted = pem_is_encrypted(pem);
    if (encrypted && passphrase == nullptr) fail(Errc::passphrase, "the private key is encrypted: a passphrase is required");
    ossl::PKey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_cb, const_cast<char *>(passphrase)));
    if (!pkey) {
      if (encrypted) ossl::throw_error(Errc::passphrase, "cannot decrypt the private key: wrong passphrase");
      ossl::throw_error(Errc::key, "invalid PEM private key");
    }
    return Key(make_impl(std::move(pkey), true, {}));
  }
  fail(Errc::key, "unsupported PEM block \"" + label.substr(0, 40) + "\"");
}

Key Key::from_der(const std::uint8_t *der, std::size_t len, const char *passphrase) {
  if (der == nullptr || len == 0) fail(Errc::invalid_argument, "DER input is empty");
  if (len > kMaxKeyInput) fail(Errc::too_large, "DER input over 1 MiB");
  const long dlen = static_cast<long>(len);
  // Encrypted PKCS#8.
  {
    const unsigned char *p = der;
    std::unique_ptr<X509_SIG, ossl::Deleter<X509_SIG_free>> sig(d2i_X509_SIG(nullptr, &p, dlen));
    if (sig && p == der + len) {
      if (passphrase == nullptr) fail(Errc::passphrase, "the private key is encrypted: a passphrase is required");
      std::unique_ptr<PKCS8_PRIV_KEY_INFO, ossl::Deleter<PKCS8_PRIV_KEY_INFO_free>> p8(
          PKCS8_decrypt(sig.get(), passphrase, static_cast<int>(std::strlen(passphrase))));
      if (!p8) ossl::throw_error(Errc::passphrase, "cannot decrypt the private key: wrong passphrase");
      ossl::PKey pkey(EVP_PKCS82PKEY(p8.get()));
      if (!pkey) ossl::throw_error(Errc::key, "invalid encrypted PKCS#8 private key");
      return Key(make_impl(std::move(pkey), true, {}));
    }
  }
  ossl::clear_errors();
  {
    const unsigned char *p = der;
    ossl::PKey pkey(d2i_AutoPrivateKey(nullptr, &p, dlen));
    if (pkey && p == der + len) return Key(make_impl(std::move(pkey), true, {}));
  }
  ossl::clear_errors();
  {
    const unsigned char *p = der;
    ossl::PKey pkey(d2i_PUBKEY(nullptr, &p, dlen));
    if (pkey && p == der + len) return Key(make_impl(std::move(pkey), false, {}));
  }
  ossl::clear_errors();
  {
    const unsigned char *p = der;
    ossl::X509Ptr x509(d2i_X509(nullptr, &p, dlen));
    if (x509 && p == der + len) return Key(make_impl(pkey_from_cert(x509.get()), false, {}));
  }
  ossl::clear_errors();
  {
    const unsigned char *p = der;
    ossl::PKey pkey(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, dlen));
    if (pkey && p == der + len) return Key(make_impl(std::move(pkey), false, {}));
  }
  ossl::throw_error(Errc::key, "DER input is not a supported key or certificate");
}

Key Key::from_file(const std::string &path, const char *passphrase) {
  std::string data = read_regular_file(path, "key file", kMaxKeyInput);
  struct Wipe {
    std::string &s;
    ~Wipe() { secure_wipe(s); }
  } wipe{data};
  if (data.find("-----BEGIN ") != std::string::npos) return from_pem(data, passphrase);
  return from_der(reinterpret_cast<const std::uint8_t *>(data.data()), data.size(), passphrase);
}

KeyType Key::type() const noexcept { return impl_->type; }
Curve Key::curve() const noexcept { return impl_->curve; }
unsigned int Key::bits() const noexcept { return impl_->bits; }
bool Key::has_private() const noexcept { return impl_->has_private; }
bool Key::is_signer() const noexcept { return impl_->signer != nullptr; }
bool Key::private_is_external() const noexcept { return impl_->signer != nullptr || impl_->in_token; }
const std::string &Key::kid() const noexcept {
  static const std::string none;
  return impl_->kid ? *impl_->kid : none;
}
int Key::alg_binding() const noexcept { return impl_->alg; }
std::uint64_t Key::id() const noexcept { return impl_->id; }
EVP_PKEY *Key::evp() const noexcept { return impl_->pkey.get(); }
const SecretBytes &Key::secret() const noexcept {
  static const SecretBytes none;
  return impl_->secret ? *impl_->secret : none;
}

Key Key::with_kid(std::string kid) const {
  // The kid goes into JWKs and JWS headers, which are UTF-8 JSON.
  if (!utf8_valid(kid)) fail(Errc::invalid_argument, "kid is not valid UTF-8");
  return copy_with(std::move(kid), impl_->alg);
}

Key Key::with_alg_binding(int alg) const { return copy_with(kid(), alg); }

// A new handle on the same key material with another kid / alg binding (fresh operation pools).
Key Key::copy_with(std::string kid, int alg) const {
  auto impl = std::make_shared<Impl>();
  impl->type = impl_->type;
  impl->curve = impl_->curve;
  impl->bits = impl_->bits;
  impl->has_private = impl_->has_private;
  if (!kid.empty()) impl->kid = std::make_unique<const std::string>(std::move(kid));
  impl->alg = static_cast<std::uint8_t>(alg);
  impl->id = next_key_id.fetch_add(1, std::memory_order_relaxed);
  if (impl_->secret) impl->secret = std::make_unique<SecretBytes>(*impl_->secret);
  impl->signer = impl_->signer;
  impl->in_token = impl_->in_token;
  if (impl_->pkey) {
    EVP_PKEY_up_ref(impl_->pkey.get());
    impl->pkey.reset(impl_->pkey.get());
  }
  return Key(std::move(impl));
}

Key Key::public_only() const {
  if (impl_->type == KeyType::oct) fail(Errc::key_type, "an HMAC key has no public part");
  if (!impl_->has_private) return *this;
  unsigned char *der = nullptr;
  int len = i2d_PUBKEY(impl_->pkey.get(), &der);
  if (len <= 0) ossl::throw_error(Errc::key, "cannot extract the public key");
  std::unique_ptr<unsigned char, ossl::Deleter<ossl::openssl_free>> owned(der);
  const unsigned char *p = der;
  ossl::PKey pub(d2i_PUBKEY(nullptr, &p, len));
  if (!pub) ossl::throw_error(Errc::key, "cannot extract the public key");
  auto impl = make_impl(std::move(pub), false, kid());
  impl->alg = impl_->alg;
  return Key(std::move(impl));
}

std::string Key::private_pem(const char *passphrase) const {
  if (impl_->type == KeyType::oct) fail(Errc::key_type, "an HMAC key has no PEM form");
  if (!impl_->has_private) fail(Errc::no_private, "the key handle holds only a public key");
  if (private_is_external()) fail(Errc::no_private, "the private key is held by a signer or a token and cannot be exported");
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio) throw std::bad_alloc();
  int ok;
  if (passphrase != nullptr) {
    if (std::strlen(passphrase) < 4) fail(Errc::invalid_argument, "passphrase must have at least 4 characters");
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), impl_->pkey.get(), EVP_aes_256_cbc(), nullptr, 0, passphrase_cb,
                                       const_cast<char *>(passphrase));
  } else {
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
  }
  if (ok != 1) ossl::throw_error(Errc::key, "cannot encode the private key");
  return ossl::bio_string(bio.get());
}

std::string Key::public_pem() const {
  if (impl_->type == KeyType::oct) fail(Errc::key_type, "an HMAC key has no public part");
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio) throw std::bad_alloc();
  if (PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get()) != 1) ossl::throw_error(Errc::key, "cannot encode the public key");
  return ossl::bio_string(bio.get());
}

std::string Key::public_der() const {
  if (impl_->type == KeyType::oct) fail(Errc::key_type, "an HMAC key has no public part");
  unsigned char *der = nullptr;
  int len = i2d_PUBKEY(impl_->pkey.get(), &der);
  if (len <= 0) ossl::throw_error(Errc::key, "cannot encode the public key");
  std::string out(reinterpret_cast<char *>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace m2mauth::core
