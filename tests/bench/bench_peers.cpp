// C peers: JWT sign and verify through m2mauth's C API next to libjwt (when built with it) and the raw
// OpenSSL floor, measured in the same run: contenders interleaved round by round, the median round kept.
//
//   build/tests/bench/bench_peers [seconds-per-round]         wall clock table with ratios
//   build/tests/bench/bench_peers --one NAME ALG OP COUNT      COUNT calls of one contender (for callgrind:
//                                                              tests/bench/callgrind_peers.sh runs it)
//
// Each call does what an application does per token. Sign: build the claims (iss, sub, aud, iat, exp,
// jti) and produce the compact JWT. Verify: check the signature and iss, aud and exp, read the claims.
// "raw" is the floor under both: the signature alone over the same signing input with one reused
// EVP_MD_CTX (EVP_MAC_CTX for HMAC), no JSON, no base64url. libjwt 1.x takes its key as PEM text per
// token (its API has no parsed-key object) and has no EdDSA; those rows print "n/a".
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#ifdef M2MAUTH_BENCH_LIBJWT
#include <jwt.h>
#endif

#include "bench_util.hpp"
#include "m2mauth/m2mauth.h"

namespace {

const char *const kIss = "bmp.digital.api.partner";
const char *const kAud = "https://auth.example.com/connect/token";
const unsigned char kSecret[32] = {'m', '2', 'm', 'a', 'u', 't', 'h', '-', 'b', 'e', 'n', 'c', 'h', '-', 'h', 's',
                                   '2', '5', '6', '-', 's', 'e', 'c', 'r', 'e', 't', '-', '3', '2', 'b', 'y', 't'};

std::string slurp(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

void check(m2mauth_status st, const char *what) {
  if (st != 0) {
    std::fprintf(stderr, "%s: %s\n", what, m2mauth_error_last()->message);
    std::exit(1);
  }
}

struct Case {
  const char *name;
  int alg;          // m2mauth_alg
  const char *md;   // digest for raw, nullptr for EdDSA
  std::string priv, pub;  // PEM (empty for HMAC)
};

std::vector<Case> cases() {
  std::string dir = M2MAUTH_BENCH_KEYS;
  return {{"HS256", M2MAUTH_ALG_HS256, "SHA256", "", ""},
          {"RS256", M2MAUTH_ALG_RS256, "SHA256", slurp(dir + "/rsa2048.pem"), slurp(dir + "/rsa2048.pub.pem")},
          {"ES256", M2MAUTH_ALG_ES256, "SHA256", slurp(dir + "/ec-p256.pem"), slurp(dir + "/ec-p256.pub.pem")},
          {"EdDSA", M2MAUTH_ALG_EDDSA, nullptr, slurp(dir + "/ed25519.pem"), slurp(dir + "/ed25519.pub.pem")}};
}

// ---- m2mauth, through the C API ------------------------------------------------------------------
struct Ours {
  m2mauth_key *key = nullptr, *pub = nullptr;
  m2mauth_verifier *verifier = nullptr;
  m2mauth_jws_header header = M2MAUTH_JWS_HEADER_INIT;
  m2mauth_buf out = M2MAUTH_BUF_INIT;
  std::string token;

  explicit Ours(const Case &c) {
    if (c.priv.empty()) {
      check(m2mauth_key_from_secret(&key, kSecret, sizeof kSecret), "key");
      check(m2mauth_key_from_secret(&pub, kSecret, sizeof kSecret), "key");
    } else {
      check(m2mauth_key_from_pem(&key, reinterpret_cast<const uint8_t *>(c.priv.data()), c.priv.size(), nullptr), "key");
      check(m2mauth_key_from_pem(&pub, reinterpret_cast<const uint8_t *>(c.pub.data()), c.pub.size(), nullptr), "key");
    }
    header.alg = c.alg;
    check(m2mauth_verifier_new(&verifier, pub, m2mauth_alg_bit(c.alg)), "verifier");
    check(m2mauth_verifier_set_issuer(verifier, kIss), "verifier");
    check(m2mauth_verifier_add_audience(verifier, kAud), "verifier");
    check(m2mauth_verifier_require_claim(verifier, "exp"), "verifier");
    sign();
    token.assign(reinterpret_cast<const char *>(out.ptr), out.size);
  }
  ~Ours() {
    m2mauth_buf_dispose(&out);
    m2mauth_verifier_free(verifier);
    m2mauth_key_free(key);
    m2mauth_key_free(pub);
  }
  void sign() {
    m2mauth_claims *claims = nullptr;
    check(m2mauth_claims_new(&claims), "claims");
    m2mauth_claims_set_string(claims, "iss", kIss);
    m2mauth_claims_set_string(claims, "sub", kIss);
    m2mauth_claims_set_string(claims, "aud", kAud);
    m2mauth_claims_set_int(claims, "iat", 1700000000);
    m2mauth_claims_set_int(claims, "exp", 4102444800);
    m2mauth_claims_set_random_jti(claims);
    check(m2mauth_jwt_sign(&out, key, claims, &header), "sign");
    m2mauth_claims_free(claims);
  }
  void verify(const std::string &t) {
    m2mauth_claims *claims = nullptr;
    check(m2mauth_verifier_verify(&claims, verifier, t.c_str()), "verify");
    m2mauth_claims_free(claims);
  }
};

// ---- raw OpenSSL: the signature alone over the same signing input ----------------------------------
struct Raw {
  EVP_PKEY *pkey = nullptr;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  EVP_MAC_CTX *mac = nullptr;
  const char *digest;
  std::string input;
  std::vector<unsigned char> sig;

  Raw(const Case &c, const std::string &token) : digest(c.md), input(token.substr(0, token.rfind('.'))) {
    if (c.priv.empty()) {
      EVP_MAC *m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
      mac = EVP_MAC_CTX_new(m);
      EVP_MAC_free(m);
      OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char *>(digest), 0),
                        OSSL_PARAM_construct_end()};
      EVP_MAC_init(mac, kSecret, sizeof kSecret, p);
    } else {
      BIO *bio = BIO_new_mem_buf(c.priv.data(), static_cast<int>(c.priv.size()));
      pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
      BIO_free(bio);
    }
    sign();
  }
  ~Raw() {
    EVP_MD_CTX_free(md);
    EVP_MAC_CTX_free(mac);
    EVP_PKEY_free(pkey);
  }
  void sign() {
    const auto *in = reinterpret_cast<const unsigned char *>(input.data());
    size_t len = 0;
    if (mac != nullptr) {
      sig.resize(64);
      EVP_MAC_init(mac, nullptr, 0, nullptr);
      EVP_MAC_update(mac, in, input.size());
      EVP_MAC_final(mac, sig.data(), &len, sig.size());
      return;
    }
    EVP_DigestSignInit_ex(md, nullptr, digest, nullptr, nullptr, pkey, nullptr);
    EVP_DigestSign(md, nullptr, &len, in, input.size());
    sig.resize(len);
    EVP_DigestSign(md, sig.data(), &len, in, input.size());
    sig.resize(len);
  }
  void verify() {
    if (mac != nullptr) {
      sign();
      return;
    }
    EVP_DigestVerifyInit_ex(md, nullptr, digest, nullptr, nullptr, pkey, nullptr);
    if (EVP_DigestVerify(md, sig.data(), sig.size(), reinterpret_cast<const unsigned char *>(input.data()),
                         input.size()) != 1)
      std::abort();
  }
};

