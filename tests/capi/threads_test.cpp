// One key (and one verifier) shared by 8 threads that sign and verify at the same time.
#include <atomic>
#include <thread>
#include <vector>

#include "capi_support.hpp"

using capi::Buf;

namespace {

constexpr int kThreads = 8;

// Runs body(thread index) on kThreads threads started together; returns the number of failures.
template <typename F>
int run_threads(F body) {
  std::atomic<int> failures{0}, ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      failures.fetch_add(body(i));
    });
  for (auto &t : threads) t.join();
  return failures.load();
}

}  // namespace

TEST_CASE("one key signs and verifies from 8 threads, for every key type") {
  auto doc = capi::jose();
  for (const char *name : {"hmac256", "rsa2048", "ec_p256", "ec_p521", "ed25519"}) {
    INFO(std::string(name));
    auto key = capi::test_key(doc.get(), name);
    const int alg = m2mauth_alg_default_for(key.get());
    const int iterations = std::string(name).rfind("rsa", 0) == 0 ? 40 : 200;
    // Tokens made by each thread, verified by every other thread afterwards.
    std::vector<std::vector<std::string>> made(kThreads);
    std::vector<std::string> fixed(kThreads);
    int failures = run_threads([&](int t) {
      int bad = 0;
      Buf f;
      if (m2mauth_jws_sign(f.out(), key.get(), capi::bytes(std::string("same")), 4, nullptr) != M2MAUTH_OK) ++bad;
      fixed[t] = f.str();
      for (int i = 0; i < iterations; ++i) {
        const std::string payload = "thread " + std::to_string(t) + " message " + std::to_string(i);
        Buf token, out;
        if (m2mauth_jws_sign(token.out(), key.get(), capi::bytes(payload), payload.size(), nullptr) != M2MAUTH_OK) {
          ++bad;
          continue;
        }
        if (m2mauth_jws_verify(out.out(), key.get(), token.c_str(), m2mauth_alg_bit(alg)) != M2MAUTH_OK || out.str() != payload) ++bad;
        // A tampered token fails on this thread, with this thread's error record.
        std::string tampered = token.str();
        tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
        if (m2mauth_jws_verify(out.out(), key.get(), tampered.c_str(), m2mauth_alg_bit(alg)) != M2MAUTH_ESIGNATURE ||
            m2mauth_error_last()->code != M2MAUTH_ESIGNATURE)
          ++bad;
        made[t].push_back(token.str());
      }
      return bad;
    });
    CHECK(failures == 0);
    failures = run_threads([&](int t) {
      int bad = 0;
      for (const auto &token : made[(t + 1) % kThreads]) {
        Buf out;
        if (m2mauth_jws_verify(out.out(), key.get(), token.c_str(), m2mauth_alg_bit(alg)) != M2MAUTH_OK) ++bad;
      }
      return bad;
    });
    CHECK(failures == 0);
    // Deterministic algorithms give the same token on every thread; ECDSA a different one each time.
    for (int t = 1; t < kThreads; ++t) {
      if (alg == M2MAUTH_ALG_ES256 || alg == M2MAUTH_ALG_ES512) CHECK(fixed[t] != fixed[0]);
      else CHECK(fixed[t] == fixed[0]);
    }
  }
}

// A key makes its operation contexts on first use, per algorithm: 8 threads use fresh keys for the first
// time at once, each thread with another algorithm of the key's type, so that making and publishing the
// contexts of one key race (run under ThreadSanitizer by .ci/sanitize).
TEST_CASE("fresh keys are first used from 8 threads at once, with several algorithms each") {
  auto doc = capi::jose();
  struct Spec {
    const char *name;
    std::vector<int> algs;
  };
  const Spec specs[] = {{"hmac512", {M2MAUTH_ALG_HS256, M2MAUTH_ALG_HS384, M2MAUTH_ALG_HS512}},
                        {"rsa2048",
                         {M2MAUTH_ALG_RS256, M2MAUTH_ALG_RS384, M2MAUTH_ALG_RS512, M2MAUTH_ALG_PS256, M2MAUTH_ALG_PS384,
                          M2MAUTH_ALG_PS512}},
                        {"ec_p256", {M2MAUTH_ALG_ES256}},
                        {"ed25519", {M2MAUTH_ALG_EDDSA}}};
  for (const Spec &spec : specs) {
    INFO(std::string(spec.name));
    for (int round = 0; round < 3; ++round) {
      auto key = capi::test_key(doc.get(), spec.name);  // fresh: no context made yet
      const int failures = run_threads([&](int t) {
        int bad = 0;
        m2mauth_jws_header header = M2MAUTH_JWS_HEADER_INIT;
        header.alg = spec.algs[static_cast<std::size_t>(t) % spec.algs.size()];
        for (int i = 0; i < 3; ++i) {
          Buf token, out;
          if (m2mauth_jws_sign(token.out(), key.get(), capi::bytes(std::string("first use")), 9, &header) != M2MAUTH_OK ||
              m2mauth_jws_verify(out.out(), key.get(), token.c_str(), m2mauth_alg_bit(header.alg)) != M2MAUTH_OK ||
              out.str() != "first use")
            ++bad;
        }
        return bad;
      });
      CHECK(failures == 0);
    }
  }
}

