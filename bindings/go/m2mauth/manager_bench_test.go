package m2mauth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// BenchmarkManagerTokenCached: Token and TokenFor on a cached token of an hour (served from the Go-side
// snapshot, no cgo call); compare with x/oauth2's ReuseTokenSource in bindings/go/bench.
func BenchmarkManagerTokenCached(b *testing.B) {
	var tokens atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, tokens.Add(1))
	}))
	defer srv.Close()
	h := must(NewHTTP(HTTPOptions{}))(b)
	defer h.Close()
	client := must(NewTokenClient(TokenClientConfig{TokenURL: srv.URL + "/token", ClientID: "svc",
		ClientSecret: []byte("s3cret"), Scope: "api.read", HTTP: h}))(b)
	defer client.Close()
	m := must(NewTokenManager(client, ManagerOptions{}))(b)
	defer m.Close()
	ctx := context.Background()
	if _, err := m.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("Token", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := m.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	key := TokenScope{Scope: "api.write"}
	if _, err := m.TokenFor(ctx, key); err != nil {
		b.Fatal(err)
	}
	b.Run("TokenFor", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := m.TokenFor(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TokenParallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := m.Token(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
