// JWS algorithms and compact serialization (RFC 7515, RFC 7518, RFC 8037).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <cjson/cJSON.h>

#include "m2mauth/core/json.hpp"
#include "m2mauth/core/key.hpp"

namespace m2mauth::core {

class Certificate;

enum class Alg {
  hs256 = 1, hs384, hs512,
  rs256, rs384, rs512,
  ps256, ps384, ps512,
  es256, es384, es512,
  eddsa,
};
constexpr int alg_count = 13;

const char *alg_name(Alg alg) noexcept;
// Throws Errc::algorithm for "none" and unknown names.
Alg alg_from_name(std::string_view name);
// True for names alg_from_name accepts.
bool alg_known(std::string_view name) noexcept;
// Bit set helpers for allow-lists.
constexpr std::uint32_t alg_bit(Alg alg) { return 1u << static_cast<unsigned>(alg); }
constexpr std::uint32_t alg_all_bits = ((1u << (alg_count + 1)) - 2u);
std::uint32_t alg_set_parse(std::string_view names);
Alg alg_default_for(const Key &key);
// An algorithm given as a number (C API, bindings): 0 (the key's default) or an Alg value. Throws
// Error(algorithm) for anything else.
int alg_or_default_from_int(int alg);
// Throws Errc::key_type when key cannot be used with alg (family, curve, RSA < 2048 bits for signing).
void check_key_for_alg(const Key &key, Alg alg, bool signing);
// True when alg is of the key's type (and curve): what a JWK's "alg" must satisfy. Sizes are not
// checked here (check_key_for_alg refuses small keys when they are used).
bool alg_fits_key_type(const Key &key, Alg alg) noexcept;

// Low level: signature over data (the JWS signing input). ECDSA signatures are raw R||S.
std::string sign_bytes(const Key &key, Alg alg, std::string_view data);
// Appends "." and the base64url signature over data to out; data may be out's own text (it is read
// before out grows). What jws_sign does after the signing input, without a string per signature.
void append_signature_base64url(std::string &out, const Key &key, Alg alg, std::string_view data);
// False when the signature does not verify (never throws for a bad signature; throws for bad keys).
bool verify_bytes(const Key &key, Alg alg, std::string_view data, std::string_view signature);

// Protected header options.
struct JwsHeader {
  int alg = 0;                     // 0: default for the key
  const char *typ = nullptr;       // nullptr: none ("JWT" chosen by the JWT signer)
  const char *kid = nullptr;       // nullptr: the key's kid
  const char *cty = nullptr;
  const Certificate *cert = nullptr;
  unsigned int cert_members = 0;   // 1 x5t, 2 x5t#S256, 4 x5c
  const cJSON *extra = nullptr;    // members added to the header
};
// Every JwsHeader::cert_members bit.
constexpr unsigned int cert_members_all = 7u;
// cert_members given as bits: returned as is, or Error(invalid_argument) for unknown bits.
unsigned int cert_members_from_bits(unsigned int members);

std::string jws_sign(const Key &key, std::string_view payload, const JwsHeader &header);
// Signs with exactly these protected-header bytes (a JSON object naming "alg"), as known-answer
// vectors need: the header is not re-serialised.
std::string jws_sign_protected(const Key &key, std::string_view protected_header, std::string_view payload);

// The three segments of a compact JWS, not decoded. Throws Errc::malformed / Errc::too_large.
struct JwsSegments {
  std::string_view header_b64;
  std::string_view payload_b64;
  std::string_view signature_b64;
  // header_b64 "." payload_b64: what the signature covers.
  std::string_view signing_input() const noexcept {
    return {header_b64.data(), header_b64.size() + 1 + payload_b64.size()};
  }
};
JwsSegments jws_segments(std::string_view token, std::size_t max_size);

// A decoded and checked protected header: valid JSON object, no duplicate members, a known "alg"
// (never "none"), no "crit", "b64" or "enc". Throws Errc::malformed / algorithm / unsupported.
struct JwsHeaderInfo {
  Alg alg{};
  std::string json;  // the decoded header text
  std::string kid;
  bool has_kid = false;
  std::string typ;
  bool has_typ = false;
};
JwsHeaderInfo jws_parse_header(std::string_view header_b64);

// Checks alg against the allow-list and the key, then the signature. Throws Errc::algorithm,
// key_type, signature.
void jws_verify_signature(const Key &key, Alg alg, const JwsSegments &segments, std::uint32_t allowed);

// Verifies token and returns the payload. allowed is an alg bit set.
std::string jws_verify(const Key &key, std::string_view token, std::uint32_t allowed,
                       std::size_t max_size = 1u << 20);

}  // namespace m2mauth::core
