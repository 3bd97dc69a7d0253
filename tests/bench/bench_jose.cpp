// JWT sign and verify throughput per algorithm, as a ratio to raw OpenSSL with the same parsed key,
// measured in the same run, then the growth and floor sections. Targets (README, "Performance"): >= 95 %
// of raw on asymmetric sign, >= 90 % on verify with full claim checks, HS256 >= 1,000,000 signs/s and
// >= 700,000 verifies/s.
//
//   build/tests/bench/bench_jose [seconds-per-round] [--section table|floor|jwks|claims|memory]...
//   bench_jose --only CASE --count N    N calls of one case, nothing else (setup aside): for
//                                       valgrind --tool=callgrind, whose instruction counts repeat where
//                                       wall-clock rates do not (tests/bench/callgrind_jose.sh runs the
//                                       cases at two counts, so that setup cancels)
//   bench_jose --section memory [--keys N]
//
// Sections (all by default):
//   table   every algorithm against raw OpenSSL. "raw" is the fastest raw use of OpenSSL: one EVP_MD_CTX
//           reused with EVP_DigestSign/Verify(Init) for asymmetric keys, one EVP_MAC_CTX restarted per
//           message for HMAC.
//   floor   HS256 JWT sign and verify against the HS256 floor (hs256_floor.hpp: base64url + HMAC, no JSON).
//           Cases: floor-sign jwt-sign jwt-sign-json capi-sign floor-verify jwt-verify capi-verify.
//   jwks    verification through a JWKS of 1, 10, 100, 1000 HS256 keys, the token's kid naming the last
//           key; the ratio of 1000 keys to 1 (target about 1.0). Cases: jwks-1 ... jwks-1000.
//   claims  HS256 sign and verify of claims of 100 B to 100 KB (many members), against the floor over
//           the same claims text; the slope in ns per KB. Cases: claims-{sign,verify,floor-sign,
//           floor-verify}-{100,1000,10000,100000}.
//   memory  heap bytes per key (glibc mallinfo2 over N keys, 10,000 by default) for HMAC-32, RSA-2048,
//           EC P-256 and Ed25519, public and private, next to a bare EVP_PKEY loaded from the same DER;
//           loaded, and after one verification.
#include <malloc.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "hs256_floor.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/jwt.hpp"
#include "m2mauth/core/key.hpp"
#include "m2mauth/m2mauth.h"

using namespace m2mauth::core;

namespace {

Key make_key(Alg alg) {
  switch (alg) {
    case Alg::hs256: return Key::generate_hmac(32);
    case Alg::hs384: return Key::generate_hmac(48);
    case Alg::hs512: return Key::generate_hmac(64);
    case Alg::es256: return Key::generate_ec(Curve::p256);
    case Alg::es384: return Key::generate_ec(Curve::p384);
    case Alg::es512: return Key::generate_ec(Curve::p521);
    case Alg::eddsa: return Key::generate_ed25519();
    default: return Key::generate_rsa(2048);
  }
}

const char *md_name(Alg alg) {
  switch (alg) {
    case Alg::hs384: case Alg::rs384: case Alg::ps384: case Alg::es384: return "SHA384";
    case Alg::hs512: case Alg::rs512: case Alg::ps512: case Alg::es512: return "SHA512";
    case Alg::eddsa: return nullptr;
    default: return "SHA256";
  }
}

bool is_hmac(Alg a) { return a == Alg::hs256 || a == Alg::hs384 || a == Alg::hs512; }
bool is_pss(Alg a) { return a == Alg::ps256 || a == Alg::ps384 || a == Alg::ps512; }

// The claims and the verification policy of the table and floor sections.
Claims standard_claims() {
  Claims claims;
  claims.set_string("iss", "bmp.digital.api.partner");
  claims.set_string("sub", "bmp.digital.api.partner");
  claims.set_string("aud", "https://auth.example.com/connect/token");
  claims.set_int("iat", 1700000000);
  claims.set_int("exp", 4102444800);
  claims.set_random_jti();
  return claims;
}

void standard_policy(Verifier &verifier) {
  verifier.set_issuer("bmp.digital.api.partner");
  verifier.add_audience("https://auth.example.com/connect/token");
  verifier.require_claim("exp");
}

// Raw OpenSSL over the same signing input, sign and verify.
struct Raw {
  Alg alg;
  const Key &key;
  std::string input;
  std::string sig;  // DER for ECDSA
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  EVP_MAC_CTX *mac = nullptr;

