// Compact JWS: algorithm names, protected headers, signing and verification.
#include "m2mauth/core/jws.hpp"

#include <cstring>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"

namespace m2mauth::core {

namespace {

constexpr const char *kAlgNames[alg_count + 1] = {"",      "HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
                                                  "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"};

void append_member(std::string &h, const char *name, std::string_view value) {
  // The header is UTF-8 JSON (RFC 7515 4): a value that is not UTF-8 would make a token no one reads.
  if (!utf8_valid(value)) fail(Errc::invalid_argument, std::string("header \"") + name + "\" is not valid UTF-8");
  h.push_back(',');
  json_quote_append(h, name);
  h.push_back(':');
  json_quote_append(h, value);
}

bool is_reserved(const char *name) {
  return std::strcmp(name, "alg") == 0 || std::strcmp(name, "typ") == 0 || std::strcmp(name, "kid") == 0 ||
         std::strcmp(name, "cty") == 0 || std::strcmp(name, "x5t") == 0 || std::strcmp(name, "x5t#S256") == 0 ||
         std::strcmp(name, "x5c") == 0;
}

std::string build_header(const Key &key, Alg alg, const JwsHeader &opts) {
  std::string h = "{\"alg\":\"";
  h += alg_name(alg);
  h.push_back('"');
  if (opts.typ != nullptr && *opts.typ != '\0') append_member(h, "typ", opts.typ);
  const char *kid = opts.kid != nullptr ? opts.kid : key.kid().c_str();
  if (*kid != '\0') append_member(h, "kid", kid);
  if (opts.cty != nullptr && *opts.cty != '\0') append_member(h, "cty", opts.cty);
  if (opts.cert_members != 0) {
    if (opts.cert == nullptr) fail(Errc::invalid_argument, "x5t, x5t#S256 and x5c need a certificate");
    if (opts.cert_members & 1u) append_member(h, "x5t", opts.cert->fingerprint(HashAlg::sha1, FingerprintFormat::base64url));
    if (opts.cert_members & 2u)
      append_member(h, "x5t#S256", opts.cert->fingerprint(HashAlg::sha256, FingerprintFormat::base64url));
    if (opts.cert_members & 4u) {
      std::string der = opts.cert->der();
      h += ",\"x5c\":[\"";
      h += base64_encode(der);
      h += "\"]";
    }
  }
  if (opts.extra != nullptr) {
    if (!cJSON_IsObject(opts.extra)) fail(Errc::invalid_argument, "extra header must be a JSON object");
    for (const cJSON *m = opts.extra->child; m != nullptr; m = m->next) {
      if (is_reserved(m->string))
        fail(Errc::invalid_argument, std::string("extra header may not set \"") + m->string + "\"; use the option");
      if (std::strcmp(m->string, "crit") == 0 || std::strcmp(m->string, "b64") == 0)
        fail(Errc::unsupported, "\"crit\" and \"b64\" header members are not supported");
      h.push_back(',');
      json_quote_append(h, m->string);
      h.push_back(':');
      h += json_print(m);
    }
  }
  h.push_back('}');
  return h;
}

// The encoded protected header of the last token this thread signed: tokens from one signer share their
// header, so it is built and base64url-encoded once. Only plain headers (no certificate members, no
// extra members) are remembered; the key's process-unique id stands for the key and its kid.
struct HeaderMemo {
  std::uint64_t key_id = 0;
  int alg = 0;
  std::string typ, kid, cty;
  bool has_typ = false, has_kid = false, has_cty = false;
  std::string encoded;

