// C API: the libcurl transport and application-provided transports.
#include <memory>
#include <string>

#include "call_options.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "m2mauth/core/payload.hpp"
#include "options.hpp"

using namespace m2mauth;

namespace {

core::Errc errc_of(m2mauth_status status) noexcept {
  if (status >= 0 || std::string(m2mauth_error_name(status)) == "unknown") return core::Errc::generic;
  return static_cast<core::Errc>(status);
}

// An application's transport behind core::Transport. The callback sees a copy of the core request as
// an m2mauth_request; its status becomes a core::Error (transient for network and timeout codes).
class CallbackTransport final : public core::Transport {
 public:
  CallbackTransport(m2mauth_transport_cb cb, core::Payload payload) : cb_(cb), payload_(std::move(payload)) {}

  core::Response send(const core::Request &req, const core::CallOptions &options) override {
    if (options.cancel != nullptr && options.cancel->requested())
      throw core::Error(core::Errc::cancelled, "HTTP request cancelled before it started");
    m2mauth_request view{req};
    m2mauth_response *out = nullptr;
    m2mauth_error_clear();
    m2mauth_status status = cb_(&out, &view, payload_.get());
    if (status != M2MAUTH_OK) {
      // On failure *out is not ours: the callback keeps ownership of anything it left there.
      std::string message = std::string("application transport failed: ") + m2mauth_error_name(status);
      const m2mauth_error *last = m2mauth_error_last();
      if (last->code == status && last->message[0] != '\0') message += " (" + std::string(last->message) + ")";
      if (status > 0) message = "application transport returned an invalid status " + std::to_string(status);
      throw core::Error(errc_of(status), message);
    }
    std::unique_ptr<m2mauth_response> owned(out);
    if (!owned) throw core::Error(core::Errc::generic, "application transport returned M2MAUTH_OK without a response");
    return std::move(owned->resp);
  }

 private:
  m2mauth_transport_cb cb_;
  core::Payload payload_;  // released with the transport
};

}  // namespace

extern "C" {

m2mauth_status m2mauth_http_new(m2mauth_http **out, const m2mauth_http_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto h = std::make_unique<m2mauth_http>();
    h->transport = core::make_curl_transport(capi::http_config_from(opts));
    *out = h.release();
  });
}

m2mauth_status m2mauth_http_add_override(m2mauth_http *http, const char *url_prefix, const m2mauth_http_options *opts) {
  return capi::guard([&] {
    capi::need(http, "http");
    std::string prefix(capi::need_text(url_prefix, "url_prefix"));
    capi::need(opts, "opts");
    core::add_http_override(*capi::need(http->transport.get(), "http transport"), {std::move(prefix), capi::http_config_from(opts)});
  });
}

m2mauth_status m2mauth_http_new_custom(m2mauth_http **out, m2mauth_transport_cb send, void *payload,
                                       m2mauth_free_cb free_payload) {
  return capi::guard([&] {
    core::Payload held = core::hold_payload(payload, free_payload);  // released here if this call fails
    capi::need(out, "out");
    *out = nullptr;
    if (send == nullptr) throw core::Error(core::Errc::invalid_argument, "send is NULL");
    auto h = std::make_unique<m2mauth_http>();
    h->transport = std::make_shared<CallbackTransport>(send, std::move(held));
    *out = h.release();
  });
}

m2mauth_status m2mauth_http_send(m2mauth_response **out, m2mauth_http *http, const m2mauth_request *req) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    core::Transport &transport = *capi::need(capi::need(http, "http")->transport.get(), "http transport");
    const core::Request &request = capi::need(req, "req")->req;
    auto resp = std::make_unique<m2mauth_response>();
    resp->resp = transport.send(request);
    *out = resp.release();
  });
}

m2mauth_status m2mauth_http_send_with(m2mauth_response **out, m2mauth_http *http, const m2mauth_request *req,
                                      const m2mauth_call_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    core::Transport &transport = *capi::need(capi::need(http, "http")->transport.get(), "http transport");
    const core::Request &request = capi::need(req, "req")->req;
    core::CallOptions options = capi::call_options(opts);
    auto resp = std::make_unique<m2mauth_response>();
    resp->resp = transport.send(request, options);
    *out = resp.release();
  });
}

void m2mauth_http_free(m2mauth_http *http) { delete http; }

}  // extern "C"
