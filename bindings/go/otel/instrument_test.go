package m2mauthotel_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth/m2mauthtest"
	m2mauthotel "github.com/m2mauth/m2mauth/bindings/go/otel"
)

// Real spans and metrics through the OpenTelemetry SDK, with the library's token server on 127.0.0.1.
// The tracer is process-wide: the tests do not run in parallel, and each shuts its instrumentation down.

type setup struct {
	srv      *m2mauthtest.Server
	client   *m2mauth.TokenClient
	spans    *tracetest.SpanRecorder
	tp       *sdktrace.TracerProvider
	reader   *sdkmetric.ManualReader
	shutdown func() error
}

func newSetup(t *testing.T, id, secret string, lifetime time.Duration) *setup {
	t.Helper()
	s := &setup{}
	var err error
	if s.srv, err = m2mauthtest.NewTokenServer(&m2mauthtest.Options{TokenLifetime: lifetime}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.srv.Close)
	if err := s.srv.AddClient(m2mauthtest.Client{ID: id, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	if s.client, err = m2mauth.NewTokenClient(m2mauth.TokenClientConfig{TokenURL: s.srv.TokenURL, ClientID: id,
		ClientSecret: []byte(secret), Scope: "orders.read"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.client.Close() })
	s.spans = tracetest.NewSpanRecorder()
	s.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(s.spans))
	s.reader = sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(s.reader))
	if s.shutdown, err = m2mauthotel.Instrument(m2mauthotel.WithTracerProvider(s.tp), m2mauthotel.WithMeterProvider(mp)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.shutdown(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func (s *setup) manager(t *testing.T, opts m2mauth.ManagerOptions) *m2mauth.TokenManager {
	t.Helper()
	m, err := m2mauth.NewTokenManager(s.client, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// librarySpans are the ended spans of m2mauth's scope.
func (s *setup) librarySpans() []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, sp := range s.spans.Ended() {
		if sp.InstrumentationScope().Name == "io.m2mauth" {
			out = append(out, sp)
		}
	}
	return out
}

func attr(sp sdktrace.ReadOnlySpan, key string) (attribute.Value, bool) {
	for _, kv := range sp.Attributes() {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

func (s *setup) collect(t *testing.T) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := s.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != "io.m2mauth" || sm.Scope.Version != m2mauth.Version() {
			continue
		}
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

func TestTokenRequestSpanMetricsAndShutdown(t *testing.T) {
	const id, secret = "otel-client", "otel-test-secret-value"
	s := newSetup(t, id, secret, time.Hour)
	// CallerRefresh: the reader sends the token request itself, on its goroutine's thread (by default
	// the manager's own thread does, with the reader's captured ctx: see the refresh test).
	m := s.manager(t, m2mauth.ManagerOptions{CallerRefresh: true})

	userCtx, user := s.tp.Tracer("app").Start(context.Background(), "checkout")
	tok, err := m.Token(userCtx)
	user.End()
	if err != nil {
		t.Fatal(err)
	}
	spans := s.librarySpans()
	if len(spans) != 1 {
		t.Fatalf("library spans: %d", len(spans))
	}
	sp := spans[0]
	if sp.Parent().SpanID() != user.SpanContext().SpanID() || sp.SpanContext().TraceID() != user.SpanContext().TraceID() {
		t.Fatalf("the token request's span is not the user span's child: parent %v trace %v", sp.Parent(), sp.SpanContext().TraceID())
	}
	if sp.SpanKind() != trace.SpanKindClient || sp.Name() != "POST" || sp.InstrumentationScope().Version != m2mauth.Version() ||
		sp.Status().Code != codes.Unset {
		t.Fatalf("span %q kind %v scope %+v status %+v", sp.Name(), sp.SpanKind(), sp.InstrumentationScope(), sp.Status())
	}
	port, _ := strconv.ParseInt(s.srv.URL[strings.LastIndexByte(s.srv.URL, ':')+1:], 10, 64)
	want := map[string]attribute.Value{
		"http.request.method":       attribute.StringValue("POST"),
		"server.address":            attribute.StringValue("127.0.0.1"),
		"server.port":               attribute.Int64Value(port),
		"url.full":                  attribute.StringValue(s.srv.TokenURL),
		"m2mauth.operation":         attribute.StringValue("token_request"),
		"m2mauth.client_id":         attribute.StringValue(id),
		"m2mauth.token.source":      attribute.StringValue("fetched"),
		"http.response.status_code": attribute.Int64Value(200),
	}
	for k, v := range want {
		if got, ok := attr(sp, k); !ok || got != v {
			t.Errorf("attribute %s: %v (present %v), want %v", k, got.Emit(), ok, v.Emit())
		}
	}
	if n := s.srv.Requests("traced"); n != 1 {
		t.Fatalf("token requests that carried a traceparent: %d", n)
	}

	metrics := s.collect(t)
	h, ok := metrics["m2mauth.token.request.duration"].Data.(metricdata.Histogram[float64])
	if !ok || len(h.DataPoints) != 1 || h.DataPoints[0].Count != 1 || metrics["m2mauth.token.request.duration"].Unit != "s" {
		t.Fatalf("the duration histogram: %+v", metrics["m2mauth.token.request.duration"])
	}
	if b := h.DataPoints[0].Bounds; len(b) < 3 || b[0] != 0.005 || b[1] != 0.01 || b[2] != 0.025 {
		t.Fatalf("the duration histogram's buckets are not the library's advice: %v", b)
	}
	if v, _ := h.DataPoints[0].Attributes.Value("m2mauth.client_id"); v.AsString() != id {
		t.Fatalf("the histogram point's attributes: %v", h.DataPoints[0].Attributes.ToSlice())
	}
	requests, ok := metrics["m2mauth.token.requests"].Data.(metricdata.Sum[int64])
	if !ok || !requests.IsMonotonic {
		t.Fatalf("m2mauth.token.requests: %+v", metrics["m2mauth.token.requests"])
	}
	okCount := int64(-1)
	for _, p := range requests.DataPoints {
		client, _ := p.Attributes.Value("m2mauth.client_id")
		outcome, _ := p.Attributes.Value("m2mauth.outcome")
		if client.AsString() == id && outcome.AsString() == "ok" {
			okCount = p.Value
		}
	}
	if okCount != 1 {
		t.Fatalf("m2mauth.token.requests{outcome=ok}: %d", okCount)
	}
	if _, ok := metrics["m2mauth.token.time_to_expiry"].Data.(metricdata.Gauge[float64]); !ok {
		t.Fatalf("m2mauth.token.time_to_expiry: %+v", metrics["m2mauth.token.time_to_expiry"])
	}

	// A refused token request: the span's status is Error, error.type the HTTP status.
	if err := s.srv.FailNext(1, 503, "temporarily_unavailable", -1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.Fetch(context.Background()); err == nil {
		t.Fatal("the 503 did not fail the fetch")
	}
	spans = s.librarySpans()
	if len(spans) != 2 {
		t.Fatalf("library spans after the 503: %d", len(spans))
	}
	failed := spans[1]
	if et, _ := attr(failed, "error.type"); failed.Status().Code != codes.Error || failed.Status().Description != "503" ||
		et.AsString() != "503" || failed.Parent().IsValid() {
		t.Fatalf("the failed span: status %+v error.type %q parent %v", failed.Status(), et.AsString(), failed.Parent())
	}

	for _, sp := range spans {
		for _, kv := range sp.Attributes() {
			if v := kv.Value.Emit(); strings.Contains(v, secret) || strings.Contains(v, tok.AccessToken) {
				t.Fatalf("attribute %s holds a secret", kv.Key)
			}
		}
	}

	// Shut down: no span, no traceparent.
	if err := s.shutdown(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.Fetch(userCtx); err != nil {
		t.Fatal(err)
	}
	if n := len(s.librarySpans()); n != 2 {
		t.Fatalf("library spans after shutdown: %d", n)
	}
	if n := s.srv.Requests("traced"); n != 2 {
		t.Fatalf("traced token requests after shutdown: %d, want the 2 before it", n)
	}
	if err := s.shutdown(); err != nil { // idempotent
		t.Fatal(err)
	}
}

// With the default background refresh the manager's own thread sends the token requests, the first
// one and the refreshes; each is a child of the span of the read that started it.
func TestTokenRequestsOnTheLibrarysThreadJoinTheReadersTrace(t *testing.T) {
	const id, secret = "otel-refresh", "otel-test-secret-refresh"
	s := newSetup(t, id, secret, 2*time.Second)
	zero := time.Duration(0)
	m := s.manager(t, m2mauth.ManagerOptions{JitterFraction: m2mauth.Ptr(0.0), MinFetchInterval: &zero, ExpirySkew: &zero})
	userCtx, user := s.tp.Tracer("app").Start(context.Background(), "startup")
	defer user.End()
	if _, err := m.Token(userCtx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // past half the 2 s lifetime: the next read starts a refresh
	if _, err := m.Token(userCtx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(s.librarySpans()) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no refresh span within 10 s: %d library spans", len(s.librarySpans()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	spans := s.librarySpans()
	for i, source := range []string{"fetched", "refreshed"} {
		sp := spans[i]
		src, _ := attr(sp, "m2mauth.token.source")
		st, _ := attr(sp, "http.response.status_code")
		if src.AsString() != source || sp.Parent().SpanID() != user.SpanContext().SpanID() ||
			sp.SpanContext().TraceID() != user.SpanContext().TraceID() || st.AsInt64() != 200 {
			t.Fatalf("span %d: source %q parent %v status %v", i, src.AsString(), sp.Parent(), st.Emit())
		}
	}
	if n := s.srv.Requests("traced"); n != 2 {
		t.Fatalf("traced token requests: %d", n)
	}
}

// A managed request (TokenManager.Do) is a client span of the caller's span, carries its traceparent,
// and is recorded in m2mauth.request.duration.
func TestManagedRequestSpan(t *testing.T) {
	const id, secret = "otel-do", "otel-test-secret-do"
	s := newSetup(t, id, secret, time.Hour)
	m := s.manager(t, m2mauth.ManagerOptions{CallerRefresh: true})
	userCtx, user := s.tp.Tracer("app").Start(context.Background(), "handler")
	resp, err := m.Do(userCtx, m2mauth.NewRequest("GET", s.srv.URL+"/jwks?x=secret-query", nil))
	user.End()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET /jwks: %d", resp.StatusCode)
	}
	var get sdktrace.ReadOnlySpan
	for _, sp := range s.librarySpans() {
		if sp.Name() == "GET" {
			get = sp
		}
	}
	if get == nil {
		t.Fatalf("no GET span among %d", len(s.librarySpans()))
	}
	url, _ := attr(get, "url.full")
	st, _ := attr(get, "http.response.status_code")
	if get.Parent().SpanID() != user.SpanContext().SpanID() || get.SpanKind() != trace.SpanKindClient ||
		url.AsString() != s.srv.URL+"/jwks" || st.AsInt64() != 200 {
		t.Fatalf("the GET span: parent %v kind %v url %q status %v", get.Parent(), get.SpanKind(), url.AsString(), st.Emit())
	}
	h, ok := s.collect(t)["m2mauth.request.duration"].Data.(metricdata.Histogram[float64])
	if !ok || len(h.DataPoints) != 1 || h.DataPoints[0].Count != 1 {
		t.Fatalf("m2mauth.request.duration: %+v", h)
	}
}
