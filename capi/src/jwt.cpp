// C API: JWT claims, signing and verifiers.
#include "clock.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "header_options.hpp"
#include "m2mauth/core/jwk.hpp"

using namespace m2mauth;

namespace {

core::Claims &claims_of(m2mauth_claims *c) { return capi::need(c, "claims")->claims; }
const core::Claims &claims_of(const m2mauth_claims *c) { return capi::need(c, "claims")->claims; }
core::VerifierBuilder &verifier_of(m2mauth_verifier *v) { return capi::need(v, "verifier")->builder; }

template <typename F>
m2mauth_status make_claims(m2mauth_claims **out, F &&make) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new m2mauth_claims{make()};
  });
}

template <typename F>
m2mauth_status make_verifier(m2mauth_verifier **out, F &&make) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    *out = new m2mauth_verifier{core::VerifierBuilder(make())};
  });
}

const char *need_name(const char *name) {
  if (name == nullptr || *name == '\0') throw core::Error(core::Errc::invalid_argument, "claim name is NULL or empty");
  return name;
}

}  // namespace

extern "C" {

m2mauth_status m2mauth_claims_new(m2mauth_claims **out) {
  return make_claims(out, [] { return core::Claims(); });
}

m2mauth_status m2mauth_claims_from_json(m2mauth_claims **out, const char *json) {
  return make_claims(out, [&] { return core::Claims::from_json(capi::need_text(json, "json")); });
}

m2mauth_status m2mauth_claims_clone(m2mauth_claims **out, const m2mauth_claims *claims) {
  return make_claims(out, [&] { return claims_of(claims).clone(); });
}

void m2mauth_claims_free(m2mauth_claims *claims) { delete claims; }

m2mauth_status m2mauth_claims_set_string(m2mauth_claims *claims, const char *name, const char *value) {
  return capi::guard([&] { claims_of(claims).set_string(need_name(name), capi::need_text(value, "value")); });
}

m2mauth_status m2mauth_claims_set_int(m2mauth_claims *claims, const char *name, int64_t value) {
  return capi::guard([&] { claims_of(claims).set_int(need_name(name), value); });
}

m2mauth_status m2mauth_claims_set_bool(m2mauth_claims *claims, const char *name, int value) {
  return capi::guard([&] { claims_of(claims).set_bool(need_name(name), value != 0); });
}

m2mauth_status m2mauth_claims_set_json(m2mauth_claims *claims, const char *name, const char *json) {
  return capi::guard([&] { claims_of(claims).set_json(need_name(name), capi::need_text(json, "json")); });
}

m2mauth_status m2mauth_claims_add_audience(m2mauth_claims *claims, const char *audience) {
  return capi::guard([&] { claims_of(claims).add_audience(capi::need_text(audience, "audience")); });
}

m2mauth_status m2mauth_claims_set_random_jti(m2mauth_claims *claims) {
  return capi::guard([&] { claims_of(claims).set_random_jti(); });
}

m2mauth_status m2mauth_claims_remove(m2mauth_claims *claims, const char *name) {
  return capi::guard([&] {
    if (!claims_of(claims).remove(need_name(name)))
      throw core::Error(core::Errc::not_found, std::string("no claim \"") + name + "\"");
  });
}

int m2mauth_claims_has(const m2mauth_claims *claims, const char *name) {
  if (claims == nullptr || name == nullptr) return 0;
  // The claims of a verified token are parsed into a tree on first read, which can fail (found by
  // tests/fuzz, corpus/json/regression-claims-has-lone-surrogate): no exception crosses the ABI.
  try {
    return claims->claims.has(name) ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

m2mauth_status m2mauth_claims_get_string(m2mauth_buf *out, const m2mauth_claims *claims, const char *name) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, claims_of(claims).get_string(need_name(name))); });
}

m2mauth_status m2mauth_claims_get_int(int64_t *out, const m2mauth_claims *claims, const char *name) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = claims_of(claims).get_int(need_name(name));
  });
}

m2mauth_status m2mauth_claims_get_json(m2mauth_buf *out, const m2mauth_claims *claims, const char *name) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, claims_of(claims).get_json(need_name(name))); });
}

m2mauth_status m2mauth_claims_to_json(m2mauth_buf *out, const m2mauth_claims *claims) {
  capi::reset(out);
  return capi::guard([&] { capi::fill(out, claims_of(claims).to_json()); });
}

