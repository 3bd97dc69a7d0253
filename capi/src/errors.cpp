// The thread-local error record and status names.
#include <cstring>
#include <string>

#include "guard.hpp"
#include "m2mauth/m2mauth.h"

using m2mauth::core::Errc;

#define M2MAUTH_SAME(c, e) static_assert(static_cast<int>(Errc::e) == (c), #c)
M2MAUTH_SAME(M2MAUTH_OK, ok);
M2MAUTH_SAME(M2MAUTH_ERROR, generic);
M2MAUTH_SAME(M2MAUTH_EINVAL, invalid_argument);
M2MAUTH_SAME(M2MAUTH_ENOMEM, out_of_memory);
M2MAUTH_SAME(M2MAUTH_EUNSUPPORTED, unsupported);
M2MAUTH_SAME(M2MAUTH_ETOOLARGE, too_large);
M2MAUTH_SAME(M2MAUTH_ENOTFOUND, not_found);
M2MAUTH_SAME(M2MAUTH_ESTATE, state);
M2MAUTH_SAME(M2MAUTH_EIO, io);
M2MAUTH_SAME(M2MAUTH_ECONFIG, config);
M2MAUTH_SAME(M2MAUTH_EKEY, key);
M2MAUTH_SAME(M2MAUTH_EKEYTYPE, key_type);
M2MAUTH_SAME(M2MAUTH_EPASSPHRASE, passphrase);
M2MAUTH_SAME(M2MAUTH_ENOPRIVATE, no_private);
M2MAUTH_SAME(M2MAUTH_ESIGNER, signer);
M2MAUTH_SAME(M2MAUTH_EMALFORMED, malformed);
M2MAUTH_SAME(M2MAUTH_ESIGNATURE, signature);
M2MAUTH_SAME(M2MAUTH_EALGORITHM, algorithm);
M2MAUTH_SAME(M2MAUTH_EEXPIRED, expired);
M2MAUTH_SAME(M2MAUTH_ENOTYETVALID, not_yet_valid);
M2MAUTH_SAME(M2MAUTH_EIAT, iat);
M2MAUTH_SAME(M2MAUTH_ECLAIM, claim);
M2MAUTH_SAME(M2MAUTH_EMISSINGCLAIM, missing_claim);
M2MAUTH_SAME(M2MAUTH_ENETWORK, network);
M2MAUTH_SAME(M2MAUTH_ETIMEOUT, timeout);
M2MAUTH_SAME(M2MAUTH_ETLS, tls);
M2MAUTH_SAME(M2MAUTH_EINSECURE, insecure);
M2MAUTH_SAME(M2MAUTH_EHTTP, http);
M2MAUTH_SAME(M2MAUTH_EOAUTH, oauth);
M2MAUTH_SAME(M2MAUTH_EPROTOCOL, protocol);
M2MAUTH_SAME(M2MAUTH_EVENDOR, vendor);
M2MAUTH_SAME(M2MAUTH_EUNAUTHORIZED, unauthorized);
M2MAUTH_SAME(M2MAUTH_ECANCELLED, cancelled);
M2MAUTH_SAME(M2MAUTH_EBACKOFF, backoff);
#undef M2MAUTH_SAME

using m2mauth::core::ErrorCategory;
#define M2MAUTH_SAME_CATEGORY(c, e) static_assert(static_cast<int>(ErrorCategory::e) == (c), #c)
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_NONE, none);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_INTERNAL, internal);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_INPUT, input);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_UNSUPPORTED, unsupported);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_NOT_FOUND, not_found);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_STATE, state);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_IO, io);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_CONFIG, config);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_KEY, key);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_VERIFICATION, verification);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_NETWORK, network);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_TIMEOUT, timeout);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_TLS, tls);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_INSECURE_TRANSPORT, insecure_transport);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_HTTP, http);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_PROTOCOL, protocol);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_OAUTH_REFUSAL, oauth_refusal);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_VENDOR, vendor);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_UNAUTHORIZED, unauthorized);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_CANCELLED, cancelled);
M2MAUTH_SAME_CATEGORY(M2MAUTH_CATEGORY_BACKOFF, backoff);
#undef M2MAUTH_SAME_CATEGORY

namespace {

struct Record {
  std::string message, oauth_error, oauth_error_description, oauth_error_uri;
  m2mauth_error pub{M2MAUTH_OK, "", 0, 0, "", "", "", 0, 0};

  void publish() noexcept {
    pub.message = message.c_str();
    pub.oauth_error = oauth_error.c_str();
    pub.oauth_error_description = oauth_error_description.c_str();
    pub.oauth_error_uri = oauth_error_uri.c_str();
  }
};

Record &record() noexcept {
  static thread_local Record r;
  return r;
}

}  // namespace

