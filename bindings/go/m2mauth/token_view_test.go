package m2mauth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// Token and TokenFor read the library's cached view: the same token until it changes, one token
// request per key, the key's own token for another scope, and ctx bounding the wait for each.
func TestTokenViewForTheConfiguredAndAnotherKey(t *testing.T) {
	srv := newStallServer(t)
	h := must(NewHTTP(HTTPOptions{}))(t)
	defer h.Close()
	client := must(NewTokenClient(TokenClientConfig{TokenURL: srv.url("/token"), ClientID: "svc",
		ClientSecret: []byte("s3cret"), Scope: "api.read", HTTP: h}))(t)
	defer client.Close()
	m := must(NewTokenManager(client, ManagerOptions{}))(t)
	defer m.Close()
	ctx := context.Background()

	first := must(m.Token(ctx))(t)
	if first.AccessToken != "tok-1" || first.TokenType != "Bearer" || first.Scope != "api.read" ||
		time.Until(first.ExpiresAt) < 50*time.Minute {
		t.Fatalf("configured key: %v", first)
	}
	again := must(m.Token(ctx))(t)
	if again != first {
		t.Fatalf("cached: %v (the same shared value expected)", again)
	}

	other := must(m.TokenFor(ctx, TokenScope{Scope: "api.write"}))(t)
	if other.AccessToken != "tok-2" || other.TokenType != "Bearer" || other.Scope != "api.write" ||
		time.Until(other.ExpiresAt) < 50*time.Minute {
		t.Fatalf("another key: %v", other)
	}
	withAudience := must(m.TokenFor(ctx, TokenScope{Scope: "api.write", Audience: "https://api"}))(t)
	if withAudience.AccessToken != "tok-3" {
		t.Fatalf("scope + audience is a key of its own: %v", withAudience)
	}
	if tok := must(m.TokenFor(ctx, TokenScope{Scope: "api.write"}))(t); tok.AccessToken != "tok-2" {
		t.Fatalf("another key, cached: %v", tok)
	}
	if tok := must(m.Token(ctx))(t); tok.AccessToken != "tok-1" {
		t.Fatalf("configured key after other keys: %v", tok)
	}
	if n := srv.tokens.Load(); n != 3 {
		t.Fatalf("%d token requests, want 3 (one per key)", n)
	}

	// A new token for the configured key is seen at once (not the value returned before).
	if err := m.Invalidate(first.AccessToken); err != nil {
		t.Fatal(err)
	}
	if tok := must(m.Token(ctx))(t); tok.AccessToken != "tok-4" || tok.Scope != "api.read" {
		t.Fatalf("after invalidate: %v", tok)
	}

	if _, err := m.TokenFor(ctx, TokenScope{Scope: "a\x00b"}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("NUL in a key: %v", err)
	}

	// A key whose token endpoint never answers: ctx cancels and bounds the native wait.
	srv.tokenStalls.Store(true)
	waited := medianCancelLatency(t, "TokenManager.TokenFor (token wait)", func(ctx context.Context) error {
		_, err := m.TokenFor(ctx, TokenScope{Scope: "api.admin"})
		return err
	})
	if waited > 250*time.Millisecond {
		t.Errorf("TokenFor: cancel took %v", waited)
	}
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := m.TokenFor(tctx, TokenScope{Resource: "https://res"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("TokenFor deadline: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("TokenFor deadline: returned after %v", d)
	}
	// The configured key is still served from its cache meanwhile.
	if tok := must(m.Token(ctx))(t); tok.AccessToken != "tok-4" {
		t.Fatalf("configured key while another stalls: %v", tok)
	}
	if s := (*first).String(); strings.Contains(s, "tok-1") {
		t.Fatalf("String shows the token: %s", s)
	}
}

func TestTokenForAfterClose(t *testing.T) {
	srv := newStallServer(t)
	m := testManager(t, TokenClientConfig{TokenURL: srv.url("/token"), ClientID: "svc",
		ClientSecret: []byte("s3cret")}, ManagerOptions{})
	m.Close()
	if _, err := m.TokenFor(context.Background(), TokenScope{Scope: "x"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}
