// C API: JWS algorithms, signing and verification.
#include "guard.hpp"
#include "handles.hpp"
#include "header_options.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/jws.hpp"

using namespace m2mauth;

namespace m2mauth::capi {

HeaderOptions::HeaderOptions(const m2mauth_jws_header *h) {
  if (h == nullptr) return;
  if (h->version == 0 || h->version > M2MAUTH_JWS_HEADER_VERSION)
    throw core::Error(core::Errc::invalid_argument, "m2mauth_jws_header: unknown version (use M2MAUTH_JWS_HEADER_INIT)");
  header.alg = core::alg_or_default_from_int(h->alg);
  header.typ = h->typ;
  header.kid = h->kid;
  header.cty = h->cty;
  header.cert = h->cert == nullptr ? nullptr : &h->cert->cert;
  header.cert_members = h->cert_members;
  if (h->extra_json != nullptr) {
    extra = core::json_parse_object(h->extra_json, "extra header");
    header.extra = extra.get();
  }
}

}  // namespace m2mauth::capi

extern "C" {

m2mauth_status m2mauth_alg_from_name(int *out, const char *name) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = 0;
    *out = static_cast<int>(core::alg_from_name(capi::need_text(name, "name")));
  });
}

const char *m2mauth_alg_name(int alg) { return core::alg_name(static_cast<core::Alg>(alg)); }

uint32_t m2mauth_alg_bit(int alg) { return alg >= 1 && alg <= core::alg_count ? 1u << alg : 0u; }

m2mauth_status m2mauth_alg_set_parse(uint32_t *out, const char *names) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = 0;
    *out = core::alg_set_parse(capi::need_text(names, "names"));
  });
}

int m2mauth_alg_default_for(const m2mauth_key *key) {
  return key == nullptr ? 0 : static_cast<int>(core::alg_default_for(key->key));
}

m2mauth_status m2mauth_jws_header_init(m2mauth_jws_header *opts, unsigned int version) {
  return capi::guard([&] {
    capi::need(opts, "opts");
    if (version != M2MAUTH_JWS_HEADER_VERSION) throw core::Error(core::Errc::invalid_argument, "unknown version");
    *opts = m2mauth_jws_header M2MAUTH_JWS_HEADER_INIT;
  });
}

m2mauth_status m2mauth_jws_sign(m2mauth_buf *out, const m2mauth_key *key, const uint8_t *payload, size_t len,
                                const m2mauth_jws_header *header) {
  capi::reset(out);
  return capi::guard([&] {
    capi::HeaderOptions opts(header);
    capi::fill(out, core::jws_sign(capi::need(key, "key")->key, capi::need_bytes(payload, len, "payload"), opts.header));
  });
}

m2mauth_status m2mauth_jws_sign_protected(m2mauth_buf *out, const m2mauth_key *key, const uint8_t *protected_header,
                                          size_t header_len, const uint8_t *payload, size_t len) {
  capi::reset(out);
  return capi::guard([&] {
    capi::fill(out, core::jws_sign_protected(capi::need(key, "key")->key,
                                             capi::need_bytes(protected_header, header_len, "protected_header"),
                                             capi::need_bytes(payload, len, "payload")));
  });
}

m2mauth_status m2mauth_jws_verify(m2mauth_buf *out, const m2mauth_key *key, const char *token, uint32_t allowed) {
  capi::reset(out);
  return capi::guard([&] {
    capi::fill(out, core::jws_verify(capi::need(key, "key")->key, capi::need_text(token, "token"), allowed));
  });
}

m2mauth_status m2mauth_jws_decode_unverified(m2mauth_buf *out_header, m2mauth_buf *out_payload, const char *token) {
  capi::reset(out_header);
  capi::reset(out_payload);
  return capi::guard([&] {
    core::JwsSegments seg = core::jws_segments(capi::need_text(token, "token"), 16u << 20);
    capi::fill(out_header, core::jws_parse_header(seg.header_b64).json);
    capi::fill(out_payload, core::base64url_decode_string(seg.payload_b64));
  });
}

}  // extern "C"