namespace m2mauth::capi {

m2mauth_status set_error(const core::Error &e) noexcept {
  Record &r = record();
  try {
    const core::ErrorDetail &d = e.detail();
    r.message = e.what();
    r.oauth_error = d.oauth_error;
    r.oauth_error_description = d.oauth_error_description;
    r.oauth_error_uri = d.oauth_error_uri;
    r.pub.code = static_cast<int>(e.code());
    r.pub.transient = d.transient ? 1 : 0;
    r.pub.http_status = d.http_status;
    r.pub.vendor_code = d.vendor_code;
    r.pub.retry_after_ms = d.retry_after_ms;
    r.publish();
  } catch (...) {
    return set_error(static_cast<int>(e.code()), "out of memory while recording an error");
  }
  return static_cast<int>(e.code());
}

m2mauth_status set_error(int code, const char *message) noexcept {
  Record &r = record();
  r.pub = m2mauth_error{code, message, m2mauth::core::transient_by_nature(static_cast<Errc>(code)) ? 1 : 0,
                        0, "", "", "", 0, 0};
  try {
    r.message = message;
    r.oauth_error.clear();
    r.oauth_error_description.clear();
    r.oauth_error_uri.clear();
    r.publish();
  } catch (...) {
    // keep pointing at the static message
  }
  return code;
}

}  // namespace m2mauth::capi

extern "C" {

const m2mauth_error *m2mauth_error_last(void) { return &record().pub; }

void m2mauth_error_clear(void) { m2mauth::capi::set_error(M2MAUTH_OK, ""); }

const char *m2mauth_error_name(int code) {
  switch (code) {
    case M2MAUTH_OK: return "ok";
    case M2MAUTH_ERROR: return "error";
    case M2MAUTH_EINVAL: return "invalid_argument";
    case M2MAUTH_ENOMEM: return "out_of_memory";
    case M2MAUTH_EUNSUPPORTED: return "unsupported";
    case M2MAUTH_ETOOLARGE: return "too_large";
    case M2MAUTH_ENOTFOUND: return "not_found";
    case M2MAUTH_ESTATE: return "state";
    case M2MAUTH_EIO: return "io";
    case M2MAUTH_ECONFIG: return "config";
    case M2MAUTH_EKEY: return "key";
    case M2MAUTH_EKEYTYPE: return "key_type";
    case M2MAUTH_EPASSPHRASE: return "passphrase";
    case M2MAUTH_ENOPRIVATE: return "no_private_key";
    case M2MAUTH_ESIGNER: return "signer";
    case M2MAUTH_EMALFORMED: return "malformed";
    case M2MAUTH_ESIGNATURE: return "signature";
    case M2MAUTH_EALGORITHM: return "algorithm";
    case M2MAUTH_EEXPIRED: return "expired";
    case M2MAUTH_ENOTYETVALID: return "not_yet_valid";
    case M2MAUTH_EIAT: return "issued_in_future";
    case M2MAUTH_ECLAIM: return "claim";
    case M2MAUTH_EMISSINGCLAIM: return "missing_claim";
    case M2MAUTH_ENETWORK: return "network";
    case M2MAUTH_ETIMEOUT: return "timeout";
    case M2MAUTH_ETLS: return "tls";
    case M2MAUTH_EINSECURE: return "insecure";
    case M2MAUTH_EHTTP: return "http";
    case M2MAUTH_EOAUTH: return "oauth";
    case M2MAUTH_EPROTOCOL: return "protocol";
    case M2MAUTH_EVENDOR: return "vendor";
    case M2MAUTH_EUNAUTHORIZED: return "unauthorized";
    case M2MAUTH_ECANCELLED: return "cancelled";
    case M2MAUTH_EBACKOFF: return "backoff";
    default: return "unknown";
  }
}

int m2mauth_error_code_is_transient(int code) {
  return m2mauth::core::transient_by_nature(static_cast<Errc>(code)) ? 1 : 0;
}

int m2mauth_error_is_transient(const m2mauth_error *error) {
  if (error == nullptr) return 0;
  return m2mauth::core::is_transient(static_cast<Errc>(error->code), error->transient != 0) ? 1 : 0;
}

int m2mauth_error_category(int code) { return static_cast<int>(m2mauth::core::error_category(code)); }

const char *m2mauth_error_category_name(int category) {
  return m2mauth::core::error_category_name(static_cast<ErrorCategory>(category));
}

}  // extern "C"
