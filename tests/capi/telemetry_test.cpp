// telemetry.h through the public C API: spans around token and managed requests (their attributes, the
// traceparent they carry, hostile traceparents never sent), the event's duration, and the metrics JSON
// of live managers. The test double counts the token requests that carried a valid traceparent.
#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "test_server_support.hpp"

using capi::Buf;
using namespace test_server_support;

namespace {

struct Span {
  int kind = 0;
  void *parent = nullptr;
  std::string name, json;
  std::map<std::string, std::string> attrs;  // numbers as decimal text
  bool ended = false;
  int error = 0;
  std::string error_type, histogram, end_json;
  double duration_s = -1;
  std::map<std::string, std::string> end_attrs, metric_attrs;
};

std::map<std::string, std::string> attr_map(const m2mauth_attribute *a, size_t n) {
  std::map<std::string, std::string> m;
  for (size_t i = 0; i < n; ++i) m[a[i].key] = a[i].is_number ? std::to_string(a[i].number) : std::string(a[i].text);
  return m;
}

struct Recorder {
  std::mutex mu;
  std::vector<Span *> spans;
  std::string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  bool unterminated = false;  // write M2MAUTH_TRACEPARENT_SIZE bytes and no NUL
  std::atomic<int> freed{0};
  std::atomic<int> captured{0}, released{0};
  std::mutex contexts_mu;
  std::vector<int *> contexts;  // what capture returned (a marker per call), in order
  ~Recorder() {
    for (Span *s : spans) delete s;
  }
  static void *start(const m2mauth_span_start *s, char *traceparent, void *payload) {
    auto *r = static_cast<Recorder *>(payload);
    auto *span = new Span;
    span->kind = s->kind;
    span->parent = s->parent;
    span->name = s->name;
    span->json = s->json;
    span->attrs = attr_map(s->attributes, s->attribute_count);
    std::lock_guard<std::mutex> lock(r->mu);
    r->spans.push_back(span);
    if (r->unterminated)
      std::memset(traceparent, 'a', M2MAUTH_TRACEPARENT_SIZE);
    else
      std::snprintf(traceparent, M2MAUTH_TRACEPARENT_SIZE, "%s", r->traceparent.c_str());
    return span;
  }
  static void end(void *handle, const m2mauth_span_end *e, void *) {
    auto *span = static_cast<Span *>(handle);
    span->ended = true;
    span->error = e->error;
    span->error_type = e->error_type;
    span->duration_s = e->duration_s;
    span->histogram = e->histogram;
    span->end_json = e->json;
    span->end_attrs = attr_map(e->attributes, e->attribute_count);
    span->metric_attrs = attr_map(e->metric_attributes, e->metric_attribute_count);
  }
  static void *capture(void *payload) {
    auto *r = static_cast<Recorder *>(payload);
    auto *marker = new int(++r->captured);
    std::lock_guard<std::mutex> lock(r->contexts_mu);
    r->contexts.push_back(marker);
    return marker;
  }
  static void release_context(void *context, void *payload) {
    static_cast<Recorder *>(payload)->released++;
    delete static_cast<int *>(context);
  }
  static void release(void *payload) { static_cast<Recorder *>(payload)->freed++; }
  m2mauth_tracer tracer(bool with_capture = false) {
    m2mauth_tracer t = M2MAUTH_TRACER_INIT;
    t.start = start;
    t.end = end;
    if (with_capture) {
      t.capture = capture;
      t.release = release_context;
    }
    t.payload = this;
    t.free_payload = release;
    return t;
  }
  void install(bool with_capture = false) {
    const m2mauth_tracer t = tracer(with_capture);
    REQUIRE_OK(m2mauth_set_tracer(&t));
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return spans.size();
  }
  Span &at(size_t i) {
    std::lock_guard<std::mutex> lock(mu);
    return *spans.at(i);
  }
};

// Removes the tracer when a test ends, whatever happened.
struct TracerGuard {
  ~TracerGuard() { m2mauth_set_tracer(nullptr); }
};

struct Manager {
  m2mauth_token_manager *m = nullptr;
  explicit Manager(TokenClient &client) { REQUIRE_OK(m2mauth_token_manager_new(&m, client.c, nullptr)); }
  ~Manager() { m2mauth_token_manager_free(m); }
  int get() {
    m2mauth_token_view v = M2MAUTH_TOKEN_VIEW_INIT;
    return m2mauth_token_manager_get(&v, m);
  }
};

// A test double with one client_secret_basic client (scopes: NULL = any), and a token client of it.
struct Fixture {
  Server server;
  Http http;
  std::unique_ptr<TokenClient> client;
  explicit Fixture(const char *id, const char *scopes = nullptr) {
    server.add(id, M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret, nullptr, scopes);
    server.start();
    client = std::make_unique<TokenClient>(server.url() + "/token", id, http);
    REQUIRE_OK(m2mauth_token_client_set_secret(client->c, kSecret));
  }
};

std::string metrics() {
  Buf b;
  REQUIRE_OK(m2mauth_telemetry_metrics_json(b.out()));
  return b.str();
}

}  // namespace

