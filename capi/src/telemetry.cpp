// telemetry.h: the core's spans and metrics (m2mauth/core/telemetry.hpp) in C terms.
#include "m2mauth/telemetry.h"

#include <memory>
#include <string>
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

class CTracer final : public core::telemetry::Tracer, public std::enable_shared_from_this<CTracer> {
 public:
  CTracer(const m2mauth_tracer &t, core::Payload payload)
      : start_(t.start), end_(t.end), capture_(t.capture), release_(t.release), payload_(std::move(payload)) {}

  std::shared_ptr<void> capture() override {
    if (capture_ == nullptr) return nullptr;
    void *context = capture_(payload_.get());
    if (context == nullptr) return nullptr;
    // The context keeps the tracer (its payload and release) alive until it is released.
    std::shared_ptr<CTracer> self = shared_from_this();
    return std::shared_ptr<void>(context, [self](void *c) { self->release_(c, self->payload_.get()); });
  }

  void *start(const core::telemetry::SpanStart &span, std::string &traceparent) override {
    const std::vector<m2mauth_attribute> attrs = c_attributes(span.attributes);
    m2mauth_span_start s{};
    s.kind = static_cast<int>(span.kind);
    s.parent = span.parent;
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
  m2mauth_span_capture_cb capture_;
  m2mauth_span_release_cb release_;
  core::Payload payload_;
};

}  // namespace

extern "C" {

m2mauth_status m2mauth_tracer_init(m2mauth_tracer *tracer, unsigned int version) {
  return capi::guard([&] {
    capi::need(tracer, "tracer");
    if (version != M2MAUTH_TRACER_VERSION)
      core::fail(core::Errc::invalid_argument, "m2mauth_tracer version " + std::to_string(version) + " is not known");
    *tracer = m2mauth_tracer M2MAUTH_TRACER_INIT;
  });
}

m2mauth_status m2mauth_set_tracer(const m2mauth_tracer *tracer) {
  return capi::guard([&] {
    if (tracer == nullptr) {
      core::telemetry::set_tracer(nullptr);
      return;
    }
    core::Payload held = core::hold_payload(tracer->payload, tracer->free_payload);  // released here unless kept
    if (tracer->version != M2MAUTH_TRACER_VERSION)
      core::fail(core::Errc::invalid_argument,
                 "m2mauth_tracer.version " + std::to_string(tracer->version) + " is not known");
    if (tracer->start == nullptr || tracer->end == nullptr)
      core::fail(core::Errc::invalid_argument, "m2mauth_tracer: start and end are required");
    if (tracer->capture != nullptr && tracer->release == nullptr)
      core::fail(core::Errc::invalid_argument, "m2mauth_tracer: capture needs release");
    core::telemetry::set_tracer(std::make_shared<CTracer>(*tracer, std::move(held)));
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
