// OAuth 1.0 HMAC-SHA1 request signing (base string, HMAC, Authorization header) per second on one
// thread (one core), in the C++ core and through the C API, next to the raw HMAC over a base string of
// the same length and oauthlib's Client.sign measured in the same run (tests/bench/bench_oauth1.py).
// Targets (README, "Performance"): >= 500,000 signatures per second per core and >= 50x oauthlib.
//
//   build/tests/bench/bench_oauth1 [seconds-per-round]      (M2MAUTH_BENCH_SECONDS also works)
//
// Each call signs with a fresh nonce (CSPRNG) and the clock's timestamp, as production does.
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "m2mauth/core/oauth1.hpp"
#include "m2mauth/m2mauth.h"

using namespace m2mauth::core;

namespace {

const char *kUrl = "https://vault.example.com/iso/pam/credential/robot-test-5?fields=password&limit=10&tenant=acme";

Oauth1Config config() {
  Oauth1Config c;
  c.consumer_key = "senhasegura-app-7f3a9c";
  c.consumer_secret = SecretString("c0nsumer-secret-4b1e8f2d");
  c.token = "a2a-token-93d2c1";
  c.token_secret = SecretString("t0ken-secret-1a6e0b");
  c.realm = "senhasegura";
  return c;
}

m2mauth_oauth1 *c_signer() {
  m2mauth_oauth1 *s = nullptr;
  if (m2mauth_oauth1_new(&s, "senhasegura-app-7f3a9c") != M2MAUTH_OK ||
      m2mauth_oauth1_set_consumer_secret(s, "c0nsumer-secret-4b1e8f2d") != M2MAUTH_OK ||
      m2mauth_oauth1_set_token(s, "a2a-token-93d2c1", "t0ken-secret-1a6e0b") != M2MAUTH_OK ||
      m2mauth_oauth1_set_realm(s, "senhasegura") != M2MAUTH_OK) {
    std::fprintf(stderr, "C API setup failed: %s\n", m2mauth_error_last()->message);
    std::exit(1);
  }
  return s;
}

// The floor: HMAC-SHA1 over the same number of bytes with one reused, pre-keyed EVP_MAC_CTX.
struct RawHmac {
  EVP_MAC_CTX *ctx;
  std::string data;
  explicit RawHmac(std::size_t len) : data(len, 'x') {
    EVP_MAC *mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char *>("SHA1"), 0),
                      OSSL_PARAM_construct_end()};
    const char key[] = "c0nsumer-secret-4b1e8f2d&t0ken-secret-1a6e0b";
    EVP_MAC_init(ctx, reinterpret_cast<const unsigned char *>(key), sizeof key - 1, p);
  }
  ~RawHmac() { EVP_MAC_CTX_free(ctx); }
  void run() {
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t n = 0;
    EVP_MAC_init(ctx, nullptr, 0, nullptr);
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char *>(data.data()), data.size());
    EVP_MAC_final(ctx, out, &n, sizeof out);
  }
};

// oauthlib's rate from bench_oauth1.py, or 0 when Python or oauthlib is missing.
double oauthlib_rate(double seconds) {
  std::string cmd = std::string(M2MAUTH_BENCH_PYTHON) + " " + M2MAUTH_BENCH_OAUTH1_PY + " " +
                    std::to_string(seconds) + " 3 2>/dev/null";
  FILE *p = popen(cmd.c_str(), "r");
  if (p == nullptr) return 0;
  double rate = 0;
  char line[256];
  while (std::fgets(line, sizeof line, p) != nullptr) std::sscanf(line, "oauthlib_client_sign_per_s %lf", &rate);
  pclose(p);
  return rate;
}

// Total signatures per second of `threads` threads sharing one C API signer.
double threaded_rate(const m2mauth_oauth1 *s, int threads, double seconds) {
  std::atomic<bool> stop{false};
  std::atomic<long> total{0};
  std::vector<std::thread> pool;
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      m2mauth_request *r = nullptr;
      m2mauth_request_new(&r, "GET", kUrl);
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < 256; ++i) m2mauth_oauth1_sign(s, r);
        n += 256;
      }
      total += n;
      m2mauth_request_free(r);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto &t : pool) t.join();
  return static_cast<double>(total.load()) / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char **argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : bench::env_seconds(0.5);
  const int rounds = 5;

  const Oauth1Signer signer(config());
  Request req;
  req.url = kUrl;
  std::string base = signer.base_string(req, signer.nonce(), signer.timestamp());
  m2mauth_oauth1 *cs = c_signer();
  m2mauth_request *creq = nullptr;
  m2mauth_request_new(&creq, "GET", kUrl);
  RawHmac raw(base.size());

  std::printf("m2mauth OAuth 1.0 benchmark: HMAC-SHA1, header placement, best of %d interleaved rounds of %.2f s\n",
              rounds, seconds);
  std::printf("request: GET %s\nbase string: %zu bytes; Authorization: %zu bytes\n\n", kUrl, base.size(),
              [&] { Request r = req; signer.sign(r); return r.header("Authorization")->size(); }());

  auto rates = bench::compare({[&] { raw.run(); }, [&] { signer.sign(req); }, [&] { m2mauth_oauth1_sign(cs, creq); }},
                              rounds, seconds);
  double py = oauthlib_rate(seconds * 2);
  auto again = bench::compare({[&] { raw.run(); }, [&] { signer.sign(req); }, [&] { m2mauth_oauth1_sign(cs, creq); }},
                              rounds, seconds);
  for (std::size_t i = 0; i < rates.size(); ++i) rates[i] = std::max(rates[i], again[i]);

  std::printf("%-48s %12.0f /s  %6.3f us\n", "raw HMAC-SHA1 (one pre-keyed EVP_MAC_CTX)", rates[0], 1e6 / rates[0]);
  std::printf("%-48s %12.0f /s  %6.3f us  (%.0f%% of raw HMAC)\n", "core Oauth1Signer::sign", rates[1], 1e6 / rates[1],
              100 * rates[1] / rates[0]);
  std::printf("%-48s %12.0f /s  %6.3f us  (%.0f%% of raw HMAC)\n", "C API m2mauth_oauth1_sign", rates[2], 1e6 / rates[2],
              100 * rates[2] / rates[0]);
  if (py > 0) {
    std::printf("%-48s %12.0f /s  %6.3f us\n", "oauthlib Client.sign (Python, same run)", py, 1e6 / py);
    std::printf("\nratio C API / oauthlib: %.0fx (target >= 50x) %s\n", rates[2] / py, rates[2] / py >= 50 ? "ok" : "MISSED");
  } else {
    std::printf("\noauthlib not available (%s with oauthlib): no ratio\n", M2MAUTH_BENCH_PYTHON);
  }
  std::printf("C API per core: %.0f /s (target >= 500,000) %s\n", rates[2], rates[2] >= 500000 ? "ok" : "MISSED");

  double one = threaded_rate(cs, 1, seconds * 2), two = threaded_rate(cs, 2, seconds * 2);
  std::printf("one signer shared by 2 threads: %.0f /s total, %.2fx one thread\n", two, two / one);

  m2mauth_request_free(creq);
  m2mauth_oauth1_free(cs);
  return 0;
}
