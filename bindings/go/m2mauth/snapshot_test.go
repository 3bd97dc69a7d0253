package m2mauth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// lifetimeServer answers every token request with tok-<n> and the current lifetime (expires_in).
type lifetimeServer struct {
	*httptest.Server
	tokens   atomic.Int64
	lifetime atomic.Int64
}

func newLifetimeServer(t *testing.T, lifetime int64) *lifetimeServer {
	s := &lifetimeServer{}
	s.lifetime.Store(lifetime)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.tokens.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":%d}`, n, s.lifetime.Load())
	}))
	t.Cleanup(s.Close)
	return s
}

func snapshotManager(t *testing.T, srv *lifetimeServer, opts ManagerOptions) *TokenManager {
	t.Helper()
	return testManager(t, TokenClientConfig{TokenURL: srv.URL + "/token", ClientID: "svc",
		ClientSecret: []byte("s3cret"), Scope: "api.read"}, opts)
}

func wantToken(t *testing.T, got *OAuthToken, err error, access string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != access {
		t.Fatalf("got %s, want %s", got.AccessToken, access)
	}
}

// The Go-side copy is served without a native call, yet an Invalidate from another goroutine is seen by
// the very next read, for the configured key and for another key alike; the copy is the caller's own.
func TestSnapshotSeesInvalidateFromAnotherGoroutine(t *testing.T) {
	srv := newLifetimeServer(t, 3600)
	m := snapshotManager(t, srv, ManagerOptions{MinFetchInterval: Ptr(time.Duration(0))})
	ctx := context.Background()
	first, err := m.Token(ctx)
	wantToken(t, first, err, "tok-1")
	if s := m.last.Load(); !m.fresh(s) {
		t.Fatal("a token of an hour is not served from the snapshot")
	}
	again, err := m.Token(ctx)
	wantToken(t, again, err, "tok-1")
	if again != first || again.Scope != "api.read" {
		t.Fatalf("snapshot read: %v (the same shared value expected)", again)
	}
	if allocs := testing.AllocsPerRun(100, func() { _, _ = m.Token(ctx) }); allocs != 0 {
		t.Fatalf("a fresh read allocates %v times", allocs)
	}

	done := make(chan error)
	go func() { done <- m.Invalidate("tok-1") }()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	next, err := m.Token(ctx)
	wantToken(t, next, err, "tok-2")

	key := TokenScope{Scope: "api.write"}
	other, err := m.TokenFor(ctx, key)
	wantToken(t, other, err, "tok-3")
	if s := m.keys.load(key); !m.fresh(s) {
		t.Fatal("TokenFor keeps no snapshot")
	}
	other, err = m.TokenFor(ctx, key)
	wantToken(t, other, err, "tok-3")
	if n := srv.tokens.Load(); n != 3 {
		t.Fatalf("%d token requests, want 3", n)
	}

	m.Close()
	if _, err := m.Token(ctx); err != ErrClosed {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
	if _, err := m.TokenFor(ctx, key); err != ErrClosed {
		t.Fatalf("TokenFor after Close: %v, want ErrClosed", err)
	}
}

// A background refresh replaces the token: the read right after its event returns the new one.
func TestSnapshotPicksUpARefresh(t *testing.T) {
	srv := newLifetimeServer(t, 4)
	refreshed := make(chan struct{}, 8)
	m := snapshotManager(t, srv, ManagerOptions{RefreshFraction: Ptr(0.1), RefreshMargin: Ptr(time.Duration(0)),
		ExpirySkew: Ptr(time.Duration(0)), JitterFraction: Ptr(0.0), MinFetchInterval: Ptr(time.Duration(0)),
		OnEvent: func(e TokenEvent) {
			if e.Kind == EventRefreshed {
				refreshed <- struct{}{}
			}
		}})
	ctx := context.Background()
	tok, err := m.Token(ctx)
	wantToken(t, tok, err, "tok-1")
	srv.lifetime.Store(3600)
	// Reads go on (served from the snapshot until the refresh is due, which a native read then starts);
	// the read after the refresh event returns the new token.
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-refreshed:
			tok, err = m.Token(ctx)
			wantToken(t, tok, err, "tok-2")
			return
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no refresh within 10 s")
		}
		tok, err = m.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
}