TEST_CASE("telemetry: a token request's span, its attributes, and the traceparent it carries") {
  TracerGuard guard;
  Fixture f("svc-a", "read");
  Server &server = f.server;
  TokenClient &client = *f.client;
  REQUIRE_OK(m2mauth_token_client_set_scope(client.c, "read"));
  Recorder rec;
  rec.install();
  Manager manager(client);
  REQUIRE_OK(manager.get());
  REQUIRE_OK(manager.get());  // a cache hit: no span
  REQUIRE(rec.count() == 1);
  Span &s = rec.at(0);
  CHECK(s.kind == M2MAUTH_SPAN_TOKEN_REQUEST);
  CHECK(s.name == "POST");
  CHECK(s.attrs["http.request.method"] == "POST");
  CHECK(s.attrs["url.full"] == server.url() + "/token");
  CHECK(s.attrs["server.address"] == "127.0.0.1");
  CHECK(s.attrs["server.port"] == std::to_string(server.port()));
  CHECK(s.attrs["m2mauth.operation"] == "token_request");
  CHECK(s.attrs["m2mauth.client_id"] == "svc-a");
  CHECK(s.attrs["m2mauth.scope"] == "read");
  CHECK(s.attrs["m2mauth.token.source"] == "fetched");
  CHECK(s.attrs.count("http.request.resend_count") == 0);
  CHECK(s.json.find("\"kind\":\"token_request\"") != std::string::npos);
  CHECK(s.json.find("\"url.full\":\"" + server.url() + "/token\"") != std::string::npos);
  REQUIRE(s.ended);
  CHECK(s.error == 0);
  CHECK(s.error_type.empty());
  CHECK(s.end_attrs["http.response.status_code"] == "200");
  CHECK(s.histogram == "m2mauth.token.request.duration");
  CHECK(s.metric_attrs["http.response.status_code"] == "200");
  CHECK(s.metric_attrs["m2mauth.client_id"] == "svc-a");
  CHECK(s.metric_attrs.count("url.full") == 0);  // low cardinality only
  CHECK(s.duration_s > 0);
  CHECK(s.duration_s < 30);
  CHECK(s.end_json.find("\"histogram\":\"m2mauth.token.request.duration\"") != std::string::npos);
  // Never a secret: the client secret is nowhere in what the tracer saw.
  CHECK(s.json.find(kSecret) == std::string::npos);
  CHECK(s.end_json.find(kSecret) == std::string::npos);
  CHECK(server.count("traced") == 1);
  CHECK(server.count("token") == 1);
}

TEST_CASE("telemetry: a token request the manager's thread makes for a waiting caller gets that caller's context") {
  TracerGuard guard;
  Fixture f("svc-p");
  TokenClient &client = *f.client;
  Recorder rec;
  rec.install(true);
  {
    Manager manager(client);  // default options: refreshes run on the manager's thread
    REQUIRE_OK(manager.get());
    REQUIRE(rec.count() == 1);
    CHECK(rec.captured == 1);
    std::lock_guard<std::mutex> lock(rec.contexts_mu);
    CHECK(rec.at(0).parent == rec.contexts.at(0));
    CHECK(rec.at(0).attrs["m2mauth.token.source"] == "fetched");
  }
  CHECK(rec.released == rec.captured);  // each context released exactly once
  // A plain fetch on the caller's thread captures nothing: its own context is the current one.
  CHECK(client.fetch() == M2MAUTH_OK);
  CHECK(rec.captured == 1);
  CHECK(rec.at(1).parent == nullptr);
}

