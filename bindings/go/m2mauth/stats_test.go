package m2mauth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestTokenManagerStats: real token requests against the fault server, counted by the library (issue 15).
func TestTokenManagerStats(t *testing.T) {
	_, ctl := faultServer(t)
	m := newManager(t, faultClient(t, nil), ManagerOptions{MinFetchInterval: Ptr(time.Duration(0)),
		BackoffBase: Ptr(time.Millisecond), BackoffMax: Ptr(50 * time.Millisecond), PermanentBackoff: Ptr(time.Duration(0))})
	empty, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if empty.HasToken || empty.Source != "none" || !empty.ExpiresAt.IsZero() || !empty.Configured {
		t.Fatalf("before any read: %+v", empty)
	}

	control(t, ctl+"/script", "POST", `[{"status":503}]`)
	tok, err := m.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	var latency uint64
	for _, n := range s.RefreshLatency {
		latency += n
	}
	if s.RequestsOK != 1 || s.RequestsTransient != 1 || s.RequestsPermanent != 0 || s.Waits != 1 || latency != 2 ||
		len(s.RefreshLatency) != len(LatencyBounds)+1 {
		t.Fatalf("counters after a 503 and a token: %+v", s)
	}
	if !s.HasToken || s.Source != "fetched" || !s.ExpiresAt.Equal(tok.ExpiresAt) || s.ExpiresIn <= 0 {
		t.Fatalf("token state: %+v (token expires %v)", s, tok.ExpiresAt)
	}
	if s.LastHTTPStatus != 503 || s.LastErrorCategory != "http" {
		t.Fatalf("last error: %+v", s)
	}

	control(t, ctl+"/script", "POST", `[{"status":400,"error":"invalid_scope"}]`)
	other := TokenScope{Scope: "read", Resource: "https://api.example/"}
	if _, err := m.TokenFor(context.Background(), other); err == nil {
		t.Fatal("the scripted refusal did not fail")
	}
	if _, err := m.TokenFor(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	all, err := m.StatsAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[1].Scope != "read" || len(all[1].Resources) != 1 || all[1].Resources[0] != other.Resource {
		t.Fatalf("keys: %+v", all)
	}
	o := all[1]
	if o.RequestsPermanent != 1 || o.RequestsOK != 1 || o.LastOAuthError != "invalid_scope" ||
		o.LastErrorCategory != "oauth_refusal" || o.LastHTTPStatus != 400 {
		t.Fatalf("the other key: %+v", o)
	}
	if all[0].RequestsOK != 1 {
		t.Fatalf("the configured key counted the other's requests: %+v", all[0])
	}
	// One key, looked up by the library as TokenFor reads it; a key never read is ErrNotFound.
	byKey, err := m.StatsFor(other)
	if err != nil || byKey.Configured || byKey.Scope != "read" || byKey.RequestsPermanent != 1 || byKey.RequestsOK != 1 {
		t.Fatalf("StatsFor: %+v %v", byKey, err)
	}
	if _, err := m.StatsFor(TokenScope{Scope: "read"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a key never read: %v", err)
	}
	if _, err := m.StatsFor(TokenScope{Scope: "read\x00x"}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("a NUL in the key: %v", err)
	}
	if text := fmt.Sprintf("%+v", all); strings.Contains(text, tok.AccessToken) ||
		strings.Contains(text, string(clients(t).secret(t, "svc-basic"))) {
		t.Fatal("a secret in the stats")
	}
}

// TestTokenManagerStatsCountTokensServedWithoutTheLibrary: Token returns the token it returned before
// without a native call while it is fresh; it counts those reads in counters the library adds to
// cache_hits, so every Token after the fetch is one hit, on one goroutine or many.
func TestTokenManagerStatsCountTokensServedWithoutTheLibrary(t *testing.T) {
	faultServer(t)
	m := newManager(t, faultClient(t, nil), ManagerOptions{MinFetchInterval: Ptr(time.Duration(0))})
	ctx := context.Background()
	if _, err := m.Token(ctx); err != nil { // the fetch: a wait, not a hit
		t.Fatal(err)
	}
	before, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		if _, err := m.Token(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.CacheHits != before.CacheHits+1000 || s.RequestsOK != 1 {
		t.Fatalf("1000 Token calls: cache hits %d -> %d, requests %d", before.CacheHits, s.CacheHits, s.RequestsOK)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				if _, err := m.Token(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	all, err := m.StatsAll()
	if err != nil {
		t.Fatal(err)
	}
	if all[0].CacheHits != s.CacheHits+4000 {
		t.Fatalf("8 goroutines x 500 Token calls: cache hits %d -> %d", s.CacheHits, all[0].CacheHits)
	}
	// Another key's reuse is counted for that key, and not for the configured one.
	other := TokenScope{Scope: "read", Resource: "https://api.example/"}
	if _, err := m.TokenFor(ctx, other); err != nil { // its fetch
		t.Fatal(err)
	}
	configured := must(m.Stats())(t).CacheHits
	otherBefore := must(m.StatsFor(other))(t).CacheHits
	for i := 0; i < 300; i++ {
		if _, err := m.TokenFor(ctx, other); err != nil {
			t.Fatal(err)
		}
	}
	if got := must(m.StatsFor(other))(t).CacheHits; got != otherBefore+300 {
		t.Fatalf("300 TokenFor calls: cache hits %d -> %d", otherBefore, got)
	}
	if got := must(m.Stats())(t).CacheHits; got != configured {
		t.Fatalf("TokenFor counted for the configured key: %d -> %d", configured, got)
	}
}

// TestTokenManagerClockOffset: a server 5 minutes behind (Date) is measured and reported.
func TestTokenManagerClockOffset(t *testing.T) {
	_, ctl := faultServer(t)
	m := newManager(t, faultClient(t, nil), ManagerOptions{MinFetchInterval: Ptr(time.Duration(0))})
	control(t, ctl+"/script", "POST", `[{"clock_offset_s":-300}]`)
	if _, err := m.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if !s.HasClockOffset || s.ClockOffset > -298*time.Second || s.ClockOffset < -302*time.Second {
		t.Fatalf("clock offset: %v (known %v)", s.ClockOffset, s.HasClockOffset)
	}
}