#ifdef M2MAUTH_BENCH_LIBJWT
// ---- libjwt: its documented use, key as PEM bytes -----------------------------------------------
struct LibJwt {
  jwt_alg_t alg = JWT_ALG_NONE;
  std::string priv, pub;
  std::string token;

  explicit LibJwt(const Case &c) {
    alg = jwt_str_alg(c.name);
    if (c.priv.empty()) {
      priv.assign(reinterpret_cast<const char *>(kSecret), sizeof kSecret);
      pub = priv;
    } else {
      priv = c.priv;
      pub = c.pub;
    }
  }
  static bool supports(const Case &c) { return jwt_str_alg(c.name) != JWT_ALG_INVAL; }
  void sign() {
    jwt_t *jwt = nullptr;
    if (jwt_new(&jwt) != 0) std::abort();
    jwt_add_grant(jwt, "iss", kIss);
    jwt_add_grant(jwt, "sub", kIss);
    jwt_add_grant(jwt, "aud", kAud);
    jwt_add_grant_int(jwt, "iat", 1700000000);
    jwt_add_grant_int(jwt, "exp", 4102444800);
    char jti[37];
    unsigned char r[16];
    for (auto &b : r) b = static_cast<unsigned char>(std::rand());
    std::snprintf(jti, sizeof jti, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
                  r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
    jwt_add_grant(jwt, "jti", jti);
    if (jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char *>(priv.data()), static_cast<int>(priv.size())) != 0)
      std::abort();
    char *s = jwt_encode_str(jwt);
    if (s == nullptr) std::abort();
    token = s;
    free(s);
    jwt_free(jwt);
  }
  void verify(const std::string &t) {
    jwt_t *jwt = nullptr;
    if (jwt_decode(&jwt, t.c_str(), reinterpret_cast<const unsigned char *>(pub.data()), static_cast<int>(pub.size())) != 0 ||
        jwt_get_alg(jwt) != alg)
      std::abort();
    const char *iss = jwt_get_grant(jwt, "iss");
    const char *aud = jwt_get_grant(jwt, "aud");
    long exp = jwt_get_grant_int(jwt, "exp");
    if (iss == nullptr || std::strcmp(iss, kIss) != 0 || aud == nullptr || std::strcmp(aud, kAud) != 0 ||
        exp <= static_cast<long>(time(nullptr)))
      std::abort();
    jwt_free(jwt);
  }
};
#endif

