package m2mauth_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth/m2mauthtest"
)

// The Tracer hook without OpenTelemetry (telemetry.go): what the library tells it, the caller's ctx it
// gets, the traceparent it answers with on the wire.

type ctxKey struct{}

type startRecord struct {
	s     m2mauth.SpanStart
	label any // the ctxKey value of the ctx Start got
	span  int
}

type endRecord struct {
	span any
	e    m2mauth.SpanEnd
}

// recorder keeps the spans of one client id (the tracer is process-wide; other tests' sends are not
// counted). Each span is a number; its traceparent's parent id carries it.
type recorder struct {
	clientID    string
	traceparent func(n int) string
	panics      bool
	mu          sync.Mutex
	starts      []startRecord
	ends        []endRecord
}

func (r *recorder) Start(ctx context.Context, s m2mauth.SpanStart) (any, string) {
	if s.Attributes["m2mauth.client_id"] != r.clientID {
		return nil, ""
	}
	r.mu.Lock()
	n := len(r.starts) + 1
	r.starts = append(r.starts, startRecord{s: s, label: ctx.Value(ctxKey{}), span: n})
	r.mu.Unlock()
	if r.panics {
		panic("a tracer that fails")
	}
	tp := ""
	if r.traceparent != nil {
		tp = r.traceparent(n)
	}
	return n, tp
}

func (r *recorder) End(span any, e m2mauth.SpanEnd) {
	if _, ok := span.(int); !ok {
		return
	}
	r.mu.Lock()
	r.ends = append(r.ends, endRecord{span: span, e: e})
	r.mu.Unlock()
}

func (r *recorder) snapshot() ([]startRecord, []endRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]startRecord(nil), r.starts...), append([]endRecord(nil), r.ends...)
}

func validTraceparent(n int) string {
	return "00-4bf92f3577b34da6a3ce929d0e0e4736-" + strings.Repeat("0", 15) + strconv.Itoa(n%10) + "-01"
}

func install(t *testing.T, tr m2mauth.Tracer) {
	t.Helper()
	if err := m2mauth.SetTracer(tr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m2mauth.SetTracer(nil) })
}