m2mauth_status m2mauth_claims_header_json(m2mauth_buf *out, const m2mauth_claims *claims) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    std::string h = claims_of(claims).header_json();
    if (h.empty()) throw core::Error(core::Errc::not_found, "these claims did not come from a verified token");
    capi::fill(out, h);
  });
}

m2mauth_status m2mauth_jwt_sign(m2mauth_buf *out, const m2mauth_key *key, const m2mauth_claims *claims,
                                const m2mauth_jws_header *header) {
  capi::reset(out);
  return capi::guard([&] {
    capi::HeaderOptions opts(header);
    capi::fill(out, core::jwt_sign(capi::need(key, "key")->key, claims_of(claims), opts.header));
  });
}

m2mauth_status m2mauth_jwt_sign_json(m2mauth_buf *out, const m2mauth_key *key, const char *claims_json,
                                     const m2mauth_jws_header *header) {
  capi::reset(out);
  return capi::guard([&] {
    capi::HeaderOptions opts(header);
    capi::fill(out, core::jwt_sign_json(capi::need(key, "key")->key, capi::need_text(claims_json, "claims_json"),
                                        opts.header));
  });
}

m2mauth_status m2mauth_verifier_new(m2mauth_verifier **out, const m2mauth_key *key, uint32_t allowed) {
  return make_verifier(out, [&] { return core::Verifier(capi::need(key, "key")->key, allowed); });
}

m2mauth_status m2mauth_verifier_from_jwks(m2mauth_verifier **out, const char *jwks_json, uint32_t allowed) {
  return make_verifier(out, [&] {
    return core::Verifier::from_jwks(capi::need_text(jwks_json, "jwks_json"), allowed);
  });
}

void m2mauth_verifier_free(m2mauth_verifier *verifier) { delete verifier; }

m2mauth_status m2mauth_verifier_set_issuer(m2mauth_verifier *verifier, const char *issuer) {
  return capi::guard([&] { verifier_of(verifier).set_issuer(std::string(capi::need_text(issuer, "issuer"))); });
}

m2mauth_status m2mauth_verifier_set_subject(m2mauth_verifier *verifier, const char *subject) {
  return capi::guard([&] { verifier_of(verifier).set_subject(std::string(capi::need_text(subject, "subject"))); });
}

m2mauth_status m2mauth_verifier_add_audience(m2mauth_verifier *verifier, const char *audience) {
  return capi::guard([&] { verifier_of(verifier).add_audience(std::string(capi::need_text(audience, "audience"))); });
}

m2mauth_status m2mauth_verifier_require_claim(m2mauth_verifier *verifier, const char *name) {
  return capi::guard([&] { verifier_of(verifier).require_claim(need_name(name)); });
}

m2mauth_status m2mauth_verifier_set_typ(m2mauth_verifier *verifier, const char *typ) {
  return capi::guard([&] { verifier_of(verifier).set_typ(std::string(capi::need_text(typ, "typ"))); });
}

m2mauth_status m2mauth_verifier_set_leeway(m2mauth_verifier *verifier, int64_t seconds) {
  return capi::guard([&] { verifier_of(verifier).set_leeway(seconds); });
}

m2mauth_status m2mauth_verifier_set_max_size(m2mauth_verifier *verifier, size_t bytes) {
  return capi::guard([&] { verifier_of(verifier).set_max_size(bytes); });
}

m2mauth_status m2mauth_verifier_set_clock(m2mauth_verifier *verifier, m2mauth_clock_cb clock, void *payload,
                                          m2mauth_free_cb free_payload) {
  return capi::set_clock(clock, payload, free_payload, [&](core::Clock c) { verifier_of(verifier).set_clock(std::move(c)); });
}

m2mauth_status m2mauth_verifier_verify(m2mauth_claims **out, const m2mauth_verifier *verifier, const char *token) {
  return make_claims(out, [&] {
    return capi::need(verifier, "verifier")->builder.verifier().verify(capi::need_text(token, "token"));
  });
}

m2mauth_status m2mauth_jwt_decode_unverified(m2mauth_claims **out, const char *token) {
  return make_claims(out, [&] { return core::jwt_decode_unverified(capi::need_text(token, "token")); });
}

}  // extern "C"
