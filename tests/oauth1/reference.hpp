// tests/oauth1: a deliberately plain RFC 5849 verifier, written separately from the library's one-pass
// code (decode, build pairs, sort, join; OpenSSL one-shot HMAC and EVP_DigestVerify), so that tests
// compare two implementations rather than the library with itself.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "m2mauth/core/request.hpp"
#include "vector_file.hpp"

namespace oauth1_ref {

using Pair = std::pair<std::string, std::string>;

inline std::string encode(const std::string &s) {
  static const char *hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

inline std::string decode(const std::string &s, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

inline std::vector<Pair> form_pairs(const std::string &form) {
  std::vector<Pair> out;
  std::size_t start = 0;
  while (start <= form.size()) {
    std::size_t end = form.find('&', start);
    if (end == std::string::npos) end = form.size();
    std::string item = form.substr(start, end - start);
    if (!item.empty()) {
      std::size_t eq = item.find('=');
      std::string name = item.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
      out.emplace_back(decode(name, true), decode(value, true));
    }
    start = end + 1;
  }
  return out;
}

inline std::string lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline std::string base_uri(const std::string &url) {
  std::size_t sep = url.find("://");
  std::string scheme = lower(url.substr(0, sep));
  std::string rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find('#'));
  rest = rest.substr(0, rest.find('?'));
  std::size_t slash = rest.find('/');
  std::string authority = lower(rest.substr(0, slash));
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    int port = std::stoi(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
    if (!((scheme == "http" && port == 80) || (scheme == "https" && port == 443)))
      authority += ":" + std::to_string(port);
  }
  return scheme + "://" + authority + path;
}

// What a server receives: the protocol parameters wherever they were sent, and the signature.
struct Received {
  std::string method, url, signature, realm;
  std::vector<Pair> params;  // every signed parameter, decoded
  std::map<std::string, std::string> oauth;  // the protocol parameters, decoded
};

inline bool is_form(const m2mauth::core::Request &r) {
  const std::string *ct = r.header("Content-Type");
  if (ct == nullptr) return false;
  std::string type = lower(ct->substr(0, ct->find(';')));
  type.erase(0, type.find_first_not_of(" \t"));
  type.erase(type.find_last_not_of(" \t") + 1);
  return type == "application/x-www-form-urlencoded";
}

inline Received receive(const m2mauth::core::Request &r) {
  Received got;
  got.method = r.method;
  got.url = r.url;
  std::vector<Pair> all;
  if (const std::string *auth = r.header("Authorization")) {
    for (const auto &[n, v] : oauth1_test::parse_authorization(*auth)) {
      if (n == "realm") got.realm = v;
      else all.emplace_back(decode(n, false), decode(v, false));
    }
  }
  std::string noframe = r.url.substr(0, r.url.find('#'));
  std::size_t q = noframe.find('?');
  if (q != std::string::npos)
    for (auto &p : form_pairs(noframe.substr(q + 1))) all.push_back(p);
  if (is_form(r))
    for (auto &p : form_pairs(r.body)) all.push_back(p);
  for (auto &p : all) {
    if (p.first == "oauth_signature") {
      got.signature = p.second;
      continue;
    }
    if (p.first.rfind("oauth_", 0) == 0) {
      if (got.oauth.count(p.first)) throw std::runtime_error("duplicate protocol parameter " + p.first);
      got.oauth[p.first] = p.second;
    }
    got.params.push_back(p);
  }
  return got;
}

inline std::string normalized(const std::vector<Pair> &params) {
  std::vector<Pair> enc;
  for (const auto &[n, v] : params) enc.emplace_back(encode(n), encode(v));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto &[n, v] : enc) out += (out.empty() ? "" : "&") + n + "=" + v;
  return out;
}

inline std::string base_string(const Received &got) {
  std::string method;
  for (char c : got.method) method += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return encode(method) + "&" + encode(base_uri(got.url)) + "&" + encode(normalized(got.params));
}

inline std::string base64(const unsigned char *data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

inline std::vector<unsigned char> unbase64(const std::string &b64) {
  std::vector<unsigned char> out(b64.size());
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char *>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) throw std::runtime_error("bad base64");
  std::size_t pad = 0;
  while (pad < b64.size() && b64[b64.size() - 1 - pad] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

inline std::string hmac_b64(const EVP_MD *md, const std::string &key, const std::string &data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(data.data()), data.size(),
       mac, &len);
  return base64(mac, len);
}

inline std::string signing_key(const std::string &consumer_secret, const std::string &token_secret) {
  return encode(consumer_secret) + "&" + encode(token_secret);
}

// RSASSA-PKCS1-v1_5 verification with the public key in SPKI PEM.
inline bool rsa_verify(const std::string &public_pem, const EVP_MD *md, const std::string &data, const std::string &sig_b64) {
  BIO *bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY *pkey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (pkey == nullptr) throw std::runtime_error("bad public key");
  std::vector<unsigned char> sig = unbase64(sig_b64);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx, sig.data(), sig.size(), reinterpret_cast<const unsigned char *>(data.data()),
                             data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

}  // namespace oauth1_ref
