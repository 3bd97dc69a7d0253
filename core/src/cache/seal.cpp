// Sealing shared cache entries: AES-256-GCM through OpenSSL EVP.
#include "cache/seal.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <memory>

#include "base/ossl.hpp"
#include "base/rfc3986.hpp"
#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/random.hpp"

namespace m2mauth::core::cache {

namespace {

constexpr char kMagic[4] = {'M', '2', 'C', 1};

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, ossl::Deleter<EVP_CIPHER_CTX_free>>;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int hex_value(char c) { return rfc3986::kHexValue[static_cast<unsigned char>(c)]; }

// Fetched once per process, as ossl's digests are: the legacy EVP_aes_256_gcm() would make OpenSSL 3
// fetch the implementation again on every seal and open.
const EVP_CIPHER *aes_256_gcm() {
  static const EVP_CIPHER *cipher = [] {
    EVP_CIPHER *c = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (c == nullptr) fail(Errc::unsupported, "cipher unavailable: AES-256-GCM");
    return c;  // kept for the life of the process
  }();
  return cipher;
}

}  // namespace

SecretString parse_cache_key(std::string_view text, std::string_view field) {
  if (text.size() == kKeyBytes) return SecretString(std::string(text));
  std::string_view t = text;
  while (!t.empty() && is_space(t.front())) t.remove_prefix(1);
  while (!t.empty() && is_space(t.back())) t.remove_suffix(1);
  std::string raw;
  if (t.size() == 2 * kKeyBytes) {
    raw.resize(kKeyBytes);
    for (std::size_t i = 0; i < kKeyBytes; ++i) {
      int hi = hex_value(t[2 * i]), lo = hex_value(t[2 * i + 1]);
      if (hi < 0 || lo < 0) {
        secure_wipe(raw);
        raw.clear();
        break;
      }
      raw[i] = static_cast<char>(hi * 16 + lo);
    }
  } else if (t.size() == 43 || (t.size() == 44 && t.back() == '=')) {
    // The decoder is strict (alphabet, canonical trailing bits): anything else throws.
    raw.resize(kKeyBytes + 3);
    std::size_t n = 0;
    try {
      n = base64url_decode_to(reinterpret_cast<std::uint8_t *>(&raw[0]), raw.size(), t.substr(0, 43));
    } catch (const Error &) {
      n = 0;
    }
    if (n != kKeyBytes) {
      secure_wipe(raw);
      raw.clear();
    } else {
      raw.resize(kKeyBytes);
    }
  }
  if (raw.size() != kKeyBytes)
    fail(Errc::config, std::string(field) +
                           ": not a 256-bit key (32 raw bytes, 64 hex digits or 43 base64url characters)");
  return SecretString(std::move(raw));
}

Sealer::Sealer(SecretString key) : key_(std::move(key)) {
  if (key_.reveal().size() != kKeyBytes) fail(Errc::config, "cache key: not 32 bytes");
  (void)aes_256_gcm();  // fetched here, so that seal() and open() never fail for want of the cipher
  key_id_ = digest(HashAlg::sha256, "m2mauth cache key id\n" + key_.reveal()).substr(0, kKeyIdBytes);
}

std::string Sealer::seal(std::string_view plaintext, std::string_view aad) const {
  return seal_with_nonce(plaintext, aad, random_bytes(kNonceBytes));
}

std::string Sealer::seal_with_nonce(std::string_view plaintext, std::string_view aad, std::string_view nonce) const {
  if (nonce.size() != kNonceBytes) fail(Errc::invalid_argument, "cache seal: nonce must be 12 bytes");
  if (plaintext.size() > kMaxSealedBytes) fail(Errc::too_large, "cache entry too large");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) fail(Errc::out_of_memory, "out of memory");
  std::string out(kMagic, 4);
  out += key_id_;
  out += nonce;
  const std::size_t head = out.size();
  out.resize(head + plaintext.size() + kTagBytes);
  auto *o = reinterpret_cast<unsigned char *>(&out[0]);
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char *>(key_.reveal().data()),
                               reinterpret_cast<const unsigned char *>(nonce.data())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(aad.data()),
                              static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), o + head, &len, reinterpret_cast<const unsigned char *>(plaintext.data()),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), o + head + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                                o + head + plaintext.size()) == 1;
  if (!ok) {
    secure_wipe(out);
    fail(Errc::generic, "cache seal failed");
  }
  return out;
}

std::optional<SecretString> Sealer::open(std::string_view sealed, std::string_view aad) const {
  if (sealed.size() < kHeaderBytes + kTagBytes || sealed.size() > kMaxSealedBytes + kHeaderBytes + kTagBytes)
    return std::nullopt;
  if (std::memcmp(sealed.data(), kMagic, 4) != 0 || sealed.substr(4, kKeyIdBytes) != key_id_) return std::nullopt;
  const auto *in = reinterpret_cast<const unsigned char *>(sealed.data());
  const std::size_t ct_len = sealed.size() - kHeaderBytes - kTagBytes;
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return std::nullopt;
  std::string plain(ct_len, '\0');
  unsigned char tag[kTagBytes];
  std::memcpy(tag, in + kHeaderBytes + ct_len, kTagBytes);
  int len = 0;
  auto *p = reinterpret_cast<unsigned char *>(&plain[0]);
  bool ok = EVP_DecryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char *>(key_.reveal().data()),
                               in + 4 + kKeyIdBytes) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(aad.data()),
                              static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), p, &len, in + kHeaderBytes, static_cast<int>(ct_len)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), p + len, &len) == 1;
  if (!ok) {
    secure_wipe(plain);
    return std::nullopt;
  }
  return SecretString(std::move(plain));
}

}  // namespace m2mauth::core::cache