func tokenServer(t *testing.T, clientID, secret string) *m2mauthtest.Server {
	t.Helper()
	srv, err := m2mauthtest.NewTokenServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if err := srv.AddClient(m2mauthtest.Client{ID: clientID, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	return srv
}

func tokenClient(t *testing.T, srv *m2mauthtest.Server, clientID, secret string) *m2mauth.TokenClient {
	t.Helper()
	c, err := m2mauth.NewTokenClient(m2mauth.TokenClientConfig{TokenURL: srv.TokenURL, ClientID: clientID,
		ClientSecret: []byte(secret), Scope: "orders.read"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestTracerSeesTokenRequestsWithTheCallersContext(t *testing.T) {
	const id, secret = "traced-client", "tracer-test-secret-1"
	srv := tokenServer(t, id, secret)
	c := tokenClient(t, srv, id, secret)
	r := &recorder{clientID: id, traceparent: validTraceparent}
	install(t, r)

	ctx := context.WithValue(context.Background(), ctxKey{}, "caller")
	tok, err := c.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	starts, ends := r.snapshot()
	if len(starts) != 1 || len(ends) != 1 {
		t.Fatalf("spans: %d starts, %d ends", len(starts), len(ends))
	}
	s := starts[0]
	if s.label != "caller" {
		t.Fatalf("Start got the ctx %v, not the caller's", s.label)
	}
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	if s.s.Kind != m2mauth.SpanTokenRequest || s.s.Name != "POST" ||
		s.s.Attributes["http.request.method"] != "POST" || s.s.Attributes["server.address"] != "127.0.0.1" ||
		strconv.FormatInt(s.s.Attributes["server.port"].(int64), 10) != port ||
		s.s.Attributes["url.full"] != srv.TokenURL || s.s.Attributes["m2mauth.scope"] != "orders.read" {
		t.Fatalf("start: %+v", s.s)
	}
	e := ends[0]
	if e.span != 1 || e.e.Error || e.e.ErrorType != "" || e.e.Duration <= 0 || e.e.Duration > time.Minute ||
		e.e.Attributes["http.response.status_code"] != int64(200) ||
		e.e.Histogram != "m2mauth.token.request.duration" || e.e.MetricAttributes["m2mauth.client_id"] != id {
		t.Fatalf("end: %+v", e)
	}
	if n := srv.Requests("traced"); n != 1 {
		t.Fatalf("token requests that carried the traceparent: %d", n)
	}
	for _, attrs := range []map[string]any{s.s.Attributes, e.e.Attributes, e.e.MetricAttributes} {
		for k, v := range attrs {
			if text, ok := v.(string); ok && (strings.Contains(text, secret) || strings.Contains(text, tok.AccessToken)) {
				t.Fatalf("attribute %s holds a secret", k)
			}
		}
	}

	// A refusal: the span's status is Error with the HTTP status as error.type.
	if err := srv.FailNext(1, 503, "temporarily_unavailable", -1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(context.Background()); err == nil {
		t.Fatal("the 503 did not fail the fetch")
	}
	starts, ends = r.snapshot()
	if len(starts) != 2 || len(ends) != 2 || starts[1].label != nil || ends[1].span != 2 || !ends[1].e.Error ||
		ends[1].e.ErrorType != "503" || ends[1].e.Attributes["http.response.status_code"] != int64(503) {
		t.Fatalf("the failed request's span: %+v %+v", starts, ends)
	}

	// Removed: nothing is called, nothing is carried.
	if err := m2mauth.SetTracer(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if starts, ends = r.snapshot(); len(starts) != 2 || len(ends) != 2 {
		t.Fatalf("a removed tracer was called: %d starts, %d ends", len(starts), len(ends))
	}
	if n := srv.Requests("traced"); n != 2 {
		t.Fatalf("traced token requests after removal: %d, want 2 (the 503 carried one)", n)
	}
}

// A traceparent that is not a valid version-00 value is not sent; a panicking Start costs its span,
// not the request.
func TestTracerInvalidTraceparentAndPanics(t *testing.T) {
	const id, secret = "traced-badly", "tracer-test-secret-2"
	srv := tokenServer(t, id, secret)
	c := tokenClient(t, srv, id, secret)
	install(t, &recorder{clientID: id, traceparent: func(int) string {
		return "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01\r\nx-injected: 1"
	}})
	if _, err := c.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests("traced"); n != 0 {
		t.Fatalf("an invalid traceparent was sent (%d)", n)
	}
	// Longer than the library's buffer: not written at all.
	install(t, &recorder{clientID: id, traceparent: func(n int) string { return validTraceparent(n) + strings.Repeat("0", 64) }})
	if _, err := c.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests("traced"); n != 0 {
		t.Fatalf("an overlong traceparent was sent (%d)", n)
	}
	panicking := &recorder{clientID: id, traceparent: validTraceparent, panics: true}
	install(t, panicking)
	if _, err := c.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if starts, ends := panicking.snapshot(); len(starts) != 1 || len(ends) != 0 {
		t.Fatalf("panicking Start: %d starts, %d ends (its span is lost)", len(starts), len(ends))
	}
	if n := srv.Requests("traced"); n != 0 {
		t.Fatalf("a panicking Start's traceparent was sent (%d)", n)
	}
}

// With the default background refresh the manager's own thread sends every token request, and its spans
// get the ctx of the read that started it (captured on the reader's thread). With CallerRefresh the
// reader sends it, with its ctx. The events carry the duration and the metrics read the managers' counters.
func TestTracerManagerThreadsMetricsAndEventDuration(t *testing.T) {
	const id, secret = "traced-manager", "tracer-test-secret-3"
	srv, err := m2mauthtest.NewTokenServer(&m2mauthtest.Options{TokenLifetime: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.AddClient(m2mauthtest.Client{ID: id, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	c := tokenClient(t, srv, id, secret)
	r := &recorder{clientID: id, traceparent: validTraceparent}
	install(t, r)
	events := make(chan m2mauth.TokenEvent, 16)
	zero := time.Duration(0)
	opts := m2mauth.ManagerOptions{JitterFraction: m2mauth.Ptr(0.0), MinFetchInterval: &zero, ExpirySkew: &zero,
		OnEvent: func(e m2mauth.TokenEvent) { events <- e }}
	m, err := m2mauth.NewTokenManager(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := srv.Stall(1, 60*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	reader := context.WithValue(context.Background(), ctxKey{}, "reader")
	if _, err := m.Token(reader); err != nil {
		t.Fatal(err)
	}
	fetched := waitEvent(t, events, m2mauth.EventFetched)
	if fetched.Duration < 60*time.Millisecond || fetched.Duration > time.Minute {
		t.Fatalf("the fetched event's duration %v (the server stalled 60 ms)", fetched.Duration)
	}
	time.Sleep(1100 * time.Millisecond) // past half the 2 s lifetime: the next read starts a refresh
	if _, err := m.Token(reader); err != nil {
		t.Fatal(err)
	}
	refreshed := waitEvent(t, events, m2mauth.EventRefreshed)
	if refreshed.Duration < 0 || refreshed.Duration > time.Minute {
		t.Fatalf("the refreshed event's duration %v", refreshed.Duration)
	}
	starts, ends := r.snapshot()
	if len(starts) != 2 || len(ends) != 2 {
		t.Fatalf("spans: %d starts, %d ends", len(starts), len(ends))
	}
	if starts[0].label != "reader" || starts[0].s.Attributes["m2mauth.token.source"] != "fetched" ||
		starts[1].label != "reader" || starts[1].s.Attributes["m2mauth.token.source"] != "refreshed" {
		t.Fatalf("the manager thread's spans: %+v", starts)
	}

	opts.CallerRefresh = true
	opts.OnEvent = nil
	byCaller, err := m2mauth.NewTokenManager(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer byCaller.Close()
	if _, err := byCaller.Token(reader); err != nil {
		t.Fatal(err)
	}
	starts, _ = r.snapshot()
	if len(starts) != 3 || starts[2].label != "reader" || starts[2].s.Attributes["m2mauth.token.source"] != "fetched" {
		t.Fatalf("the caller's fetch: %+v", starts)
	}

	metrics, err := m2mauth.TelemetryMetrics()
	if err != nil {
		t.Fatal(err)
	}
	if metrics.Scope != "io.m2mauth" {
		t.Fatalf("scope %q", metrics.Scope)
	}
	found := map[string]bool{}
	ok := -1.0
	for _, in := range metrics.Instruments {
		found[in.Kind] = true
		if in.Name != "m2mauth.token.requests" {
			continue
		}
		for _, p := range in.Points {
			if p.Attributes["m2mauth.client_id"] == id && p.Attributes["m2mauth.outcome"] == "ok" {
				ok = p.Value
			}
		}
	}
	if ok != 3 { // two managers of one client and scope are one series
		t.Fatalf("ok token requests %v, want 3", ok)
	}
	if !found["counter"] || !found["gauge"] || !found["histogram"] {
		t.Fatalf("instrument kinds: %v", found)
	}
}

func waitEvent(t *testing.T, events <-chan m2mauth.TokenEvent, kind m2mauth.TokenEventKind) m2mauth.TokenEvent {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-events:
			if e.Kind == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("no %v event within 10 s", kind)
		}
	}
}

// Goroutines sending at once each give Start their own ctx (the record is per OS thread, held while
// the goroutine is locked to it), under -race in CTest go_binding_race.
func TestTracerConcurrentCallsKeepTheirContexts(t *testing.T) {
	const id, secret = "traced-concurrently", "tracer-test-secret-4"
	srv := tokenServer(t, id, secret)
	c := tokenClient(t, srv, id, secret)
	r := &recorder{clientID: id}
	install(t, r)
	const goroutines, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				ctx := context.WithValue(context.Background(), ctxKey{}, g*100+i)
				if _, err := c.Fetch(ctx); err != nil {
					errs <- err
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	starts, ends := r.snapshot()
	if len(starts) != goroutines*each || len(ends) != goroutines*each {
		t.Fatalf("spans: %d starts, %d ends", len(starts), len(ends))
	}
	seen := map[any]bool{}
	for _, s := range starts {
		if _, ok := s.label.(int); !ok || seen[s.label] {
			t.Fatalf("a span with the context %v (missing or another call's)", s.label)
		}
		seen[s.label] = true
	}
}