// With ReportCacheHits every read is a native one: each emits its cache_hit event.
func TestSnapshotNotUsedWithCacheHitEvents(t *testing.T) {
	srv := newLifetimeServer(t, 3600)
	var hits atomic.Int64
	m := snapshotManager(t, srv, ManagerOptions{ReportCacheHits: true, OnEvent: func(e TokenEvent) {
		if e.Kind == EventCacheHit {
			hits.Add(1)
		}
	}})
	ctx := context.Background()
	const reads = 50
	for i := 0; i < reads; i++ {
		tok, err := m.Token(ctx)
		wantToken(t, tok, err, "tok-1")
	}
	if s := m.last.Load(); s == nil || m.fresh(s) {
		t.Fatal("a manager reporting cache hits kept a reusable snapshot")
	}
	deadline := time.Now().Add(5 * time.Second)
	for hits.Load() < reads-1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := hits.Load(); n < reads-1 {
		t.Fatalf("%d cache_hit events for %d cached reads", n, reads-1)
	}
}

// A token the server gives no lifetime is never served again from the snapshot.
func TestSnapshotNeverReusesAZeroLifetimeToken(t *testing.T) {
	srv := newLifetimeServer(t, 0)
	m := snapshotManager(t, srv, ManagerOptions{MinFetchInterval: Ptr(time.Duration(0)), ExpirySkew: Ptr(time.Duration(0))})
	ctx := context.Background()
	seen := map[string]bool{}
	for i := 1; i <= 3; i++ {
		before := srv.tokens.Load()
		tok, err := m.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if seen[tok.AccessToken] || srv.tokens.Load() == before {
			t.Fatalf("read %d: %s served again", i, tok.AccessToken)
		}
		seen[tok.AccessToken] = true
		if s := m.last.Load(); m.fresh(s) {
			t.Fatalf("read %d: a zero-lifetime token is fresh", i)
		}
	}
}

// Concurrent readers on the snapshot while other goroutines invalidate and Close runs (go test -race).
func TestSnapshotConcurrentReadsInvalidateAndClose(t *testing.T) {
	srv := newLifetimeServer(t, 3600)
	m := snapshotManager(t, srv, ManagerOptions{MinFetchInterval: Ptr(time.Duration(0))})
	ctx := context.Background()
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for g := 0; g < 4; g++ {
		go func() {
			for {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				if _, err := m.Token(ctx); err != nil && err != ErrClosed {
					errs <- err
					return
				}
				_, _ = m.TokenFor(ctx, TokenScope{Scope: "api.write"})
			}
		}()
	}
	for i := 0; i < 20; i++ {
		_ = m.Invalidate("")
		time.Sleep(2 * time.Millisecond)
	}
	m.Close()
	time.Sleep(10 * time.Millisecond)
	close(stop)
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// A token stale on arrival (a lifetime under the fetch floor) goes to the read that waited for it: one
// native read gives the whole token (scope included), so each Token costs one token request, not two.
func TestATokenStaleOnArrivalCostsOneRequestPerRead(t *testing.T) {
	srv := newLifetimeServer(t, 0)
	m := snapshotManager(t, srv, ManagerOptions{MinFetchInterval: Ptr(300 * time.Millisecond)})
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		tok, err := m.Token(ctx)
		wantToken(t, tok, err, fmt.Sprintf("tok-%d", i))
		if tok.Scope != "api.read" {
			t.Fatalf("scope %q, want the requested api.read (the server grants none)", tok.Scope)
		}
		if n := srv.tokens.Load(); n != int64(i) {
			t.Fatalf("%d token requests after %d reads", n, i)
		}
	}
}
