// Signer keys: a private key held elsewhere (a KMS, a Vault transit key, an HSM) that signs through
// an application's function. Every answer is checked against the key's public key before it is used,
// so a signer that signs with another key, or returns garbage, fails here (Errc::signer) and not at
// the server.
#include "jose/signer.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <new>

#include "jose/ecdsa_raw.hpp"
#include "jose/key_impl.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/peer_text.hpp"
#include "base/ossl.hpp"

namespace m2mauth::core {

namespace {

// The signer this thread is running, to refuse a sign function that signs with its own key (which
// would otherwise wait for its own lock forever).
thread_local const SignerState *running_signer = nullptr;

[[noreturn]] void signer_failed(std::string_view why) {
  std::string text = sanitize_peer_text(why, {});
  fail(Errc::signer, text.empty() ? std::string("the signer failed (no message)") : "the signer failed: " + text);
}

std::string call_signer(const Key &key, std::string_view alg, std::string_view input) {
  SignerState *state = key.impl().signer.get();
  if (state == nullptr) fail(Errc::invalid_argument, "not a signer key");
  if (running_signer == state) fail(Errc::state, "a signer key was used inside its own sign function");
  std::lock_guard<std::mutex> hold(state->lock);
  struct Running {
    const SignerState *previous;
    explicit Running(const SignerState *s) : previous(running_signer) { running_signer = s; }
    ~Running() { running_signer = previous; }
  } running(state);
  SignerAnswer answer;
  try {
    answer = state->sign(alg, input);
  } catch (const Error &) {
    throw;
  } catch (const std::bad_alloc &) {
    throw;
  } catch (const std::exception &e) {
    signer_failed(e.what());
  } catch (...) {
    signer_failed("");
  }
  if (answer.failed) signer_failed(answer.message);
  if (answer.signature.empty()) fail(Errc::signer, "the signer answered no signature");
  return std::move(answer.signature);
}

[[noreturn]] void not_valid(std::string_view alg) {
  fail(Errc::signer, "the signer's answer is not a valid " + std::string(alg) + " signature by the key's public key");
}

bool is_ecdsa(Alg alg) { return alg == Alg::es256 || alg == Alg::es384 || alg == Alg::es512; }

}  // namespace

std::string signer_sign(const Key &key, Alg alg, std::string_view input) {
  std::string sig = call_signer(key, alg_name(alg), input);
  if (!is_ecdsa(alg)) {
    if (!verify_bytes(key, alg, input, sig)) not_valid(alg_name(alg));
    return sig;
  }
  // ECDSA: raw R || S (what PKCS#11 and JOSE use) or DER (what most KMS APIs return). A DER value
  // that happens to be exactly 2n bytes long is tried as raw first, then as DER.
  std::size_t n = ecdsa_field_bytes(key.curve());
  if (sig.size() == 2 * n && verify_bytes(key, alg, input, sig)) return sig;
  std::string raw = ecdsa_der_to_raw(sig, key.curve());
  if (raw.empty() || !verify_bytes(key, alg, input, raw)) not_valid(alg_name(alg));
  return raw;
}

std::string signer_sign_rsa_pkcs1(const Key &key, bool sha1, std::string_view input) {
  if (key.type() != KeyType::rsa) fail(Errc::key_type, "RSA-SHA1 and RSA-SHA256 need an RSA key");
  const char *name = sha1 ? "RSA-SHA1" : "RS256";
  std::string sig = call_signer(key, name, input);
  if (sig.size() != (key.bits() + 7) / 8) not_valid(name);
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::bad_alloc();
  EVP_PKEY_CTX *pctx = nullptr;
  int ok = EVP_DigestVerifyInit_ex(ctx.get(), &pctx, sha1 ? "SHA1" : "SHA256", nullptr, nullptr, key.evp(), nullptr);
  if (ok == 1) ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
  if (ok == 1)
    ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char *>(input.data()), input.size());
  ossl::clear_errors();
  if (ok != 1) not_valid(name);
  return sig;
}

}  // namespace m2mauth::core