TEST_CASE("telemetry: failures end their span with error.type, HTTP status or error category") {
  TracerGuard guard;
  Server server;
  server.add("svc-b", M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC, kSecret);
  server.start();
  Http http;
  Recorder rec;
  rec.install();
  {
    TokenClient client(server.url() + "/token", "svc-b", http);
    REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));
    REQUIRE_OK(m2mauth_test_server_fail_next(server.s, 1, 503, "temporarily_unavailable", -1));
    CHECK(client.fetch() != M2MAUTH_OK);
    REQUIRE(rec.count() == 1);
    CHECK(rec.at(0).ended);
    CHECK(rec.at(0).error == 1);
    CHECK(rec.at(0).error_type == "503");
    CHECK(rec.at(0).end_attrs["error.type"] == "503");
    CHECK(rec.at(0).attrs.count("m2mauth.token.source") == 0);  // a plain client fetch: no manager to say
  }
  {
    // Nothing listens on the server's port once it is stopped: a network error, no response.
    const std::string url = server.url() + "/token";
    m2mauth_test_server_stop(server.s);
    TokenClient client(url, "svc-b", http);
    REQUIRE_OK(m2mauth_token_client_set_secret(client.c, kSecret));
    CHECK(client.fetch() == M2MAUTH_ENETWORK);
    REQUIRE(rec.count() == 2);
    CHECK(rec.at(1).ended);
    CHECK(rec.at(1).error == 1);
    CHECK(rec.at(1).error_type == "network");
    CHECK(rec.at(1).end_attrs.count("http.response.status_code") == 0);
  }
}

TEST_CASE("telemetry: a tracer's invalid traceparent is never sent, and the request still succeeds") {
  TracerGuard guard;
  Fixture f("svc-c");
  Server &server = f.server;
  TokenClient &client = *f.client;
  Recorder rec;
  rec.install();
  const char *hostile[] = {
      "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01",        // upper case
      "00-00000000000000000000000000000000-b7ad6b7169203331-01",        // trace id all zeros
      "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",        // parent id all zeros
      "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",        // another version
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333\r\nX: 1",     // a header injected
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0",         // short
      "00-0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331-01",        // wrong separator
      "",
  };
  int n = 0;
  for (const char *tp : hostile) {
    CAPTURE(tp);
    rec.traceparent = tp;
    CHECK(client.fetch() == M2MAUTH_OK);
    ++n;
  }
  rec.unterminated = true;  // 56 bytes of 'a', no NUL: cut, and then not valid
  CHECK(client.fetch() == M2MAUTH_OK);
  CHECK(rec.count() == static_cast<size_t>(n + 1));
  CHECK(server.count("traced") == 0);
  CHECK(server.count("token") == static_cast<uint64_t>(n + 1));
}

TEST_CASE("telemetry: a managed request's span: no query string, the HTTP status as error.type, the histogram it names") {
  TracerGuard guard;
  Fixture f("svc-d");
  Server &server = f.server;
  TokenClient &client = *f.client;
  Manager manager(client);
  Recorder rec;
  rec.install();
  m2mauth_request *req = nullptr;
  REQUIRE_OK(m2mauth_request_new(&req, "GET", (server.url() + "/api/items?secret=x").c_str()));
  m2mauth_response *resp = nullptr;
  REQUIRE_OK(m2mauth_token_manager_request(&resp, manager.m, req));
  CHECK(m2mauth_response_status(resp) == 404);  // the test double serves no API
  m2mauth_response_free(resp);
  m2mauth_request_free(req);
  REQUIRE(rec.count() == 2);  // the token request, then the API request
  CHECK(rec.at(0).kind == M2MAUTH_SPAN_TOKEN_REQUEST);
  Span &api = rec.at(1);
  CHECK(api.kind == M2MAUTH_SPAN_REQUEST);
  CHECK(api.name == "GET");
  CHECK(api.attrs["m2mauth.operation"] == "request");
  CHECK(api.attrs["url.full"] == server.url() + "/api/items");  // no query string
  CHECK(api.json.find("secret=x") == std::string::npos);
  CHECK(api.error == 1);
  CHECK(api.error_type == "404");
  CHECK(api.histogram == "m2mauth.request.duration");
}

