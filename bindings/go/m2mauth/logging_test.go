package m2mauth

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recordingHandler keeps the records it is given (text form) and counts Handle calls; level is the
// least level it enables.
type recordingHandler struct {
	level   slog.Level
	mu      sync.Mutex
	buf     bytes.Buffer
	text    slog.Handler
	handled atomic.Int32
}

func newRecordingHandler(level slog.Level) *recordingHandler {
	h := &recordingHandler{level: level}
	h.text = slog.NewTextHandler(&h.buf, &slog.HandlerOptions{Level: slog.LevelDebug})
	return h
}

func (h *recordingHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }
func (h *recordingHandler) Handle(ctx context.Context, r slog.Record) error {
	h.handled.Add(1)
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.text.Handle(ctx, r)
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) output() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.String()
}

// waitForLine waits (at most 5 s) until the handler has a line containing every part.
func (h *recordingHandler) waitForLine(t *testing.T, parts ...string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, line := range strings.Split(h.output(), "\n") {
			all := true
			for _, p := range parts {
				all = all && strings.Contains(line, p)
			}
			if all {
				return line
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q in:\n%s", parts, h.output())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTokenEventsAreLoggedWithoutSecrets(t *testing.T) {
	s := newAPIServer(t, nil)
	h := newRecordingHandler(slog.LevelDebug)
	m := apiManager(t, s, ManagerOptions{Logger: slog.New(h)})
	tok := must(m.Token(context.Background()))(t)
	line := h.waitForLine(t, "level=DEBUG", `msg="m2mauth: token fetched"`)
	if !strings.Contains(line, "client_id=svc") || !strings.Contains(line, "expires_at=") {
		t.Fatalf("fetched: %s", line)
	}
	if err := m.Invalidate(tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	h.waitForLine(t, "level=DEBUG", `msg="m2mauth: token invalidated"`, "client_id=svc")

	// A failure: Warn, with what went wrong but not the server's free text.
	s.tokenError.Store(true)
	if _, err := m.Token(context.Background()); err == nil {
		t.Fatal("token request succeeded")
	}
	line = h.waitForLine(t, "level=WARN", `msg="m2mauth: token request failed"`)
	for _, want := range []string{"client_id=svc", "category=oauth_refusal", "code=oauth", "http_status=400",
		"oauth_error=invalid_client", "transient=false"} {
		if !strings.Contains(line, want) {
			t.Errorf("failed: %q not in %s", want, line)
		}
	}
	out := h.output()
	for _, secret := range []string{tok.AccessToken, "s3cret-value", "unknown client"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q logged:\n%s", secret, out)
		}
	}
}

// nil Logger: slog.Default() as it is when the event happens; SetLogger changes it later.
func TestTokenEventsGoToTheDefaultLogger(t *testing.T) {
	saved := slog.Default()
	t.Cleanup(func() { slog.SetDefault(saved) })
	s := newAPIServer(t, nil)
	m := apiManager(t, s, ManagerOptions{})
	def := newRecordingHandler(slog.LevelDebug)
	slog.SetDefault(slog.New(def))
	tok := must(m.Token(context.Background()))(t)
	def.waitForLine(t, `msg="m2mauth: token fetched"`)

	own := newRecordingHandler(slog.LevelDebug)
	m.SetLogger(slog.New(own))
	if err := m.Invalidate(tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	own.waitForLine(t, `msg="m2mauth: token invalidated"`)
	if strings.Contains(def.output(), "invalidated") {
		t.Fatal("the default logger got an event after SetLogger")
	}
}

// A level the handler does not enable builds no record: Handle is never called and nothing is
// allocated; OnEvent still gets every event.
func TestDisabledLoggingIsCheap(t *testing.T) {
	s := newAPIServer(t, nil)
	h := newRecordingHandler(slog.LevelInfo) // Debug off, Warn on
	var events atomic.Int32
	m := apiManager(t, s, ManagerOptions{Logger: slog.New(h), OnEvent: func(TokenEvent) { events.Add(1) }})
	tok := must(m.Token(context.Background()))(t)
	if err := m.Invalidate(tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for events.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if events.Load() < 2 || h.handled.Load() != 0 {
		t.Fatalf("%d events, %d records handled (want 2, 0)", events.Load(), h.handled.Load())
	}
	lg := slog.New(h)
	ev := TokenEvent{Kind: EventRefreshed, ClientID: "svc", Scope: "api", ExpiresAt: time.Now()}
	if n := testing.AllocsPerRun(100, func() { logEvent(lg, &ev) }); n != 0 {
		t.Fatalf("%v allocations per disabled event", n)
	}
}

// A fetch cancelled by Close is the application's own doing: Debug, like Python and Java; any other
// failure is a warning.
func TestCancelledFailureIsLoggedAtDebug(t *testing.T) {
	if l, ok := eventLevel(EventFailed, ErrCancelled.Code); !ok || l != slog.LevelDebug {
		t.Fatalf("cancelled: %v %v", l, ok)
	}
	if l, ok := eventLevel(EventFailed, -45); !ok || l != slog.LevelWarn {
		t.Fatalf("oauth: %v %v", l, ok)
	}
	if _, ok := eventLevel(EventCacheHit, 0); ok {
		t.Fatal("cache hits are not logged")
	}
}
