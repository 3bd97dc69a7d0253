// C API: the libcurl transport and application-provided transports.
#include <memory>
#include <string>

#include "call_options.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "m2mauth/core/payload.hpp"

using namespace m2mauth;

namespace {

std::string text_or_empty(const char *s) { return s == nullptr ? std::string() : std::string(s); }

core::HttpConfig config_from(const m2mauth_http_options *o) {
  core::HttpConfig c;
  if (o == nullptr) return c;
  if (o->version != M2MAUTH_HTTP_OPTIONS_VERSION)
    throw core::Error(core::Errc::invalid_argument, "m2mauth_http_options.version must be M2MAUTH_HTTP_OPTIONS_VERSION");
  if (o->connect_timeout_ms < 0 || o->timeout_ms < 0)
    throw core::Error(core::Errc::invalid_argument, "m2mauth_http_options: timeouts must not be negative");
  c.verify_peer = o->insecure_skip_verify == 0;
  c.ca_file = text_or_empty(o->ca_file);
  c.ca_dir = text_or_empty(o->ca_dir);
  c.client_cert = text_or_empty(o->client_cert);
  c.client_key = text_or_empty(o->client_key);
  if (o->client_key_passphrase != nullptr) c.client_key_passphrase = core::SecretString(o->client_key_passphrase);
  if (o->client_cert_type != nullptr) c.client_cert_type = o->client_cert_type;
  c.proxy = text_or_empty(o->proxy);
  if (o->connect_timeout_ms > 0) c.connect_timeout_ms = o->connect_timeout_ms;
  if (o->timeout_ms > 0) c.timeout_ms = o->timeout_ms;
  if (o->max_response_bytes > 0) c.max_response_bytes = o->max_response_bytes;
  c.allow_plain_http = o->allow_plain_http != 0;
  c.user_agent = text_or_empty(o->user_agent);
  return c;
}

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

m2mauth_status m2mauth_http_options_init(m2mauth_http_options *opts, unsigned int version) {
  return capi::guard([&] {
    capi::need(opts, "opts");
    if (version != M2MAUTH_HTTP_OPTIONS_VERSION)
      throw core::Error(core::Errc::invalid_argument, "unsupported m2mauth_http_options version");
    *opts = m2mauth_http_options M2MAUTH_HTTP_OPTIONS_INIT;
  });
}

m2mauth_status m2mauth_http_new(m2mauth_http **out, const m2mauth_http_options *opts) {
  return capi::guard([&] {
    capi::need(out, "out");
    *out = nullptr;
    auto h = std::make_unique<m2mauth_http>();
    h->transport = core::make_curl_transport(config_from(opts));
    *out = h.release();
  });
}

m2mauth_status m2mauth_http_add_override(m2mauth_http *http, const char *url_prefix, const m2mauth_http_options *opts) {
  return capi::guard([&] {
    capi::need(http, "http");
    std::string prefix(capi::need_text(url_prefix, "url_prefix"));
    capi::need(opts, "opts");
    core::add_http_override(*capi::need(http->transport.get(), "http transport"), {std::move(prefix), config_from(opts)});
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