void describe_machine() {
  std::string model = "unknown CPU";
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  double load[3] = {0, 0, 0};
  if (FILE *f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
    std::fclose(f);
  }
  std::printf("machine: %s, %ld CPUs online, load average %.2f; %s; m2mauth %d\n", model.c_str(),
              sysconf(_SC_NPROCESSORS_ONLN), load[0], OpenSSL_version(OPENSSL_VERSION), m2mauth_version_number());
}

// Runs COUNT calls of one contender: the callgrind script subtracts two counts to get instructions per call.
int run_one(const std::string &who, const std::string &alg, const std::string &op, long count) {
  for (const Case &c : cases()) {
    if (alg != c.name) continue;
    Ours ours(c);
    std::function<void()> fn;
    Raw raw(c, ours.token);
#ifdef M2MAUTH_BENCH_LIBJWT
    LibJwt lj(c);
    if (who == "libjwt" && !LibJwt::supports(c)) return 3;
    if (who == "libjwt") lj.sign();
    if (who == "libjwt") fn = op == "sign" ? std::function<void()>([&] { lj.sign(); }) : [&] { lj.verify(ours.token); };
#endif
    if (who == "m2mauth") fn = op == "sign" ? std::function<void()>([&] { ours.sign(); }) : [&] { ours.verify(ours.token); };
    if (who == "raw") fn = op == "sign" ? std::function<void()>([&] { raw.sign(); }) : [&] { raw.verify(); };
    if (!fn) return 3;
    for (long i = 0; i < count; ++i) fn();
    return 0;
  }
  return 3;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc == 6 && std::strcmp(argv[1], "--one") == 0) return run_one(argv[2], argv[3], argv[4], std::atol(argv[5]));
  double seconds = argc > 1 ? std::atof(argv[1]) : bench::env_seconds(0.2);
  const int rounds = 5;
  describe_machine();
#ifdef M2MAUTH_BENCH_LIBJWT
  std::printf("libjwt %s\n", M2MAUTH_BENCH_LIBJWT);
#else
  std::printf("libjwt not found (install libjwt-dev and reconfigure for its rows)\n");
#endif
  std::printf("median of %d interleaved rounds of %.2f s, one thread; ratio = m2mauth rate / other rate\n\n", rounds,
              seconds);
  std::printf("%-13s | %11s %11s %11s | %9s %9s\n", "row", "m2mauth/s", "libjwt/s", "raw/s", "vs libjwt", "vs raw");
  for (const Case &c : cases()) {
    Ours ours(c);
    Raw raw(c, ours.token);
    for (const char *op : {"sign", "verify"}) {
      bool is_sign = std::strcmp(op, "sign") == 0;
      std::vector<std::function<void()>> fns;
      fns.push_back(is_sign ? std::function<void()>([&] { ours.sign(); }) : [&] { ours.verify(ours.token); });
      fns.push_back(is_sign ? std::function<void()>([&] { raw.sign(); }) : [&] { raw.verify(); });
      bool with_libjwt = false;
#ifdef M2MAUTH_BENCH_LIBJWT
      LibJwt lj(c);
      if (LibJwt::supports(c)) {
        lj.sign();
        lj.verify(ours.token);  // each verifies the other's token before anything is timed
        ours.verify(lj.token);
        fns.push_back(is_sign ? std::function<void()>([&] { lj.sign(); }) : [&] { lj.verify(ours.token); });
        with_libjwt = true;
      }
#endif
      std::vector<double> r = bench::compare_median(fns, rounds, seconds);
      char row[32], lj_rate[16] = "n/a", lj_ratio[16] = "n/a";
      std::snprintf(row, sizeof row, "%s %s", c.name, op);
      if (with_libjwt) {
        std::snprintf(lj_rate, sizeof lj_rate, "%.0f", r[2]);
        std::snprintf(lj_ratio, sizeof lj_ratio, "%.2fx", r[0] / r[2]);
      }
      std::printf("%-13s | %11.0f %11s %11.0f | %9s %8.2fx\n", row, r[0], lj_rate, r[1], lj_ratio, r[0] / r[1]);
      std::fflush(stdout);
    }
  }
  return 0;
}
