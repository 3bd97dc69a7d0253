// OpenTelemetry's data without OpenTelemetry (issue 15). The core decides every name, attribute and
// unit once; a language's adapter (Python m2mauth.otel, Java io.m2mauth.otel, Go m2mauthotel) only
// hands them to its OTel SDK:
// - spans: a process-wide Tracer is told when each token request and each managed request is sent and
//   when it ended; it may answer with a W3C traceparent, which the request then carries;
// - metrics: metrics_json() reads every live token manager's stats as OTel instruments and points.
// With no Tracer installed a send costs one atomic load; metrics cost nothing until read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "m2mauth/core/http.hpp"

namespace m2mauth::core {

class TokenManager;

namespace telemetry {

// Values equal the C API's m2mauth_span_kind.
enum class SpanKind : int {
  token_request = 1,  // a request to the token endpoint (grant, refresh, exchange)
  request = 2,        // a managed request to an API (TokenManager::request, request_async)
};

struct Attribute {
  std::string key;
  std::string text;          // when !is_number
  std::int64_t number = 0;   // when is_number
  bool is_number = false;
};

struct SpanStart {
  SpanKind kind;
  // What Tracer::capture returned on the caller's thread when this send is made by another thread on a
  // waiting caller's behalf (a token manager's worker); null: the sending thread's own context.
  void *parent = nullptr;
  std::string name;                    // the OTel span name (the HTTP method, as the HTTP semantic conventions say)
  std::vector<Attribute> attributes;   // OTel attribute names; never a secret, never a query string
  std::string json;                    // {"kind":"token_request","name":"POST","attributes":{...}}
};

struct SpanEnd {
  bool error = false;                  // the span's status is Error
  std::string error_type;              // "error.type": the HTTP status for 4xx/5xx, else the error category; "" ok
  double duration_s = 0;               // on the steady clock
  std::vector<Attribute> attributes;   // to add to the span (http.response.status_code, error.type)
  std::string histogram;               // the duration histogram to record into (see metrics_json)
  std::vector<Attribute> metric_attributes;
  std::string json;                    // {"error":false,"error_type":"","duration_s":0.01,"attributes":{...},
                                       //  "histogram":"...","metric_attributes":{...}}
};

// A process-wide observer of sends. start runs on the sending thread just before the send and may set
// traceparent (it is sent only when it is a valid W3C version-00 value); end runs once for every start,
// on the same thread, after the send returned or threw. Both must not throw (an exception is dropped).
class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual void *start(const SpanStart &span, std::string &traceparent) = 0;
  virtual void end(void *span, const SpanEnd &end) = 0;
  // The calling thread's current context, kept while a token request made for this caller by another
  // thread is pending, then released (the deleter); null: none. Never called with a manager's lock held.
  virtual std::shared_ptr<void> capture() { return nullptr; }
};

// Installs the tracer (null: none). Sends already started finish with the tracer they started with.
void set_tracer(std::shared_ptr<Tracer> tracer);
std::shared_ptr<Tracer> current_tracer() noexcept;

// True for "00-<32 hex>-<16 hex>-<2 hex>", lower-case, trace and parent id not all zeros.
bool valid_traceparent(std::string_view value) noexcept;

// What the caller knows about a send beyond the request itself.
struct SendInfo {
  SpanKind kind = SpanKind::request;
  std::string_view client_id;
  std::string_view scope;
  std::string_view token_source;  // token requests: "fetched" or "refreshed"; "" unknown
  int resend_count = 0;           // http.request.resend_count (0: the first send)
};

// transport.send(req, options), inside a span when a tracer is installed (traceparent set on req).
Response send(Transport &transport, Request &req, const CallOptions &options, const SendInfo &info);

// The installed tracer's capture() (null without a tracer, or when it throws).
std::shared_ptr<void> capture_context() noexcept;

// The parent context (see SpanStart::parent) of the sends this thread makes, for the scope.
class ParentScope {
 public:
  explicit ParentScope(void *parent) noexcept;
  ~ParentScope();
  ParentScope(const ParentScope &) = delete;
  ParentScope &operator=(const ParentScope &) = delete;
  static void *current() noexcept;

 private:
  void *saved_;
};

// The token source a token manager is fetching for on this thread ("fetched", "refreshed"), read by
// TokenClient::fetch for its span. Set for the scope of one fetch.
class SourceScope {
 public:
  explicit SourceScope(std::string_view source) noexcept;
  ~SourceScope();
  SourceScope(const SourceScope &) = delete;
  SourceScope &operator=(const SourceScope &) = delete;
  static std::string_view current() noexcept;

 private:
  std::string_view saved_;
};

// Live token managers, for metrics_json (a manager registers itself for its lifetime).
void register_manager(TokenManager *manager);
void unregister_manager(TokenManager *manager);

// Every instrument (always all of them, with the points of every live manager's keys):
// {"scope":"io.m2mauth","instruments":[{"name":"m2mauth.token.requests",
// "kind":"counter"|"gauge"|"histogram","value_type":"int"|"double","unit":"{request}","description":"...",
// "points":[{"attributes":{...},"value":3}]}]}. Histograms have no points (spans' ends record them) and
// carry "bucket_boundaries" (seconds), the explicit buckets an adapter advises its SDK to use.
std::string metrics_json();

}  // namespace telemetry
}  // namespace m2mauth::core