  Raw(Alg a, const Key &k, std::string in) : alg(a), key(k), input(std::move(in)) {
    if (is_hmac(alg)) {
      EVP_MAC *m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
      mac = EVP_MAC_CTX_new(m);
      EVP_MAC_free(m);
      OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char *>(md_name(alg)), 0),
                        OSSL_PARAM_construct_end()};
      EVP_MAC_init(mac, key.secret().data(), key.secret().size(), p);
    }
    sign();
  }
  ~Raw() {
    EVP_MD_CTX_free(md);
    EVP_MAC_CTX_free(mac);
  }
  OSSL_PARAM *params() {
    static OSSL_PARAM pss[] = {OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, const_cast<char *>("pss"), 0),
                               OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, const_cast<char *>("digest"), 0),
                               OSSL_PARAM_construct_end()};
    return is_pss(alg) ? pss : nullptr;
  }
  void sign() {
    if (mac != nullptr) {
      unsigned char out[64];
      size_t len = 0;
      EVP_MAC_init(mac, nullptr, 0, nullptr);
      EVP_MAC_update(mac, reinterpret_cast<const unsigned char *>(input.data()), input.size());
      EVP_MAC_final(mac, out, &len, sizeof out);
      sig.assign(reinterpret_cast<char *>(out), len);
      return;
    }
    EVP_DigestSignInit_ex(md, nullptr, md_name(alg), nullptr, nullptr, key.evp(), params());
    size_t len = 0;
    EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char *>(input.data()), input.size());
    sig.resize(len);
    EVP_DigestSign(md, reinterpret_cast<unsigned char *>(sig.data()), &len,
                   reinterpret_cast<const unsigned char *>(input.data()), input.size());
    sig.resize(len);
  }
  void verify() {
    if (mac != nullptr) {
      sign();
      return;
    }
    EVP_DigestVerifyInit_ex(md, nullptr, md_name(alg), nullptr, nullptr, key.evp(), params());
    if (EVP_DigestVerify(md, reinterpret_cast<const unsigned char *>(sig.data()), sig.size(),
                         reinterpret_cast<const unsigned char *>(input.data()), input.size()) != 1)
      std::abort();
  }
};

void run_table(double seconds, int rounds) {
  std::printf("\n[table] every algorithm against raw OpenSSL, best of %d interleaved rounds of %.2f s, one thread\n",
              rounds, seconds);
  std::printf("%-6s | %12s %12s %12s %7s | %12s %12s %7s\n", "alg", "raw sign/s", "jwt sign/s", "C API /s",
              "ratio", "raw verify/s", "jwt verify/s", "ratio");
  for (int a = 1; a <= alg_count; ++a) {
    Alg alg = static_cast<Alg>(a);
    Key key = make_key(alg);
    Claims claims = standard_claims();
    JwsHeader header;
    header.alg = a;
    std::string token = jwt_sign(key, claims, header);
    std::string input = token.substr(0, token.rfind('.'));
    Raw raw(alg, key, input);

    Verifier verifier(key, alg_bit(alg));
    standard_policy(verifier);

    m2mauth_key *ckey = nullptr;
    std::string pem = key.type() == KeyType::oct ? std::string() : key.private_pem(nullptr);
    if (key.type() == KeyType::oct)
      m2mauth_key_from_secret(&ckey, key.secret().data(), key.secret().size());
    else
      m2mauth_key_from_pem(&ckey, reinterpret_cast<const uint8_t *>(pem.data()), pem.size(), nullptr);
    m2mauth_claims *cclaims = nullptr;
    m2mauth_claims_from_json(&cclaims, claims.to_json().c_str());
    m2mauth_jws_header ch = M2MAUTH_JWS_HEADER_INIT;
    ch.alg = a;
    m2mauth_buf out = M2MAUTH_BUF_INIT;

    auto sign_rates = bench::compare(
        {[&] { raw.sign(); }, [&] { (void)jwt_sign(key, claims, header); },
         [&] { m2mauth_jwt_sign(&out, ckey, cclaims, &ch); }},
        rounds, seconds);
    if (alg == Alg::es256 || alg == Alg::es384 || alg == Alg::es512) raw.sign();  // fresh DER signature
    auto verify_rates =
        bench::compare({[&] { raw.verify(); }, [&] { (void)verifier.verify(token); }}, rounds, seconds);
    std::printf("%-6s | %12.0f %12.0f %12.0f %6.1f%% | %12.0f %12.0f %6.1f%%\n", alg_name(alg), sign_rates[0],
                sign_rates[1], sign_rates[2], 100.0 * sign_rates[1] / sign_rates[0], verify_rates[0], verify_rates[1],
                100.0 * verify_rates[1] / verify_rates[0]);
    std::fflush(stdout);
    m2mauth_buf_dispose(&out);
    m2mauth_claims_free(cclaims);
    m2mauth_key_free(ckey);
  }
}

