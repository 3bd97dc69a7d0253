// C API: DPoP proof keys (RFC 9449) and the token client's DPoP option.
#include <memory>

#include "guard.hpp"
#include "handles.hpp"
#include "m2mauth/core/dpop.hpp"
#include "m2mauth/core/clock.hpp"

using namespace m2mauth;

struct m2mauth_dpop {
  std::shared_ptr<core::Dpop> dpop;
};

extern "C" {

m2mauth_status m2mauth_dpop_options_init(m2mauth_dpop_options *opts, unsigned int version) {
  return capi::guard([&] {
    capi::need(opts, "opts");
    if (version != M2MAUTH_DPOP_OPTIONS_VERSION)
      throw core::Error(core::Errc::invalid_argument, "unsupported m2mauth_dpop_options version");
    *opts = m2mauth_dpop_options M2MAUTH_DPOP_OPTIONS_INIT;
  });
}

m2mauth_status m2mauth_dpop_new(m2mauth_dpop **out, const m2mauth_key *key, const m2mauth_dpop_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    int alg = 0;
    if (opts != nullptr) {
      if (opts->version != M2MAUTH_DPOP_OPTIONS_VERSION)
        throw core::Error(core::Errc::invalid_argument, "m2mauth_dpop_options: unknown version");
      alg = opts->alg;
    }
    auto d = std::make_unique<m2mauth_dpop>();
    d->dpop = key != nullptr ? std::make_shared<core::Dpop>(key->key, alg)
                             : std::make_shared<core::Dpop>(core::Key::generate_ec(core::Curve::p256), alg);
    *out = d.release();
  });
}

void m2mauth_dpop_free(m2mauth_dpop *dpop) { delete dpop; }

m2mauth_status m2mauth_dpop_thumbprint(m2mauth_buf *out, const m2mauth_dpop *dpop) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(capi::need(out, "out"), capi::need(dpop, "dpop")->dpop->thumbprint()); });
}

m2mauth_status m2mauth_dpop_public_jwk(m2mauth_buf *out, const m2mauth_dpop *dpop) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(capi::need(out, "out"), capi::need(dpop, "dpop")->dpop->public_jwk()); });
}

m2mauth_status m2mauth_dpop_proof(m2mauth_buf *out, m2mauth_dpop *dpop, const char *method, const char *url,
                                  const char *access_token, const char *nonce) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    const core::Dpop &d = *capi::need(dpop, "dpop")->dpop;
    std::string given;
    if (nonce != nullptr) given = nonce;
    std::string proof = d.proof(capi::need_text(method, "method"), capi::need_text(url, "url"),
                                access_token != nullptr ? std::string_view(access_token) : std::string_view(),
                                nonce != nullptr ? &given : nullptr, core::system_now_ms() / 1000);
    capi::fill(out, proof);
  });
}

m2mauth_status m2mauth_dpop_observe(int *out, m2mauth_dpop *dpop, const char *url, const m2mauth_response *response) {
  return capi::guard([&] {
    if (out != nullptr) *out = 0;
    core::Dpop &d = *capi::need(dpop, "dpop")->dpop;
    const core::Response &resp = capi::need(response, "response")->resp;
    std::string_view u = capi::need_text(url, "url");
    const bool retry = d.nonce_retry(u, resp);
    if (out != nullptr) *out = retry ? 1 : 0;
  });
}

m2mauth_status m2mauth_token_client_set_dpop(m2mauth_token_client *client, const m2mauth_dpop *dpop) {
  return capi::guard([&] {
    capi::need(client, "client")->builder.set_dpop(dpop != nullptr ? dpop->dpop : nullptr);
  });
}

m2mauth_status m2mauth_token_manager_dpop(m2mauth_dpop **out, const m2mauth_token_manager *manager) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    const std::shared_ptr<core::Dpop> &dpop = capi::need(manager, "manager")->manager->client()->config().dpop;
    if (!dpop) return;
    auto d = std::make_unique<m2mauth_dpop>();
    d->dpop = dpop;
    *out = d.release();
  });
}

}  // extern "C"
