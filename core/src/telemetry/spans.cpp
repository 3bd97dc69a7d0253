// Spans around token requests and managed requests (core/include/m2mauth/core/telemetry.hpp): the
// attributes the OpenTelemetry HTTP client semantic conventions name, plus m2mauth's own, and the
// W3C traceparent a language's tracer hands back.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <new>

#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/telemetry.hpp"
#include "telemetry/attributes.hpp"

namespace m2mauth::core::telemetry {

namespace {

std::shared_ptr<Tracer> g_tracer;  // std::atomic_load / atomic_store only
std::atomic<bool> g_has_tracer{false};
thread_local std::string_view t_source;
thread_local void *t_parent = nullptr;

const char *kind_name(SpanKind kind) noexcept { return kind == SpanKind::token_request ? "token_request" : "request"; }

// The request's URL without query, fragment or user info (the query may hold a secret).
void url_attributes(std::vector<Attribute> &out, const std::string &url) {
  try {
    const Url u = Url::parse(url);
    std::string full = u.origin();
    full += u.path;
    add_text(out, "url.full", full);
    add_text(out, "server.address", u.host);
    add_number(out, "server.port", u.effective_port());
  } catch (const Error &) {
    // Not an absolute http(s) URL: the send refuses it; the span says nothing of it.
  }
}

SpanStart make_start(const Request &req, const SendInfo &info) {
  SpanStart s{info.kind, ParentScope::current(), req.method, {}, {}};
  add_text(s.attributes, "http.request.method", req.method);
  url_attributes(s.attributes, req.url);
  add_text(s.attributes, "m2mauth.operation", kind_name(info.kind));
  add_text(s.attributes, "m2mauth.client_id", info.client_id);
  add_text(s.attributes, "m2mauth.scope", info.scope);
  add_text(s.attributes, "m2mauth.token.source", info.token_source);
  if (info.resend_count > 0) add_number(s.attributes, "http.request.resend_count", info.resend_count);
  s.json = "{\"kind\":";
  json_quote_append(s.json, kind_name(info.kind));
  s.json += ",\"name\":";
  json_quote_append(s.json, s.name);
  s.json += ",\"attributes\":";
  attributes_json(s.json, s.attributes);
  s.json += '}';
  return s;
}

SpanEnd make_end(const SpanStart &start, const Response *resp, const Error *error, double duration_s) {
  SpanEnd e;
  e.duration_s = duration_s;
  if (resp != nullptr) {
    add_number(e.attributes, "http.response.status_code", resp->status);
    if (resp->status >= 400) e.error_type = std::to_string(resp->status);
  } else if (error != nullptr) {
    e.error_type = error_category_name(error_category(error->code()));
  } else {
    e.error_type = "_OTHER";  // the semantic conventions' word for a failure of no known kind
  }
  e.error = !e.error_type.empty();
  if (e.error) add_text(e.attributes, "error.type", e.error_type);
  e.histogram = start.kind == SpanKind::token_request ? "m2mauth.token.request.duration" : "m2mauth.request.duration";
  // The histogram's attributes: low cardinality only (no URL path, no resend count).
  for (const Attribute &a : start.attributes)
    if (a.key == "http.request.method" || a.key == "server.address" || a.key == "server.port" ||
        a.key == "m2mauth.operation" || a.key == "m2mauth.client_id" || a.key == "m2mauth.scope" ||
        a.key == "m2mauth.token.source")
      e.metric_attributes.push_back(a);
  for (const Attribute &a : e.attributes) e.metric_attributes.push_back(a);
  e.json = e.error ? "{\"error\":true,\"error_type\":" : "{\"error\":false,\"error_type\":";
  json_quote_append(e.json, e.error_type);
  e.json += ",\"duration_s\":";
  char d[32];
  std::snprintf(d, sizeof d, "%.9f", duration_s);
  e.json += d;
  e.json += ",\"attributes\":";
  attributes_json(e.json, e.attributes);
  e.json += ",\"histogram\":";
  json_quote_append(e.json, e.histogram);
  e.json += ",\"metric_attributes\":";
  attributes_json(e.json, e.metric_attributes);
  e.json += '}';
  return e;
}

bool lower_hex(std::string_view s) noexcept {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool all_zero(std::string_view s) noexcept { return s.find_first_not_of('0') == std::string_view::npos; }

}  // namespace

void add_text(std::vector<Attribute> &out, const char *key, std::string_view value) {
  // Values come from the configuration and the request: one that is not UTF-8 is left out, not mangled.
  if (value.empty() || !utf8_valid(value)) return;
  out.push_back(Attribute{key, std::string(value), 0, false});
}

void add_number(std::vector<Attribute> &out, const char *key, std::int64_t value) {
  out.push_back(Attribute{key, {}, value, true});
}

void attributes_json(std::string &out, const std::vector<Attribute> &attributes) {
  out += '{';
  bool first = true;
  for (const Attribute &a : attributes) {
    if (!first) out += ',';
    first = false;
    json_quote_append(out, a.key);
    out += ':';
    if (a.is_number)
      out += std::to_string(a.number);
    else
      json_quote_append(out, a.text);
  }
  out += '}';
}

void set_tracer(std::shared_ptr<Tracer> tracer) {
  const bool has = tracer != nullptr;
  std::atomic_store(&g_tracer, std::move(tracer));
  g_has_tracer.store(has, std::memory_order_release);
}

std::shared_ptr<Tracer> current_tracer() noexcept {
  if (!g_has_tracer.load(std::memory_order_acquire)) return nullptr;
  return std::atomic_load(&g_tracer);
}

bool valid_traceparent(std::string_view v) noexcept {
  // W3C Trace Context section 3.2: version "00", 16-byte trace id, 8-byte parent id, flags; lower-case hex.
  if (v.size() != 55 || v.substr(0, 3) != "00-" || v[35] != '-' || v[52] != '-') return false;
  const std::string_view trace = v.substr(3, 32), parent = v.substr(36, 16), flags = v.substr(53, 2);
  return lower_hex(trace) && lower_hex(parent) && lower_hex(flags) && !all_zero(trace) && !all_zero(parent);
}

Response send(Transport &transport, Request &req, const CallOptions &options, const SendInfo &info) {
  const std::shared_ptr<Tracer> tracer = current_tracer();
  if (!tracer) return transport.send(req, options);
  SpanStart start = make_start(req, info);
  std::string traceparent;
  void *span = nullptr;
  try {
    span = tracer->start(start, traceparent);
  } catch (...) {
    traceparent.clear();
  }
  // A resend replaces the header a first send set; a caller's own traceparent is kept when the
  // tracer gives none.
  if (valid_traceparent(traceparent)) req.set_header("traceparent", traceparent);
  const auto t0 = std::chrono::steady_clock::now();
  auto finish = [&](const Response *resp, const Error *error) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    try {
      tracer->end(span, make_end(start, resp, error, s));
    } catch (...) {
      // An adapter's failure never changes the request's outcome.
    }
  };
  try {
    Response resp = transport.send(req, options);
    finish(&resp, nullptr);
    return resp;
  } catch (const Error &e) {
    finish(nullptr, &e);
    throw;
  } catch (...) {
    finish(nullptr, nullptr);
    throw;
  }
}

std::shared_ptr<void> capture_context() noexcept {
  const std::shared_ptr<Tracer> tracer = current_tracer();
  if (!tracer) return nullptr;
  try {
    return tracer->capture();
  } catch (...) {
    return nullptr;
  }
}

ParentScope::ParentScope(void *parent) noexcept : saved_(t_parent) { t_parent = parent; }
ParentScope::~ParentScope() { t_parent = saved_; }
void *ParentScope::current() noexcept { return t_parent; }

SourceScope::SourceScope(std::string_view source) noexcept : saved_(t_source) { t_source = source; }
SourceScope::~SourceScope() { t_source = saved_; }
std::string_view SourceScope::current() noexcept { return t_source; }

}  // namespace m2mauth::core::telemetry
