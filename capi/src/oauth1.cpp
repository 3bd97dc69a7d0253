// C API: OAuth 1.0 request signing over core::Oauth1Signer.
#include <memory>

#include "guard.hpp"
#include "m2mauth/core/payload.hpp"
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

// Changes a copy of the configuration and builds a new signer from it; the handle changes only when
// both succeed. Replaced secrets are wiped with the old configuration.
template <typename F>
m2mauth_status reconfigure(m2mauth_oauth1 *s, F &&change) {
  return capi::guard([&] {
    capi::need(s, "s");
    core::Oauth1Config config = s->signer.config();
    change(config);
    s->signer = core::Oauth1Signer(std::move(config));
  });
}

std::optional<std::string> optional_text(const char *s) {
  return s == nullptr ? std::nullopt : std::optional<std::string>(s);
}

struct Inputs {
  const core::Oauth1Signer &signer;
  const core::Request &req;
  std::string_view nonce;
};

Inputs inputs(const m2mauth_oauth1 *s, const m2mauth_request *req, const char *nonce) {
  return {capi::need(s, "s")->signer, capi::need(req, "req")->req, capi::need_text(nonce, "nonce")};
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
    core::Oauth1Config config;
    config.consumer_key = std::string(capi::need_text(consumer_key, "consumer_key"));
    *out = new m2mauth_oauth1{core::Oauth1Signer(std::move(config))};
  });
}

void m2mauth_oauth1_free(m2mauth_oauth1 *s) { delete s; }

m2mauth_status m2mauth_oauth1_set_consumer_secret(m2mauth_oauth1 *s, const char *secret) {
  return reconfigure(s, [&](core::Oauth1Config &c) { c.consumer_secret = core::SecretString(secret ? secret : ""); });
}

m2mauth_status m2mauth_oauth1_set_token(m2mauth_oauth1 *s, const char *token, const char *token_secret) {
  return reconfigure(s, [&](core::Oauth1Config &c) {
    c.token = token == nullptr || *token == '\0' ? std::nullopt : std::optional<std::string>(token);
    c.token_secret = core::SecretString(token_secret ? token_secret : "");
  });
}

m2mauth_status m2mauth_oauth1_set_rsa_key(m2mauth_oauth1 *s, const m2mauth_key *key) {
  return reconfigure(s, [&](core::Oauth1Config &c) {
    if (key == nullptr) c.rsa_key.reset();
    else c.rsa_key = key->key;
  });
}

m2mauth_status m2mauth_oauth1_set_method(m2mauth_oauth1 *s, int method) {
  return reconfigure(s, [&](core::Oauth1Config &c) { c.method = static_cast<core::Oauth1Method>(method); });
}

m2mauth_status m2mauth_oauth1_set_placement(m2mauth_oauth1 *s, int placement) {
  return reconfigure(s, [&](core::Oauth1Config &c) { c.placement = static_cast<core::Oauth1Placement>(placement); });
}

m2mauth_status m2mauth_oauth1_set_realm(m2mauth_oauth1 *s, const char *realm) {
  return reconfigure(s, [&](core::Oauth1Config &c) { c.realm = optional_text(realm); });
}

m2mauth_status m2mauth_oauth1_set_include_version(m2mauth_oauth1 *s, int include) {
  return reconfigure(s, [&](core::Oauth1Config &c) { c.include_version = include != 0; });
}

m2mauth_status m2mauth_oauth1_set_callback(m2mauth_oauth1 *s, const char *callback) {
  return reconfigure(s, [&](core::Oauth1Config &c) { c.callback = optional_text(callback); });
}

m2mauth_status m2mauth_oauth1_set_verifier(m2mauth_oauth1 *s, const char *verifier) {
  return reconfigure(s, [&](core::Oauth1Config &c) { c.verifier = optional_text(verifier); });
}

m2mauth_status m2mauth_oauth1_add_param(m2mauth_oauth1 *s, const char *name, const char *value) {
  return reconfigure(s, [&](core::Oauth1Config &c) {
    c.extra_params.emplace_back(std::string(capi::need_text(name, "name")), std::string(capi::need_text(value, "value")));
  });
}

m2mauth_status m2mauth_oauth1_clear_params(m2mauth_oauth1 *s) {
  return reconfigure(s, [&](core::Oauth1Config &c) { c.extra_params.clear(); });
}

m2mauth_status m2mauth_oauth1_set_clock(m2mauth_oauth1 *s, m2mauth_clock_cb clock, void *payload,
                                        m2mauth_free_cb free_payload) {
  core::Payload held;  // released on return unless the clock keeps it
  if (m2mauth_status rc = capi::guard([&] { held = core::hold_payload(payload, free_payload); })) return rc;
  return reconfigure(s, [&](core::Oauth1Config &c) {
    if (clock == nullptr) c.clock = nullptr;
    else c.clock = [clock, held] { return clock(held.get()); };
  });
}

m2mauth_status m2mauth_oauth1_set_fixed_nonce(m2mauth_oauth1 *s, const char *nonce) {
  return reconfigure(s, [&](core::Oauth1Config &c) { c.fixed_nonce = optional_text(nonce); });
}

m2mauth_status m2mauth_oauth1_set_fixed_timestamp(m2mauth_oauth1 *s, int64_t unix_seconds) {
  return reconfigure(s, [&](core::Oauth1Config &c) {
    c.fixed_timestamp = unix_seconds < 0 ? std::nullopt : std::optional<std::int64_t>(unix_seconds);
  });
}

m2mauth_status m2mauth_oauth1_sign(const m2mauth_oauth1 *s, m2mauth_request *req) {
  return capi::guard([&] { capi::need(s, "s")->signer.sign(capi::need(req, "req")->req); });
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