// One named case for --only, and what it needs kept alive.
struct Case {
  std::string name;
  std::function<void()> fn;
};

std::size_t sink = 0;  // results land here, so the calls are not optimised away

// ---- floor: HS256 against base64url + HMAC ------------------------------------------------------

struct FloorSetup {
  Key key = Key::generate_hmac(32);
  Claims claims = standard_claims();
  std::string claims_json = claims.to_json();
  JwsHeader header;
  bench::Hs256Floor floor{key.secret().data(), key.secret().size(), "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"};
  std::string token, floor_token;
  Verifier verifier{key, alg_bit(Alg::hs256)};
  m2mauth_key *ckey = nullptr;
  m2mauth_claims *cclaims = nullptr;
  m2mauth_verifier *cverifier = nullptr;
  m2mauth_jws_header ch = M2MAUTH_JWS_HEADER_INIT;
  m2mauth_buf out = M2MAUTH_BUF_INIT;

  FloorSetup() {
    header.alg = static_cast<int>(Alg::hs256);
    ch.alg = static_cast<int>(Alg::hs256);
    token = jwt_sign(key, claims, header);
    floor_token = floor.sign(claims_json);
    if (floor_token != token) std::abort();  // the same bytes: the same work to do
    standard_policy(verifier);
    m2mauth_key_from_secret(&ckey, key.secret().data(), key.secret().size());
    m2mauth_claims_from_json(&cclaims, claims_json.c_str());
    m2mauth_verifier_new(&cverifier, ckey, M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS256));
    m2mauth_verifier_set_issuer(cverifier, "bmp.digital.api.partner");
    m2mauth_verifier_add_audience(cverifier, "https://auth.example.com/connect/token");
    m2mauth_verifier_require_claim(cverifier, "exp");
  }
  ~FloorSetup() {
    m2mauth_buf_dispose(&out);
    m2mauth_verifier_free(cverifier);
    m2mauth_claims_free(cclaims);
    m2mauth_key_free(ckey);
  }
  std::vector<Case> cases() {
    return {
        {"floor-sign", [this] { sink += floor.sign(claims_json).size(); }},
        {"jwt-sign", [this] { sink += jwt_sign(key, claims, header).size(); }},
        {"jwt-sign-json", [this] { sink += jwt_sign_json(key, claims_json, header).size(); }},
        {"capi-sign", [this] { m2mauth_jwt_sign(&out, ckey, cclaims, &ch); }},
        {"floor-verify", [this] { sink += floor.verify(token).size(); }},
        {"jwt-verify", [this] { sink += verifier.verify(token).header_json().size(); }},
        {"capi-verify",
         [this] {
           m2mauth_claims *c = nullptr;
           if (m2mauth_verifier_verify(&c, cverifier, token.c_str()) != M2MAUTH_OK) std::abort();
           m2mauth_claims_free(c);
         }},
    };
  }
};

void run_floor(double seconds, int rounds) {
  FloorSetup f;
  auto cs = f.cases();
  std::printf("\n[floor] HS256 against base64url + HMAC with no JSON (hs256_floor.hpp), %zu-byte token, best of %d "
              "interleaved rounds of %.2f s\n",
              f.token.size(), rounds, seconds);
  auto sign = bench::compare({cs[0].fn, cs[1].fn, cs[2].fn, cs[3].fn}, rounds, seconds);
  auto verify = bench::compare({cs[4].fn, cs[5].fn, cs[6].fn}, rounds, seconds);
  auto row = [](const char *what, double rate, double floor) {
    std::printf("  %-44s %10.0f /s %8.1f ns   %6.1f %% of the floor\n", what, rate, 1e9 / rate, 100.0 * rate / floor);
  };
  row("sign: floor", sign[0], sign[0]);
  row("sign: jwt_sign (Claims)", sign[1], sign[0]);
  row("sign: jwt_sign_json (text)", sign[2], sign[0]);
  row("sign: C API m2mauth_jwt_sign", sign[3], sign[0]);
  row("verify: floor", verify[0], verify[0]);
  row("verify: Verifier::verify (iss, aud, exp)", verify[1], verify[0]);
  row("verify: C API m2mauth_verifier_verify", verify[2], verify[0]);
  std::printf("  (targets by instruction count, tests/bench/callgrind_jose.sh: sign >= 85 %%, verify >= 80 %%)\n");
}

