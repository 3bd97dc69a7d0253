// The HS256 floor for bench_jose: what a compact HS256 JWT costs with nothing but base64url and HMAC, no
// JSON at all. Sign: the fixed header's base64url (made once), base64url of the claims text, HMAC-SHA256
// over the signing input with one EVP_MAC_CTX restarted per message, base64url of the tag. Verify: split
// at the dots, HMAC, decode the signature and compare it in constant time, decode the payload into a
// string. Both produce one std::string per call, as the library does. The base64url here is the plain
// textbook loop (three bytes to four characters, one table lookup per character), written for this benchmark.
#pragma once

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace bench {

class Hs256Floor {
 public:
  Hs256Floor(const std::uint8_t *secret, std::size_t len, std::string_view header_json) {
    EVP_MAC *m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    mac_ = EVP_MAC_CTX_new(m);
    EVP_MAC_free(m);
    OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char *>("SHA256"), 0),
                      OSSL_PARAM_construct_end()};
    if (mac_ == nullptr || EVP_MAC_init(mac_, secret, len, p) != 1) std::abort();
    encode(header_b64_, header_json);
    for (auto &v : decode_) v = -1;
    for (int i = 0; i < 64; ++i) decode_[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  ~Hs256Floor() { EVP_MAC_CTX_free(mac_); }
  Hs256Floor(const Hs256Floor &) = delete;
  Hs256Floor &operator=(const Hs256Floor &) = delete;

  std::string sign(std::string_view claims_json) {
    std::string out;
    out.reserve(header_b64_.size() + claims_json.size() * 4 / 3 + 50);
    out = header_b64_;
    out.push_back('.');
    encode(out, claims_json);
    unsigned char tag[32];
    mac(out, tag);
    out.push_back('.');
    encode(out, std::string_view(reinterpret_cast<const char *>(tag), sizeof tag));
    return out;
  }

  // The decoded payload; aborts on a bad token (the benchmark only verifies good ones).
  std::string verify(std::string_view token) {
    std::size_t d1 = token.find('.'), d2 = token.rfind('.');
    if (d1 == std::string_view::npos || d2 == d1) std::abort();
    unsigned char tag[32];
    mac(token.substr(0, d2), tag);
    std::string sig;
    if (!decode(sig, token.substr(d2 + 1)) || sig.size() != sizeof tag || CRYPTO_memcmp(sig.data(), tag, sizeof tag) != 0)
      std::abort();
    std::string payload;
    if (!decode(payload, token.substr(d1 + 1, d2 - d1 - 1))) std::abort();
    return payload;
  }

 private:
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  void mac(std::string_view input, unsigned char *tag) {
    size_t len = 0;
    if (EVP_MAC_init(mac_, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(mac_, reinterpret_cast<const unsigned char *>(input.data()), input.size()) != 1 ||
        EVP_MAC_final(mac_, tag, &len, 32) != 1)
      std::abort();
  }

  static void encode(std::string &out, std::string_view in) {
    const auto *s = reinterpret_cast<const unsigned char *>(in.data());
    std::size_t n = in.size(), i = 0, at = out.size();
    out.resize(at + (n * 4 + 2) / 3);
    char *o = out.data() + at;
    for (; i + 3 <= n; i += 3) {
      std::uint32_t v = (std::uint32_t{s[i]} << 16) | (std::uint32_t{s[i + 1]} << 8) | s[i + 2];
      *o++ = kAlphabet[v >> 18];
      *o++ = kAlphabet[(v >> 12) & 63];
      *o++ = kAlphabet[(v >> 6) & 63];
      *o++ = kAlphabet[v & 63];
    }
    if (n - i == 1) {
      *o++ = kAlphabet[s[i] >> 2];
      *o++ = kAlphabet[(s[i] & 3) << 4];
    } else if (n - i == 2) {
      *o++ = kAlphabet[s[i] >> 2];
      *o++ = kAlphabet[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
      *o++ = kAlphabet[(s[i + 1] & 15) << 2];
    }
  }

  bool decode(std::string &out, std::string_view in) const {
    const auto *s = reinterpret_cast<const unsigned char *>(in.data());
    std::size_t n = in.size(), i = 0;
    if (n % 4 == 1) return false;
    out.resize(n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1));
    auto *o = reinterpret_cast<unsigned char *>(out.data());
    std::int32_t bad = 0;
    for (; i + 4 <= n; i += 4) {
      std::int32_t a = decode_[s[i]], b = decode_[s[i + 1]], c = decode_[s[i + 2]], d = decode_[s[i + 3]];
      bad |= a | b | c | d;
      std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6) | std::uint32_t(d);
      *o++ = static_cast<unsigned char>(v >> 16);
      *o++ = static_cast<unsigned char>(v >> 8);
      *o++ = static_cast<unsigned char>(v);
    }
    if (n - i >= 2) {
      std::int32_t a = decode_[s[i]], b = decode_[s[i + 1]], c = n - i == 3 ? decode_[s[i + 2]] : 0;
      bad |= a | b | c;
      std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6);
      *o++ = static_cast<unsigned char>(v >> 16);
      if (n - i == 3) *o++ = static_cast<unsigned char>(v >> 8);
    }
    return bad >= 0;
  }

  EVP_MAC_CTX *mac_ = nullptr;
  std::string header_b64_;
  std::array<std::int8_t, 256> decode_{};
};

}  // namespace bench