  static bool same(const std::string &s, bool has, const char *p) { return p == nullptr ? !has : has && s == p; }
  static void keep(std::string &s, bool &has, const char *p) {
    has = p != nullptr;
    s = has ? p : "";
  }
  bool matches(const Key &key, Alg a, const JwsHeader &o) const {
    return key_id == key.id() && alg == static_cast<int>(a) && same(typ, has_typ, o.typ) && same(kid, has_kid, o.kid) &&
           same(cty, has_cty, o.cty);
  }
};

void append_encoded_header(std::string &out, const Key &key, Alg alg, const JwsHeader &opts) {
  if (opts.cert_members != 0 || opts.extra != nullptr) {
    std::string header = build_header(key, alg, opts);
    base64url_append(out, reinterpret_cast<const std::uint8_t *>(header.data()), header.size());
    return;
  }
  thread_local HeaderMemo memo;
  if (!memo.matches(key, alg, opts)) {
    std::string header = build_header(key, alg, opts);
    memo.encoded = base64url_encode(reinterpret_cast<const std::uint8_t *>(header.data()), header.size());
    memo.key_id = key.id();
    memo.alg = static_cast<int>(alg);
    HeaderMemo::keep(memo.typ, memo.has_typ, opts.typ);
    HeaderMemo::keep(memo.kid, memo.has_kid, opts.kid);
    HeaderMemo::keep(memo.cty, memo.has_cty, opts.cty);
  }
  out += memo.encoded;
}

}  // namespace

const char *alg_name(Alg alg) noexcept {
  int i = static_cast<int>(alg);
  return i >= 1 && i <= alg_count ? kAlgNames[i] : "";
}

bool alg_known(std::string_view name) noexcept {
  for (int i = 1; i <= alg_count; ++i)
    if (name == kAlgNames[i]) return true;
  return false;
}

Alg alg_from_name(std::string_view name) {
  for (int i = 1; i <= alg_count; ++i)
    if (name == kAlgNames[i]) return static_cast<Alg>(i);
  if (name == "none" || name == "None" || name == "NONE") fail(Errc::algorithm, "algorithm \"none\" is never accepted");
  fail(Errc::algorithm, "unknown or unsupported algorithm");
}

std::uint32_t alg_set_parse(std::string_view names) {
  std::uint32_t set = 0;
  std::size_t i = 0;
  while (i < names.size()) {
    while (i < names.size() && (names[i] == ',' || names[i] == ' ')) ++i;
    std::size_t start = i;
    while (i < names.size() && names[i] != ',' && names[i] != ' ') ++i;
    if (i > start) set |= alg_bit(alg_from_name(names.substr(start, i - start)));
  }
  if (set == 0) fail(Errc::invalid_argument, "empty algorithm list");
  return set;
}

int alg_or_default_from_int(int alg) {
  if (alg < 0 || alg > alg_count) fail(Errc::algorithm, "unknown algorithm");
  return alg;
}

unsigned int cert_members_from_bits(unsigned int members) {
  if ((members & ~cert_members_all) != 0) fail(Errc::invalid_argument, "unknown header member bits");
  return members;
}

Alg alg_default_for(const Key &key) {
  if (key.alg_binding() != 0) return static_cast<Alg>(key.alg_binding());
  switch (key.type()) {
    case KeyType::rsa: return Alg::rs256;
    case KeyType::ec:
      return key.curve() == Curve::p384 ? Alg::es384 : key.curve() == Curve::p521 ? Alg::es512 : Alg::es256;
    case KeyType::okp: return Alg::eddsa;
    case KeyType::oct: return Alg::hs256;
  }
  return Alg::rs256;
}

std::string jws_sign(const Key &key, std::string_view payload, const JwsHeader &opts) {
  if (opts.alg < 0 || opts.alg > alg_count) fail(Errc::algorithm, "unknown algorithm");
  Alg alg = opts.alg == 0 ? alg_default_for(key) : static_cast<Alg>(opts.alg);
  check_key_for_alg(key, alg, true);
  std::string out;
  out.reserve(payload.size() * 4 / 3 + 300);
  append_encoded_header(out, key, alg, opts);
  out.push_back('.');
  base64url_append(out, reinterpret_cast<const std::uint8_t *>(payload.data()), payload.size());
  append_signature_base64url(out, key, alg, out);
  return out;
}

std::string jws_sign_protected(const Key &key, std::string_view protected_header, std::string_view payload) {
  Json header = json_parse_object(protected_header, "protected header");
  auto name = json_get_string(header.get(), "alg", "protected header");
  if (!name) fail(Errc::invalid_argument, "protected header has no \"alg\"");
  Alg alg = alg_from_name(*name);
  if (json_get(header.get(), "crit") != nullptr) fail(Errc::unsupported, "\"crit\" is not supported");
  std::string out = base64url_encode(protected_header);
  out.push_back('.');
  base64url_append(out, reinterpret_cast<const std::uint8_t *>(payload.data()), payload.size());
  std::string sig = sign_bytes(key, alg, out);
  out.push_back('.');
  base64url_append(out, reinterpret_cast<const std::uint8_t *>(sig.data()), sig.size());
  return out;
}

JwsSegments jws_segments(std::string_view token, std::size_t max_size) {
  if (token.empty()) fail(Errc::malformed, "token is empty");
  // A token over the limit is a refused token (the verification family every binding's "invalid token"
  // exception covers), not a resource error: a caller that catches invalid tokens must catch this one too.
  if (token.size() > max_size)
    fail(Errc::malformed, "token refused: " + std::to_string(token.size()) + " bytes, over the verifier's limit of " +
                              std::to_string(max_size));
  std::size_t d1 = token.find('.');
  if (d1 == std::string_view::npos) fail(Errc::malformed, "token is not a compact JWS (no '.')");
  std::size_t d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos) fail(Errc::malformed, "token is not a compact JWS (two parts)");
  if (token.find('.', d2 + 1) != std::string_view::npos)
    fail(Errc::malformed, "token is not a compact JWS (more than three parts; JWE is not supported)");
  JwsSegments seg;
  seg.header_b64 = token.substr(0, d1);
  seg.payload_b64 = token.substr(d1 + 1, d2 - d1 - 1);
  seg.signature_b64 = token.substr(d2 + 1);
  if (seg.header_b64.empty()) fail(Errc::malformed, "JWS header is empty");
  return seg;
}

