package retry_test

import (
	"context"
	"testing"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth/m2mauthtest"
	"github.com/m2mauth/m2mauth/examples/go/token_server_retry"
)

// A token fetch fails with 503, then recovers.
func TestFetchFailsThenRecovers(t *testing.T) {
	srv, err := m2mauthtest.NewTokenServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.AddClient(m2mauthtest.Client{ID: "orders-service", Secret: "test-secret", Scopes: []string{"orders.read"}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.FailNext(1, 503, "temporarily_unavailable", time.Second); err != nil {
		t.Fatal(err)
	}

	c, err := m2mauth.NewTokenClient(m2mauth.TokenClientConfig{TokenURL: srv.TokenURL, ClientID: "orders-service",
		ClientSecret: []byte("test-secret")})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tok, err := retry.FetchWithOneRetry(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Scope != "orders.read" {
		t.Fatalf("scope %q", tok.Scope)
	}
	if n := srv.Requests("token"); n != 2 {
		t.Fatalf("token requests: %d", n)
	}
	if n := srv.Requests("failed"); n != 1 {
		t.Fatalf("failed requests: %d", n)
	}
}
