// C API: keys.
#include <new>

#include "guard.hpp"
#include "handles.hpp"
#include "m2mauth/core/jwk.hpp"
#include "m2mauth/core/payload.hpp"
#include "m2mauth/core/pkcs11.hpp"

using namespace m2mauth;
using core::Key;

namespace {

m2mauth_key *wrap(Key key) { return new m2mauth_key{std::move(key)}; }

const Key &key_of(const m2mauth_key *k) { return capi::need(k, "key")->key; }

template <typename F>
m2mauth_status make_key(m2mauth_key **out, F &&make) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = wrap(make());
  });
}

}  // namespace

struct m2mauth_signature {
  core::SignerAnswer answer;
};

namespace {

// The C callback behind a core sign function: converts values only (the core checks the answer).
core::SignFunction c_sign_function(m2mauth_sign_cb sign, core::Payload payload) {
  return [sign, payload = std::move(payload)](std::string_view alg, std::string_view input) {
    m2mauth_signature out;
    std::string alg_text(alg);
    m2mauth_status status = sign(&out, alg_text.c_str(), reinterpret_cast<const uint8_t *>(input.data()),
                                 input.size(), payload.get());
    if (status != M2MAUTH_OK) {
      out.answer.failed = true;
      if (out.answer.message.empty()) out.answer.message = std::string("status ") + m2mauth_error_name(status);
    }
    return std::move(out.answer);
  };
}

}  // namespace

extern "C" {

m2mauth_status m2mauth_signature_set(m2mauth_signature *out, const uint8_t *signature, size_t len) {
  return capi::guard([&] {
    capi::need(out, "out");
    capi::need_bytes(signature, len, "signature");
    if (len > 16384) core::fail(core::Errc::invalid_argument, "a signature over 16 KiB");
    out->answer.signature.assign(reinterpret_cast<const char *>(signature), len);
  });
}

m2mauth_status m2mauth_signature_fail(m2mauth_signature *out, const char *message) {
  return capi::guard([&] {
    capi::need(out, "out");
    out->answer.failed = true;
    out->answer.message = message == nullptr ? "" : std::string(message).substr(0, 65536);
  });
}

m2mauth_status m2mauth_key_from_signer(m2mauth_key **out, int alg, const m2mauth_key *public_key, m2mauth_sign_cb sign,
                                       void *payload, m2mauth_free_cb free_payload) {
  return capi::guard([&] {
    core::Payload held = core::hold_payload(payload, free_payload);  // released here if this call fails
    capi::need(out, "out");
    *out = nullptr;
    capi::need(sign, "sign");
    *out = wrap(Key::from_signer(key_of(public_key), alg, c_sign_function(sign, std::move(held))));
  });
}

m2mauth_status m2mauth_key_from_pkcs11(m2mauth_key **out, const char *uri, const char *pin) {
  return make_key(out, [&] { return core::key_from_pkcs11(capi::need_text(uri, "uri"), pin); });
}

m2mauth_status m2mauth_key_source_new(m2mauth_key_source **out, const char *location, const char *secret,
                                      int64_t reload_interval_ms) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto source = std::make_shared<core::KeySource>(std::string(capi::need_text(location, "location")),
                                                    core::SecretString(secret == nullptr ? "" : secret),
                                                    reload_interval_ms);
    *out = new m2mauth_key_source{std::move(source)};
  });
}

m2mauth_status m2mauth_key_source_reload(m2mauth_key_source *source) {
  return capi::guard([&] { capi::need(source, "source")->source->reload(); });
}

m2mauth_status m2mauth_key_source_current(m2mauth_key **out, m2mauth_key_source *source) {
  return make_key(out, [&] { return capi::need(source, "source")->source->current(); });
}

void m2mauth_key_source_free(m2mauth_key_source *source) { delete source; }

int m2mauth_key_is_signer(const m2mauth_key *key) { return key != nullptr && key->key.is_signer() ? 1 : 0; }

m2mauth_status m2mauth_key_generate_rsa(m2mauth_key **out, unsigned int bits) {
  return make_key(out, [&] { return Key::generate_rsa(bits); });
}

m2mauth_status m2mauth_key_generate_ec(m2mauth_key **out, const char *curve) {
  return make_key(out, [&] { return Key::generate_ec(core::curve_from_name(capi::need_text(curve, "curve"))); });
}

m2mauth_status m2mauth_key_generate_ed25519(m2mauth_key **out) {
  return make_key(out, [] { return Key::generate_ed25519(); });
}

m2mauth_status m2mauth_key_generate_hmac(m2mauth_key **out, size_t len) {
  return make_key(out, [&] { return Key::generate_hmac(len); });
}