JwsHeaderInfo jws_parse_header(std::string_view header_b64) {
  JwsHeaderInfo info;
  info.json = base64url_decode_string(header_b64);
  Json header = json_parse_object(info.json, "JWS header");
  const cJSON *alg = json_get(header.get(), "alg");
  if (alg == nullptr) fail(Errc::malformed, "JWS header has no \"alg\"");
  if (!cJSON_IsString(alg)) fail(Errc::malformed, "JWS header \"alg\" is not a string");
  info.alg = alg_from_name(alg->valuestring);
  // RFC 7515 4.1.11: a recipient that does not understand a critical extension must reject the JWS as
  // invalid, so both are refused tokens (EMALFORMED, the verification family), not EUNSUPPORTED.
  if (json_get(header.get(), "crit") != nullptr)
    fail(Errc::malformed, "token refused: its header has \"crit\" extensions, none of which this library understands");
  if (json_get(header.get(), "b64") != nullptr)
    fail(Errc::malformed, "token refused: unencoded payloads (\"b64\", RFC 7797) are not understood");
  if (json_get(header.get(), "enc") != nullptr) fail(Errc::malformed, "token is a JWE, not a JWS");
  if (auto kid = json_get_string(header.get(), "kid", "JWS header")) {
    info.kid = std::string(*kid);
    info.has_kid = true;
  }
  if (auto typ = json_get_string(header.get(), "typ", "JWS header")) {
    info.typ = std::string(*typ);
    info.has_typ = true;
  }
  return info;
}

void jws_verify_signature(const Key &key, Alg alg, const JwsSegments &seg, std::uint32_t allowed) {
  if (allowed == 0) fail(Errc::invalid_argument, "the algorithm allow-list is empty");
  if ((allowed & alg_bit(alg)) == 0)
    fail(Errc::algorithm, std::string("algorithm ") + alg_name(alg) + " is not in the allow-list");
  // Every signature m2mauth verifies fits here (RSA up to 16384 bits); a longer one is decoded to the
  // heap and fails verification like any signature of the wrong length.
  std::uint8_t buf[2048];
  std::string heap;
  std::string_view sig;
  if (seg.signature_b64.size() <= sizeof buf / 3 * 4) {
    std::size_t n = base64url_decode_to(buf, sizeof buf, seg.signature_b64);
    sig = std::string_view(reinterpret_cast<const char *>(buf), n);
  } else {
    heap = base64url_decode_string(seg.signature_b64);
    sig = heap;
  }
  if (sig.empty()) fail(Errc::signature, "the token has no signature");
  if (!verify_bytes(key, alg, seg.signing_input(), sig)) fail(Errc::signature, "signature verification failed");
}

std::string jws_verify(const Key &key, std::string_view token, std::uint32_t allowed, std::size_t max_size) {
  JwsSegments seg = jws_segments(token, max_size);
  JwsHeaderInfo info = jws_parse_header(seg.header_b64);
  jws_verify_signature(key, info.alg, seg, allowed);
  return base64url_decode_string(seg.payload_b64);
}

}  // namespace m2mauth::core
