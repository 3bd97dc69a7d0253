// C API: per-call options and the cancel handle.
#include "call_options.hpp"
#include "guard.hpp"

using namespace m2mauth;

namespace m2mauth::capi {

core::CallOptions call_options(const m2mauth_call_options *opts) {
  core::CallOptions o;
  if (opts == nullptr) return o;
  if (opts->version == 0 || opts->version > M2MAUTH_CALL_OPTIONS_VERSION)
    throw core::Error(core::Errc::invalid_argument, "m2mauth_call_options.version must be M2MAUTH_CALL_OPTIONS_VERSION");
  if (opts->timeout_ms < 0 || opts->deadline_ms < 0)
    throw core::Error(core::Errc::invalid_argument, "m2mauth_call_options: timeout_ms and deadline_ms must not be negative");
  o.timeout_ms = opts->timeout_ms;
  o.deadline_ms = opts->deadline_ms;
  o.max_response_bytes = opts->max_response_bytes;
  if (opts->cancel != nullptr) o.cancel = opts->cancel->cancel.get();
  return o;
}

std::shared_ptr<core::Cancel> call_cancel(const m2mauth_call_options *opts) {
  return opts != nullptr && opts->cancel != nullptr ? opts->cancel->cancel : nullptr;
}

}  // namespace m2mauth::capi

extern "C" {

m2mauth_status m2mauth_call_options_init(m2mauth_call_options *opts, unsigned int version) {
  return capi::guard([&] {
    capi::need(opts, "opts");
    if (version != M2MAUTH_CALL_OPTIONS_VERSION)
      throw core::Error(core::Errc::invalid_argument, "unsupported m2mauth_call_options version");
    *opts = m2mauth_call_options M2MAUTH_CALL_OPTIONS_INIT;
  });
}

m2mauth_status m2mauth_cancel_new(m2mauth_cancel **out) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto c = std::make_unique<m2mauth_cancel>();
    c->cancel = std::make_shared<core::Cancel>();
    *out = c.release();
  });
}

void m2mauth_cancel_request(m2mauth_cancel *cancel) {
  if (cancel != nullptr) cancel->cancel->request();
}

int m2mauth_cancel_is_requested(const m2mauth_cancel *cancel) {
  return cancel != nullptr && cancel->cancel->requested() ? 1 : 0;
}

void m2mauth_cancel_free(m2mauth_cancel *cancel) { delete cancel; }

}  // extern "C"
