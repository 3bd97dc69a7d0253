// Internal: what an Oauth1Signer holds, and the RFC 5849 pieces its source files share.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "m2mauth/core/oauth1.hpp"
#include "jose/op_pool.hpp"
#include "base/rfc3986.hpp"

namespace m2mauth::core {

namespace oauth1 {

// ---- encoding into pre-sized buffers (the caller reserves 3 bytes per input byte) ----------------

using rfc3986::encode_to;
using rfc3986::kHexUpper;
using rfc3986::kUnreserved;

// Encodes text that is already encoded (unreserved characters and "%XX" only): "%" becomes "%25".
inline char *reencode_to(char *o, const char *s, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (c == '%') {
      o[0] = '%';
      o[1] = '2';
      o[2] = '5';
      o += 3;
    } else {
      *o++ = c;
    }
  }
  return o;
}

inline char *copy_to(char *o, std::string_view s) noexcept {
  std::memcpy(o, s.data(), s.size());
  return o + s.size();
}

bool ascii_iequal(std::string_view a, std::string_view b) noexcept;

// An absolute http(s) URL cut into views (no copies). Throws Error(invalid_argument).
struct UrlView {
  std::string_view scheme;  // as written; "http" or "https" case-insensitively
  std::string_view host;    // as written, IPv6 with its brackets
  int port = 0;             // 0: none or the scheme's default
  std::string_view path;    // may be empty
  std::string_view query;   // without "?"
  bool has_query = false;
  std::size_t query_end = 0;  // offset in the URL where the query ends (before any "#")
};
UrlView split_url(std::string_view url);

// Section 3.4.1.2 base string URI of u written at o, raw or percent-encoded; at most 3 * (url size + 8)
// bytes. Returns the new end.
char *write_base_string_uri(char *o, const UrlView &u, bool encode) noexcept;

// The request's own parameters (query and form body), RFC 3986-encoded, in one arena.
class ParamList {
 public:
  void clear() noexcept {
    arena_.clear();
    params_.clear();
  }
  // Decodes an application/x-www-form-urlencoded string ("+" is a space) and adds each pair
  // re-encoded. Returns true if a name starts with "oauth_". Throws Error(malformed) on a bad escape.
  bool add_form(std::string_view form);
  // Adds a pair, encoding both.
  void add_raw(std::string_view name, std::string_view value);
  // Sorts by encoded name, then encoded value (byte order).
  void sort();
  std::size_t bytes() const noexcept { return arena_.size(); }
  std::size_t count() const noexcept { return params_.size(); }
  std::string_view name(std::size_t i) const noexcept { return view(params_[i].name_off, params_[i].name_len); }
  std::string_view value(std::size_t i) const noexcept { return view(params_[i].value_off, params_[i].value_len); }
  // Overwrites the arena's bytes (after a form body that may hold secrets took part).
  void wipe() noexcept;

 private:
  struct Param {
    std::uint32_t name_off, name_len, value_off, value_len;
  };
  std::string_view view(std::uint32_t off, std::uint32_t len) const noexcept { return {arena_.data() + off, len}; }
  static char *encode_component(char *o, std::string_view raw);
  std::string arena_;
  std::vector<Param> params_;
};

// The protocol parameters in sorted order, as one block of the normalized parameters with two
// slots: head "oauth_nonce=" NONCE mid "oauth_timestamp=" TIMESTAMP tail. Every protocol name starts
// with "oauth_" and the request may carry none, so each request parameter sorts wholly before or
// after this block (section 3.4.1.3.2), and the block is computed once per signer. Two forms: as the
// normalized parameters read (once encoded) and as the base string holds them (encoded twice).
struct ProtocolBlock {
  std::string head, mid, tail;
  std::size_t static_size() const noexcept { return head.size() + mid.size() + tail.size(); }
};

// Writes the normalized parameters: request parameters before "oauth_", the protocol block, the
// rest. `twice` writes them encoded once more, as the base string holds them. nonce is encoded once.
// Room needed: 3 * bytes + 6 * count + block + 3 * nonce + timestamp + 32.
char *write_normalized(char *o, const ParamList &params, const ProtocolBlock &block, std::string_view nonce,
                       std::string_view timestamp, bool twice) noexcept;

// 26 characters [a-z2-7] carrying 130 bits from the CSPRNG, taken from a per-thread buffer that is
// refilled in batches (one RAND_bytes call costs about a microsecond) and dropped after fork().
void random_nonce(char out[26]);

}  // namespace oauth1

using Oauth1MacPool = OpPool<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using Oauth1PKeyCtxPool = OpPool<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;

struct Oauth1Signer::Impl {
  Oauth1Config config;
  // Protocol parameters that do not change between requests, encoded, in the order they are sent.
  std::vector<std::pair<std::string, std::string>> static_params;
  oauth1::ProtocolBlock block_once, block_twice;
  std::string header_prefix;  // "OAuth realm=\"..\", oauth_consumer_key=\"..\", ..., "
  std::string form_prefix;    // "oauth_consumer_key=..&...&"
  SecretBytes key;            // percent(consumer secret) "&" percent(token secret)

  mutable Oauth1MacPool mac_pool;      // HMAC contexts keyed with `key` (key schedule kept)
  mutable Oauth1PKeyCtxPool rsa_pool;  // RSA PKCS#1 v1.5 signing contexts

  explicit Impl(Oauth1Config c);
  bool is_rsa() const noexcept {
    return config.method == Oauth1Method::rsa_sha1 || config.method == Oauth1Method::rsa_sha256;
  }
  // Throws Error(config) when the method lacks what it needs (an RSA key).
  void check_ready() const;
  // The section 3.4.1.1 base string of req into `base`, using `params` as scratch; the optional
  // outputs receive the base string URI and the normalized parameters. nonce is already encoded.
  // Returns true when a form body took part (its bytes are then in the scratch and `base`).
  bool base_string(const Request &req, std::string_view nonce, std::string_view timestamp, oauth1::ParamList &params,
                   std::string &base, std::string *uri_out, std::string *normalized_out) const;
  // Appends oauth_signature (before its percent-encoding) for a base string.
  void append_signature(std::string &out, std::string_view base) const;
  // Puts the protocol parameters and the signature into req as config.placement says.
  void place(Request &req, std::string_view nonce, std::string_view timestamp, std::string_view signature) const;
  // Throws Error(invalid_argument) when req cannot carry the parameters where config.placement says.
  void check_placement(const Request &req) const;
  // random: the nonce comes from random_nonce() and needs no encoding check.
  void sign(Request &req, std::string_view nonce, std::int64_t timestamp, bool random = false) const;
};

}  // namespace m2mauth::core