TEST_CASE("telemetry: set_tracer releases each payload exactly once and refuses half a tracer") {
  TracerGuard guard;
  Recorder a, b;
  a.install();
  CHECK(a.freed == 0);
  b.install();  // replaces a
  CHECK(a.freed == 1);
  CHECK(b.freed == 0);
  Recorder c;
  m2mauth_tracer half = c.tracer();
  half.end = nullptr;
  CHECK(m2mauth_set_tracer(&half) == M2MAUTH_EINVAL);
  CHECK(c.freed == 1);  // released at once when the call fails
  m2mauth_tracer no_release = c.tracer(true);
  no_release.release = nullptr;
  CHECK(m2mauth_set_tracer(&no_release) == M2MAUTH_EINVAL);
  CHECK(c.freed == 2);
  m2mauth_tracer future = c.tracer();
  future.version = 2;
  CHECK(m2mauth_set_tracer(&future) == M2MAUTH_EINVAL);
  CHECK(c.freed == 3);
  CHECK(b.freed == 0);  // and b is still installed
  m2mauth_tracer init;
  CHECK(m2mauth_tracer_init(&init, 2) == M2MAUTH_EINVAL);
  REQUIRE_OK(m2mauth_tracer_init(&init, M2MAUTH_TRACER_VERSION));
  CHECK(init.payload == nullptr);
  REQUIRE_OK(m2mauth_set_tracer(nullptr));
  CHECK(b.freed == 1);
  CHECK(a.freed == 1);
}

TEST_CASE("telemetry: the metrics JSON lists every instrument and each live manager's keys") {
  const std::string empty = metrics();
  for (const char *name : {"m2mauth.token.cache.hits", "m2mauth.token.requests", "m2mauth.token.waits",
                           "m2mauth.token.wait.time", "m2mauth.token.time_to_expiry", "m2mauth.token.clock_offset",
                           "m2mauth.token.request.duration", "m2mauth.request.duration"})
    CHECK(empty.find(std::string("\"name\":\"") + name + "\"") != std::string::npos);
  CHECK(empty.find("\"scope\":\"io.m2mauth\"") == 1);
  CHECK(empty.find("\"name\":\"m2mauth.token.request.duration\",\"kind\":\"histogram\",\"value_type\":\"double\","
                   "\"unit\":\"s\"") != std::string::npos);
  CHECK(empty.find("\"bucket_boundaries\":[0.005,0.01,0.025,0.05,0.075,0.1,0.25,0.5,0.75,1,2.5,5,7.5,10]") !=
        std::string::npos);
  Fixture f("svc-metrics", "read");
  TokenClient &client = *f.client;
  REQUIRE_OK(m2mauth_token_client_set_scope(client.c, "read"));
  {
    Manager manager(client);
    REQUIRE_OK(manager.get());
    REQUIRE_OK(manager.get());
    REQUIRE_OK(manager.get());
    const std::string m = metrics();
    const std::string key = "{\"m2mauth.client_id\":\"svc-metrics\",\"server.address\":\"127.0.0.1\",\"m2mauth.scope\":\"read\"";
    CHECK(m.find("{\"attributes\":" + key + ",\"m2mauth.outcome\":\"ok\"},\"value\":1}") != std::string::npos);
    CHECK(m.find("{\"attributes\":" + key + ",\"m2mauth.outcome\":\"transient\"},\"value\":0}") != std::string::npos);
    CHECK(m.find("{\"attributes\":" + key + ",\"m2mauth.token.source\":\"fetched\"},\"value\":") != std::string::npos);
    CHECK(m.find(kSecret) == std::string::npos);
    // Two managers of the same client and scope are one series: their counters add up.
    Manager second(client);
    REQUIRE_OK(second.get());
    CHECK(metrics().find("{\"attributes\":" + key + ",\"m2mauth.outcome\":\"ok\"},\"value\":2}") != std::string::npos);
  }
  CHECK(metrics().find("svc-metrics") == std::string::npos);  // freed managers are gone
}

TEST_CASE("telemetry: the token event says how long the token request took") {
  Fixture f("svc-e");
  Server &server = f.server;
  TokenClient &client = *f.client;
  Manager manager(client);
  static std::atomic<int64_t> duration{-1};
  REQUIRE_OK(m2mauth_token_manager_set_event_cb(
      manager.m,
      [](const m2mauth_token_event *e, void *) {
        if (e->kind == M2MAUTH_TOKEN_EVENT_FETCHED) duration = e->duration_ms;
      },
      nullptr, nullptr));
  REQUIRE_OK(m2mauth_test_server_stall(server.s, 1, 120));
  REQUIRE_OK(manager.get());
  // The event comes from the manager's thread after the waiting reader was woken: wait for it.
  for (int i = 0; i < 1000 && duration < 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(duration >= 120);
  CHECK(duration < 30000);
}