// ---- jwks: verification cost against the size of the key set ----------------------------------

const int kJwksSizes[] = {1, 10, 100, 1000};

struct JwksSetup {
  int keys;
  std::string token;  // before verifier: make() writes it
  Verifier verifier;

  static std::string kid_of(int i) {
    char kid[32];
    std::snprintf(kid, sizeof kid, "bench-key-%04d", i);
    return kid;
  }
  static std::string jwks_text(int n, std::vector<Key> &out) {
    std::string json = "{\"keys\":[";
    for (int i = 0; i < n; ++i) {
      out.push_back(Key::generate_hmac(32).with_kid(kid_of(i)));
      if (i > 0) json += ',';
      json += private_jwk(out.back());
    }
    return json + "]}";
  }
  static Verifier make(int n, std::string &token) {
    std::vector<Key> keys;
    Verifier v = Verifier::from_jwks(jwks_text(n, keys), alg_bit(Alg::hs256));
    standard_policy(v);
    JwsHeader header;
    header.alg = static_cast<int>(Alg::hs256);
    token = jwt_sign(keys.back(), standard_claims(), header);
    return v;
  }
  explicit JwksSetup(int n) : keys(n), verifier(make(n, token)) {}
  Case verify_case() {
    return {"jwks-" + std::to_string(keys), [this] { sink += verifier.verify(token).header_json().size(); }};
  }
};

void run_jwks(double seconds, int rounds) {
  std::vector<std::unique_ptr<JwksSetup>> sets;
  std::vector<std::function<void()>> fns;
  for (int n : kJwksSizes) {
    sets.push_back(std::make_unique<JwksSetup>(n));
    fns.push_back(sets.back()->verify_case().fn);
  }
  std::printf("\n[jwks] HS256 verification through a JWKS (Verifier::from_jwks), the token's kid naming the last key,"
              " best of %d interleaved rounds of %.2f s\n", rounds, seconds);
  auto r = bench::compare(fns, rounds, seconds);
  for (std::size_t i = 0; i < r.size(); ++i)
    std::printf("  %5d keys %10.0f verifies/s %8.1f ns   %5.2fx the 1-key cost\n", kJwksSizes[i], r[i], 1e9 / r[i],
                r[0] / r[i]);
  std::printf("  ratio 1000 keys / 1 key: %.2f (target about 1.0)\n", r[0] / r.back());
}

// ---- claims: cost against the size of the claims -----------------------------------------------

const std::size_t kClaimSizes[] = {100, 1000, 10000, 100000};

struct ClaimsSetup {
  std::size_t target;
  Key key;
  Claims claims;
  std::string claims_json, token;
  JwsHeader header;
  std::unique_ptr<bench::Hs256Floor> floor;
  Verifier verifier;

