// Internal: ECDSA proofs with their per-signature nonce computed ahead of time.
//
// An ECDSA signature is a point multiplication k*G (almost all of its cost) and a few modular
// operations with the digest. The multiplication does not depend on what is signed, so a worker thread
// of the proof key computes (k^-1, r) pairs ahead (OpenSSL's ECDSA_sign_setup), and a proof only
// finishes the signature (ECDSA_do_sign_ex, about 1 us): the request path no longer waits for the
// multiplication. Each pair is used once and wiped; a process that forked discards the pairs it
// inherited (a nonce used twice would reveal the key) and signs as usual.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "m2mauth/core/jws.hpp"
#include "m2mauth/core/key.hpp"

struct ec_key_st;
struct bignum_st;

namespace m2mauth::core {

class EcPresigner {
 public:
  // A presigner for key with alg (ES256, ES384, ES512 on its curve); nullptr for any other key or alg.
  static std::unique_ptr<EcPresigner> make(const Key &key, Alg alg);
  ~EcPresigner();
  EcPresigner(const EcPresigner &) = delete;
  EcPresigner &operator=(const EcPresigner &) = delete;

  // Appends "." and the base64url R || S signature over data (which may be out's own text); false,
  // with out unchanged, when no precomputed nonce is ready (the caller then signs the usual way).
  bool append_signature(std::string &out, std::string_view data);

 private:
  struct Pair {
    bignum_st *kinv;
    bignum_st *r;
  };
  EcPresigner(ec_key_st *ec, Alg alg, std::size_t field_bytes);
  void refill_loop();
  static void wipe(Pair &p) noexcept;

  static constexpr std::size_t kTarget = 64;  // pairs kept ready
  static constexpr std::size_t kLow = 32;     // the worker refills below this

  ec_key_st *ec_;
  Alg alg_;
  std::size_t field_bytes_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Pair> ready_;
  long pid_ = 0;           // the process the pairs were computed in
  bool stopping_ = false;
  bool started_ = false;
  std::thread worker_;
};

}  // namespace m2mauth::core