TEST_CASE("one JWT verifier (with its header cache) serves 8 threads while the tokens vary") {
  auto doc = capi::jose();
  auto key = capi::test_key(doc.get(), "ec_p256");
  m2mauth_verifier *raw = nullptr;
  REQUIRE_OK(m2mauth_verifier_new(&raw, key.get(), M2MAUTH_ALG_BIT(M2MAUTH_ALG_ES256)));
  capi::VerifierPtr v(raw);
  REQUIRE_OK(m2mauth_verifier_set_issuer(raw, "iss"));
  // Eight distinct headers (by kid) so the cache sees more headers than it holds.
  std::vector<std::string> good, bad;
  for (int i = 0; i < 16; ++i) {
    m2mauth_jws_header h = M2MAUTH_JWS_HEADER_INIT;
    const std::string kid = "kid-" + std::to_string(i % 8);
    h.kid = kid.c_str();
    Buf t;
    REQUIRE_OK(m2mauth_jwt_sign_json(t.out(), key.get(), (R"({"iss":"iss","n":)" + std::to_string(i) + "}").c_str(), &h));
    good.push_back(t.str());
    REQUIRE_OK(m2mauth_jwt_sign_json(t.out(), key.get(), R"({"iss":"other"})", &h));
    bad.push_back(t.str());
  }
  const int failures = run_threads([&](int t) {
    int wrong = 0;
    for (int round = 0; round < 30; ++round) {
      for (std::size_t i = 0; i < good.size(); ++i) {
        const std::size_t j = (i + static_cast<std::size_t>(t)) % good.size();
        m2mauth_claims *c = nullptr;
        if (m2mauth_verifier_verify(&c, raw, good[j].c_str()) != M2MAUTH_OK) ++wrong;
        int64_t n = -1;
        if (c == nullptr || m2mauth_claims_get_int(&n, c, "n") != M2MAUTH_OK || n != static_cast<int64_t>(j)) ++wrong;
        m2mauth_claims_free(c);
        c = nullptr;
        if (m2mauth_verifier_verify(&c, raw, bad[j].c_str()) != M2MAUTH_ECLAIM || c != nullptr) ++wrong;
      }
    }
    return wrong;
  });
  CHECK(failures == 0);
}

TEST_CASE("keys are created, used and freed on 8 threads at once") {
  const int failures = run_threads([](int t) {
    int bad = 0;
    for (int i = 0; i < 20; ++i) {
      m2mauth_key *k = nullptr;
      int rc = (t % 2 == 0) ? m2mauth_key_generate_ec(&k, "P-256") : m2mauth_key_generate_ed25519(&k);
      if (rc != M2MAUTH_OK) {
        ++bad;
        continue;
      }
      m2mauth_key *pub = nullptr;
      Buf token, jwk, out;
      if (m2mauth_key_public(&pub, k) != M2MAUTH_OK || m2mauth_jws_sign(token.out(), k, nullptr, 0, nullptr) != M2MAUTH_OK ||
          m2mauth_key_public_jwk(jwk.out(), pub, nullptr, nullptr) != M2MAUTH_OK)
        ++bad;
      m2mauth_key_free(k);  // the token must still verify with the public copy after the original is gone
      if (m2mauth_jws_verify(out.out(), pub, token.c_str(), 0xFFFFFFFEu & ((1u << 14) - 1)) != M2MAUTH_OK) ++bad;
      m2mauth_key_free(pub);
    }
    return bad;
  });
  CHECK(failures == 0);
}

TEST_CASE("verified claims are read from 8 threads at once (the tree is built on first use)") {
  auto doc = capi::jose();
  auto key = capi::test_key(doc.get(), "hmac256");
  Buf token;
  REQUIRE_OK(m2mauth_jwt_sign_json(token.out(), key.get(), R"({"sub":"s","n":7,"o":{"a":[1,2,3]}})", nullptr));
  m2mauth_verifier *v = nullptr;
  REQUIRE_OK(m2mauth_verifier_new(&v, key.get(), M2MAUTH_ALG_BIT(M2MAUTH_ALG_HS256)));
  capi::VerifierPtr vp(v);
  for (int round = 0; round < 50; ++round) {
    m2mauth_claims *c = nullptr;
    REQUIRE_OK(m2mauth_verifier_verify(&c, v, token.c_str()));
    capi::ClaimsPtr cp(c);
    const int failures = run_threads([&](int t) {
      Buf out;
      int64_t n = 0;
      switch (t % 4) {
        case 0: return m2mauth_claims_get_string(out.out(), c, "sub") == M2MAUTH_OK && out.str() == "s" ? 0 : 1;
        case 1: return m2mauth_claims_get_int(&n, c, "n") == M2MAUTH_OK && n == 7 ? 0 : 1;
        case 2: return m2mauth_claims_get_json(out.out(), c, "o") == M2MAUTH_OK && out.str() == R"({"a":[1,2,3]})" ? 0 : 1;
        default: return m2mauth_claims_to_json(out.out(), c) == M2MAUTH_OK && m2mauth_claims_has(c, "o") == 1 ? 0 : 1;
      }
    });
    CHECK(failures == 0);
  }
}