  // A claims set of about `bytes` bytes: the registered claims, then members like "ext_0001":
  // "value 0001 of a larger claims set" (roles, scopes, profile data).
  static Claims sized(std::size_t bytes) {
    Claims c;
    c.set_string("iss", "bmp.digital.api.partner");
    c.set_int("exp", 4102444800);
    std::string json = c.to_json();
    for (int i = 0; json.size() + 24 < bytes; ++i) {
      char name[16], value[64];
      std::snprintf(name, sizeof name, "ext_%04d", i);
      std::size_t room = bytes - json.size() - 16;
      std::snprintf(value, sizeof value, "value %04d of a larger claims set", i);
      c.set_string(name, std::string_view(value, std::min(std::strlen(value), room)));
      json = c.to_json();
    }
    return c;
  }
  ClaimsSetup(std::size_t bytes, const Key &k)
      : target(bytes), key(k), claims(sized(bytes)), claims_json(claims.to_json()), verifier(key, alg_bit(Alg::hs256)) {
    header.alg = static_cast<int>(Alg::hs256);
    token = jwt_sign(key, claims, header);
    floor = std::make_unique<bench::Hs256Floor>(key.secret().data(), key.secret().size(),
                                                "{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    if (floor->sign(claims_json) != token) std::abort();
    verifier.set_issuer("bmp.digital.api.partner");
    verifier.require_claim("exp");
    verifier.set_max_size(1u << 20);
  }
  std::vector<Case> cases() {
    std::string n = std::to_string(target);
    return {{"claims-floor-sign-" + n, [this] { sink += floor->sign(claims_json).size(); }},
            {"claims-sign-" + n, [this] { sink += jwt_sign(key, claims, header).size(); }},
            {"claims-floor-verify-" + n, [this] { sink += floor->verify(token).size(); }},
            {"claims-verify-" + n, [this] { sink += verifier.verify(token).header_json().size(); }}};
  }
};

void run_claims(double seconds, int rounds) {
  Key key = Key::generate_hmac(32);
  std::vector<std::unique_ptr<ClaimsSetup>> sets;
  for (std::size_t n : kClaimSizes) sets.push_back(std::make_unique<ClaimsSetup>(n, key));
  std::printf("\n[claims] HS256 sign and verify against claims size, with the floor over the same text, best of %d "
              "interleaved rounds of %.2f s\n", rounds, seconds);
  std::printf("  %9s | %10s %10s %7s | %10s %10s %7s   (ns per call)\n", "claims B", "floor sign", "jwt_sign", "ratio",
              "floor ver.", "verify", "ratio");
  std::vector<std::vector<double>> ns;
  for (auto &set : sets) {
    auto cs = set->cases();
    auto r = bench::compare({cs[0].fn, cs[1].fn, cs[2].fn, cs[3].fn}, rounds, seconds);
    std::vector<double> t;
    for (double x : r) t.push_back(1e9 / x);
    std::printf("  %9zu | %10.0f %10.0f %6.2fx | %10.0f %10.0f %6.2fx\n", set->claims_json.size(), t[0], t[1],
                t[1] / t[0], t[2], t[3], t[3] / t[2]);
    std::fflush(stdout);
    ns.push_back(t);
  }
  double kb = static_cast<double>(sets.back()->claims_json.size() - sets.front()->claims_json.size()) / 1024.0;
  auto slope = [&](int i) { return (ns.back()[i] - ns.front()[i]) / kb; };
  std::printf("  slope, ns per KB of claims: floor sign %.0f, jwt_sign %.0f (%.2fx the floor's); floor verify %.0f,"
              " verify %.0f (%.2fx)\n", slope(0), slope(1), slope(1) / slope(0), slope(2), slope(3), slope(3) / slope(2));
  std::printf("  largest / smallest: floor sign %.0fx, jwt_sign %.0fx; floor verify %.0fx, verify %.0fx\n",
              ns.back()[0] / ns.front()[0], ns.back()[1] / ns.front()[1], ns.back()[2] / ns.front()[2],
              ns.back()[3] / ns.front()[3]);
}

// ---- memory: heap bytes per key -----------------------------------------------------------------

std::size_t heap_in_use() { return mallinfo2().uordblks; }

// Loads n copies of one key both ways from the same PEM (or secret) and reports the heap each holds.
void memory_row(const char *name, const Key &source, Alg alg, bool pub, long n) {
  const bool hmac = source.type() == KeyType::oct;
  const std::string pem = hmac ? std::string() : pub ? source.public_pem() : source.private_pem(nullptr);
  const std::string data = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJiZW5jaCJ9";
  const std::string sig = sign_bytes(source, alg, data);
  auto load_bare = [&]() -> EVP_PKEY * {
    if (hmac) return EVP_PKEY_new_raw_private_key(EVP_PKEY_HMAC, nullptr, source.secret().data(), source.secret().size());
    BIO *bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY *k = pub ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr)
                      : PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return k;
  };
  auto load_key = [&] { return hmac ? Key::from_secret(source.secret().data(), source.secret().size()) : Key::from_pem(pem, nullptr); };
  auto verify = [&](const Key &k) {
    if (!verify_bytes(k, alg, data, sig)) std::abort();
  };
  {  // warm up: whatever OpenSSL and m2mauth create once per process is not a key's
    EVP_PKEY_free(load_bare());
    Key k = load_key();
    verify(k);
  }
  std::vector<EVP_PKEY *> bare;
  bare.reserve(static_cast<std::size_t>(n));
  std::size_t b0 = heap_in_use();
  for (long i = 0; i < n; ++i) bare.push_back(load_bare());
  std::size_t b1 = heap_in_use();
  for (EVP_PKEY *k : bare) EVP_PKEY_free(k);
  std::vector<Key> keys;
  keys.reserve(static_cast<std::size_t>(n));
  std::size_t k0 = heap_in_use();
  for (long i = 0; i < n; ++i) keys.push_back(load_key());
  std::size_t k1 = heap_in_use();
  for (const Key &k : keys) verify(k);
  std::size_t k2 = heap_in_use();
  double per_bare = static_cast<double>(b1 - b0) / static_cast<double>(n);
  double per_key = static_cast<double>(k1 - k0) / static_cast<double>(n);
  double per_used = static_cast<double>(k2 - k0) / static_cast<double>(n);
  std::printf("  %-20s | %10.0f | %10.0f %5.2fx | %14.0f %5.2fx\n", name, per_bare, per_key, per_key / per_bare,
              per_used, per_used / per_bare);
  std::fflush(stdout);
}