m2mauth_status m2mauth_key_from_secret(m2mauth_key **out, const uint8_t *secret, size_t len) {
  return make_key(out, [&] {
    capi::need_bytes(secret, len, "secret");
    return Key::from_secret(secret, len);
  });
}

m2mauth_status m2mauth_key_from_pem(m2mauth_key **out, const uint8_t *pem, size_t len, const char *passphrase) {
  return make_key(out, [&] { return Key::from_pem(capi::need_bytes(pem, len, "pem"), passphrase); });
}

m2mauth_status m2mauth_key_from_der(m2mauth_key **out, const uint8_t *der, size_t len, const char *passphrase) {
  return make_key(out, [&] {
    capi::need_bytes(der, len, "der");
    return Key::from_der(der, len, passphrase);
  });
}

m2mauth_status m2mauth_key_from_file(m2mauth_key **out, const char *path, const char *passphrase) {
  return make_key(out, [&] { return Key::from_file(std::string(capi::need_text(path, "path")), passphrase); });
}

m2mauth_status m2mauth_key_from_jwk(m2mauth_key **out, const char *jwk_json) {
  return make_key(out, [&] { return core::key_from_jwk(capi::need_text(jwk_json, "jwk_json")); });
}

m2mauth_status m2mauth_key_from_jwks(m2mauth_key **out, const char *jwks_json, const char *kid) {
  return make_key(out, [&] {
    return core::key_from_jwks(capi::need_text(jwks_json, "jwks_json"), kid == nullptr ? "" : kid);
  });
}

m2mauth_status m2mauth_key_public(m2mauth_key **out, const m2mauth_key *key) {
  return make_key(out, [&] { return key_of(key).public_only(); });
}

m2mauth_status m2mauth_key_with_kid(m2mauth_key **out, const m2mauth_key *key, const char *kid) {
  return make_key(out, [&] { return key_of(key).with_kid(std::string(capi::need_text(kid, "kid"))); });
}

void m2mauth_key_free(m2mauth_key *key) { delete key; }

int m2mauth_key_type_of(const m2mauth_key *key) { return key == nullptr ? 0 : static_cast<int>(key->key.type()); }

unsigned int m2mauth_key_bits(const m2mauth_key *key) { return key == nullptr ? 0 : key->key.bits(); }

const char *m2mauth_key_curve(const m2mauth_key *key) {
  return key == nullptr ? "" : core::curve_name(key->key.curve());
}

int m2mauth_key_has_private(const m2mauth_key *key) { return key != nullptr && key->key.has_private() ? 1 : 0; }

const char *m2mauth_key_kid(const m2mauth_key *key) { return key == nullptr ? "" : key->key.kid().c_str(); }

m2mauth_status m2mauth_key_private_pem(m2mauth_buf *out, const m2mauth_key *key, const char *passphrase) {
  capi::reset(out);
  return capi::guard([&] {
    core::SecretString pem(key_of(key).private_pem(passphrase));
    capi::fill(out, pem.reveal());
  });
}

m2mauth_status m2mauth_key_public_pem(m2mauth_buf *out, const m2mauth_key *key) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, key_of(key).public_pem()); });
}

m2mauth_status m2mauth_key_public_der(m2mauth_buf *out, const m2mauth_key *key) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, key_of(key).public_der()); });
}

m2mauth_status m2mauth_key_public_jwk(m2mauth_buf *out, const m2mauth_key *key, const char *alg, const char *use) {
  capi::reset(out);
  return capi::guard([&] {
    capi::fill(out, core::public_jwk(key_of(key), alg == nullptr ? "" : alg, use == nullptr ? "" : use));
  });
}

m2mauth_status m2mauth_key_private_jwk(m2mauth_buf *out, const m2mauth_key *key) {
  capi::reset(out);
  return capi::guard([&] {
    core::SecretString jwk(core::private_jwk(key_of(key)));
    capi::fill(out, jwk.reveal());
  });
}

m2mauth_status m2mauth_key_jwks(m2mauth_buf *out, const m2mauth_key *const *keys, size_t n) {
  capi::reset(out);
  return capi::guard([&] {
    if (n > 0) capi::need(keys, "keys");
    std::vector<Key> list;
    for (size_t i = 0; i < n; ++i) list.push_back(key_of(keys[i]));
    capi::fill(out, core::jwks(list));
  });
}

m2mauth_status m2mauth_key_thumbprint(m2mauth_buf *out, const m2mauth_key *key) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, core::jwk_thumbprint(key_of(key))); });
}

}  // extern "C"
