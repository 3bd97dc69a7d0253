// JWT sign and verify throughput per algorithm, as a ratio to raw OpenSSL with the same parsed key,
// measured in the same run. Targets (README, "Performance"): >= 95 % of raw on asymmetric sign,
// >= 90 % on verify with full claim checks, HS256 >= 1,000,000 signs/s and >= 700,000 verifies/s.
//
//   build/tests/bench/bench_jose [seconds-per-round]      (M2MAUTH_BENCH_SECONDS also works)
//
// "raw" is the fastest raw use of OpenSSL: one EVP_MD_CTX reused with EVP_DigestSign/Verify(Init)
// for asymmetric keys, one EVP_MAC_CTX restarted per message for HMAC.
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench_util.hpp"
#include "m2mauth/core/encoding.hpp"
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

}  // namespace

int main(int argc, char **argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : bench::env_seconds(0.25);
  const int rounds = 3;
  std::printf("m2mauth JOSE benchmark: best of %d interleaved rounds of %.2f s, one thread\n", rounds, seconds);
  std::printf("%-6s | %12s %12s %12s %7s | %12s %12s %7s\n", "alg", "raw sign/s", "jwt sign/s", "C API /s",
              "ratio", "raw verify/s", "jwt verify/s", "ratio");
  for (int a = 1; a <= alg_count; ++a) {
    Alg alg = static_cast<Alg>(a);
    Key key = make_key(alg);
    Claims claims;
    claims.set_string("iss", "bmp.digital.api.partner");
    claims.set_string("sub", "bmp.digital.api.partner");
    claims.set_string("aud", "https://auth.example.com/connect/token");
    claims.set_int("iat", 1700000000);
    claims.set_int("exp", 4102444800);
    claims.set_random_jti();
    JwsHeader header;
    header.alg = a;
    std::string token = jwt_sign(key, claims, header);
    std::string input = token.substr(0, token.rfind('.'));
    Raw raw(alg, key, input);

    Verifier verifier(key, alg_bit(alg));
    verifier.set_issuer("bmp.digital.api.partner");
    verifier.add_audience("https://auth.example.com/connect/token");
    verifier.require_claim("exp");

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
  return 0;
}