void run_memory(long n) {
  std::printf("\n[memory] heap bytes per key (glibc mallinfo2 over %ld keys, each loaded from the same PEM or "
              "secret; the HMAC EVP_PKEY is EVP_PKEY_HMAC)\n", n);
  std::printf("  %-20s | %10s | %10s %6s | %14s %6s\n", "key", "EVP_PKEY", "Key", "ratio", "Key + 1 verify", "ratio");
  Key hmac = Key::generate_hmac(32), rsa = Key::generate_rsa(2048), ec = Key::generate_ec(Curve::p256),
      ed = Key::generate_ed25519();
  memory_row("HMAC-32", hmac, Alg::hs256, false, n);
  memory_row("RSA-2048 public", rsa, Alg::rs256, true, n);
  memory_row("RSA-2048 private", rsa, Alg::rs256, false, n);
  memory_row("EC P-256 public", ec, Alg::es256, true, n);
  memory_row("EC P-256 private", ec, Alg::es256, false, n);
  memory_row("Ed25519 public", ed, Alg::eddsa, true, n);
  memory_row("Ed25519 private", ed, Alg::eddsa, false, n);
  std::printf("  (target: a key <= 1.2x its EVP_PKEY)\n");
}

// --only: one case, count times, after one warm-up call.
int run_only(const std::string &name, long count) {
  std::unique_ptr<FloorSetup> floor;
  std::unique_ptr<JwksSetup> jwks;
  std::unique_ptr<ClaimsSetup> claims;
  std::vector<Case> cases;
  if (name.rfind("jwks-", 0) == 0) {
    jwks = std::make_unique<JwksSetup>(std::atoi(name.c_str() + 5));
    cases.push_back(jwks->verify_case());
  } else if (name.rfind("claims-", 0) == 0) {
    claims = std::make_unique<ClaimsSetup>(std::strtoul(name.c_str() + name.rfind('-') + 1, nullptr, 10),
                                           Key::generate_hmac(32));
    cases = claims->cases();
  } else {
    floor = std::make_unique<FloorSetup>();
    cases = floor->cases();
  }
  for (const Case &c : cases) {
    if (c.name != name) continue;
    c.fn();
    for (long i = 0; i < count; ++i) c.fn();
    return 0;
  }
  std::fprintf(stderr, "bench_jose: no case \"%s\"\n", name.c_str());
  return 2;
}

}  // namespace

int main(int argc, char **argv) {
  double seconds = bench::env_seconds(0.25);
  std::string only;
  long count = 0, keys = 10000;
  std::vector<std::string> sections;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--only" && i + 1 < argc) only = argv[++i];
    else if (a == "--count" && i + 1 < argc) count = std::atol(argv[++i]);
    else if (a == "--keys" && i + 1 < argc) keys = std::atol(argv[++i]);
    else if (a == "--section" && i + 1 < argc) sections.push_back(argv[++i]);
    else if (!a.empty() && a[0] != '-') seconds = std::atof(a.c_str());
    else {
      std::fprintf(stderr, "usage: bench_jose [seconds] [--section table|floor|jwks|claims|memory]... "
                           "[--only CASE --count N] [--keys N]\n");
      return 2;
    }
  }
  if (!only.empty()) return run_only(only, count);
  const int rounds = 3;
  auto wanted = [&](const char *s) { return sections.empty() || std::find(sections.begin(), sections.end(), s) != sections.end(); };
  std::printf("m2mauth JOSE benchmark, one thread\n");
  if (wanted("table")) run_table(seconds, rounds);
  if (wanted("floor")) run_floor(seconds, rounds);
  if (wanted("jwks")) run_jwks(seconds, rounds);
  if (wanted("claims")) run_claims(seconds, rounds);
  if (wanted("memory")) run_memory(keys);
  return 0;
}
