// C API: OAuth 1.0 request signing over core::Oauth1Signer.
#include <memory>

#include "clock.hpp"
#include "guard.hpp"
#include "handles.hpp"

using namespace m2mauth;

namespace {

static_assert(static_cast<int>(core::Oauth1Method::hmac_sha1) == M2MAUTH_OAUTH1_HMAC_SHA1);
static_assert(static_cast<int>(core::Oauth1Method::hmac_sha256) == M2MAUTH_OAUTH1_HMAC_SHA256);
static_assert(static_cast<int>(core::Oauth1Method::rsa_sha1) == M2MAUTH_OAUTH1_RSA_SHA1);
static_assert(static_cast<int>(core::Oauth1Method::rsa_sha256) == M2MAUTH_OAUTH1_RSA_SHA256);
static_assert(static_cast<int>(core::Oauth1Method::plaintext) == M2MAUTH_OAUTH1_PLAINTEXT);
static_assert(static_cast<int>(core::Oauth1Placement::header) == M2MAUTH_OAUTH1_IN_HEADER);
static_assert(static_cast<int>(core::Oauth1Placement::query) == M2MAUTH_OAUTH1_IN_QUERY);
static_assert(static_cast<int>(core::Oauth1Placement::body) == M2MAUTH_OAUTH1_IN_BODY);

core::Oauth1SignerBuilder &signer_of(m2mauth_oauth1 *s) { return capi::need(s, "s")->builder; }

std::optional<std::string> optional_text(const char *s) {
  return s == nullptr ? std::nullopt : std::optional<std::string>(s);
}

struct Inputs {
  const core::Oauth1Signer &signer;
  const core::Request &req;
  std::string_view nonce;
};

// The signer, frozen by this first use.
Inputs inputs(const m2mauth_oauth1 *s, const m2mauth_request *req, const char *nonce) {
  return {capi::need(s, "s")->builder.diagnostics(), capi::need(req, "req")->req, capi::need_text(nonce, "nonce")};
}

}  // namespace

extern "C" {

const char *m2mauth_oauth1_method_name(int method) {
  return core::oauth1_method_name(static_cast<core::Oauth1Method>(method));
}

m2mauth_status m2mauth_oauth1_method_from_name(int *out, const char *name) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = 0;
    *out = static_cast<int>(core::oauth1_method_from_name(capi::need_text(name, "name")));
  });
}

const char *m2mauth_oauth1_placement_name(int placement) {
  return core::oauth1_placement_name(static_cast<core::Oauth1Placement>(placement));
}

m2mauth_status m2mauth_oauth1_new(m2mauth_oauth1 **out, const char *consumer_key) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new m2mauth_oauth1{core::Oauth1SignerBuilder(std::string(capi::need_text(consumer_key, "consumer_key")))};
  });
}

void m2mauth_oauth1_free(m2mauth_oauth1 *s) { delete s; }

m2mauth_status m2mauth_oauth1_set_consumer_secret(m2mauth_oauth1 *s, const char *secret) {
  return capi::guard([&] { signer_of(s).set_consumer_secret(core::SecretString(secret ? secret : "")); });
}

m2mauth_status m2mauth_oauth1_set_token(m2mauth_oauth1 *s, const char *token, const char *token_secret) {
  return capi::guard([&] {
    signer_of(s).set_token(optional_text(token), core::SecretString(token_secret ? token_secret : ""));
  });
}

m2mauth_status m2mauth_oauth1_set_rsa_key(m2mauth_oauth1 *s, const m2mauth_key *key) {
  return capi::guard([&] {
    signer_of(s).set_rsa_key(key == nullptr ? std::nullopt : std::optional<core::Key>(key->key));
  });
}

m2mauth_status m2mauth_oauth1_set_method(m2mauth_oauth1 *s, int method) {
  return capi::guard([&] { signer_of(s).set_method(core::oauth1_method_from_int(method)); });
}

m2mauth_status m2mauth_oauth1_set_placement(m2mauth_oauth1 *s, int placement) {
  return capi::guard([&] { signer_of(s).set_placement(core::oauth1_placement_from_int(placement)); });
}

m2mauth_status m2mauth_oauth1_set_realm(m2mauth_oauth1 *s, const char *realm) {
  return capi::guard([&] { signer_of(s).set_realm(optional_text(realm)); });
}

m2mauth_status m2mauth_oauth1_set_include_version(m2mauth_oauth1 *s, int include) {
  return capi::guard([&] { signer_of(s).set_include_version(include != 0); });
}

m2mauth_status m2mauth_oauth1_set_callback(m2mauth_oauth1 *s, const char *callback) {
  return capi::guard([&] { signer_of(s).set_callback(optional_text(callback)); });
}

m2mauth_status m2mauth_oauth1_set_verifier(m2mauth_oauth1 *s, const char *verifier) {
  return capi::guard([&] { signer_of(s).set_verifier(optional_text(verifier)); });
}

m2mauth_status m2mauth_oauth1_add_param(m2mauth_oauth1 *s, const char *name, const char *value) {
  return capi::guard([&] {
    signer_of(s).add_param(std::string(capi::need_text(name, "name")), std::string(capi::need_text(value, "value")));
  });
}

m2mauth_status m2mauth_oauth1_clear_params(m2mauth_oauth1 *s) {
  return capi::guard([&] { signer_of(s).clear_params(); });
}

m2mauth_status m2mauth_oauth1_set_clock(m2mauth_oauth1 *s, m2mauth_clock_cb clock, void *payload,
                                        m2mauth_free_cb free_payload) {
  return capi::set_clock(clock, payload, free_payload, [&](core::Clock c) { signer_of(s).set_clock(std::move(c)); });
}

m2mauth_status m2mauth_oauth1_set_fixed_nonce(m2mauth_oauth1 *s, const char *nonce) {
  return capi::guard([&] { signer_of(s).set_fixed_nonce(optional_text(nonce)); });
}

m2mauth_status m2mauth_oauth1_set_fixed_timestamp(m2mauth_oauth1 *s, int64_t unix_seconds) {
  return capi::guard([&] {
    signer_of(s).set_fixed_timestamp(unix_seconds < 0 ? std::nullopt : std::optional<std::int64_t>(unix_seconds));
  });
}

m2mauth_status m2mauth_oauth1_set_body_hash(m2mauth_oauth1 *s, int on) {
  return capi::guard([&] { signer_of(s).set_body_hash(on != 0); });
}

m2mauth_status m2mauth_oauth1_sign(const m2mauth_oauth1 *s, m2mauth_request *req) {
  return capi::guard([&] { capi::need(s, "s")->builder.signer().sign(capi::need(req, "req")->req); });
}

m2mauth_status m2mauth_oauth1_base_string(m2mauth_buf *out, const m2mauth_oauth1 *s, const m2mauth_request *req,
                                          const char *nonce, int64_t timestamp) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    Inputs in = inputs(s, req, nonce);
    capi::fill(out, in.signer.base_string(in.req, in.nonce, timestamp));
  });
}

m2mauth_status m2mauth_oauth1_signature(m2mauth_buf *out, const m2mauth_oauth1 *s, const m2mauth_request *req,
                                        const char *nonce, int64_t timestamp) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    Inputs in = inputs(s, req, nonce);
    core::Oauth1Steps steps = in.signer.steps(in.req, in.nonce, timestamp);
    capi::fill(out, steps.signature);
    core::secure_wipe(steps.signature);
  });
}

}  // extern "C"
