// telemetry.h: the core's spans and metrics (m2mauth/core/telemetry.hpp) in C terms.
#include "m2mauth/telemetry.h"

#include <memory>
#include <vector>

#include "guard.hpp"
#include "m2mauth/core/payload.hpp"
#include "m2mauth/core/telemetry.hpp"

using namespace m2mauth;

namespace {

std::vector<m2mauth_attribute> c_attributes(const std::vector<core::telemetry::Attribute> &in) {
  std::vector<m2mauth_attribute> out;
  out.reserve(in.size());
  for (const auto &a : in) out.push_back(m2mauth_attribute{a.key.c_str(), a.text.c_str(), a.number, a.is_number ? 1 : 0});
  return out;
}

class CTracer final : public core::telemetry::Tracer {
 public:
  CTracer(m2mauth_span_start_cb on_start, m2mauth_span_end_cb on_end, core::Payload payload)
      : start_(on_start), end_(on_end), payload_(std::move(payload)) {}

  void *start(const core::telemetry::SpanStart &span, std::string &traceparent) override {
    const std::vector<m2mauth_attribute> attrs = c_attributes(span.attributes);
    m2mauth_span_start s{};
    s.kind = static_cast<int>(span.kind);
    s.name = span.name.c_str();
    s.attributes = attrs.data();
    s.attribute_count = attrs.size();
    s.json = span.json.c_str();
    char buf[M2MAUTH_TRACEPARENT_SIZE] = {0};
    void *handle = start_(&s, buf, payload_.get());
    buf[M2MAUTH_TRACEPARENT_SIZE - 1] = '\0';  // a callback that wrote no NUL gives nothing valid
    traceparent = buf;
    return handle;
  }

  void end(void *span, const core::telemetry::SpanEnd &e) override {
    const std::vector<m2mauth_attribute> attrs = c_attributes(e.attributes);
    const std::vector<m2mauth_attribute> metric = c_attributes(e.metric_attributes);
    m2mauth_span_end c{};
    c.error = e.error ? 1 : 0;
    c.error_type = e.error_type.c_str();
    c.duration_s = e.duration_s;
    c.attributes = attrs.data();
    c.attribute_count = attrs.size();
    c.histogram = e.histogram.c_str();
    c.metric_attributes = metric.data();
    c.metric_attribute_count = metric.size();
    c.json = e.json.c_str();
    end_(span, &c, payload_.get());
  }

 private:
  m2mauth_span_start_cb start_;
  m2mauth_span_end_cb end_;
  core::Payload payload_;
};

}  // namespace

extern "C" {

m2mauth_status m2mauth_set_tracer(m2mauth_span_start_cb start, m2mauth_span_end_cb end, void *payload,
                                  m2mauth_free_cb free_payload) {
  return capi::guard([&] {
    core::Payload held = core::hold_payload(payload, free_payload);  // released here unless the tracer keeps it
    if ((start == nullptr) != (end == nullptr))
      core::fail(core::Errc::invalid_argument, "m2mauth_set_tracer: start and end must both be set, or both NULL");
    if (start == nullptr) {
      core::telemetry::set_tracer(nullptr);
      return;
    }
    core::telemetry::set_tracer(std::make_shared<CTracer>(start, end, std::move(held)));
  });
}

m2mauth_status m2mauth_telemetry_metrics_json(m2mauth_buf *out) {
  capi::reset(out);
  return capi::guard([&] {
    capi::need(out, "out");
    capi::fill(out, core::telemetry::metrics_json());
  });
}

}  // extern "C"
