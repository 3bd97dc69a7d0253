package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The cached token read: a client-credentials token fetched once from a loopback token endpoint, then
// read again and again while fresh. m2mauth's TokenManager.Token against x/oauth2's ReuseTokenSource
// (what clientcredentials.Config.TokenSource returns), each checking expiry on every read.

func tokenServer(tb testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"bench-access-token-0123456789abcdef","token_type":"Bearer","expires_in":3600,"scope":"api.read"}`))
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func m2mauthManager(tb testing.TB, url string) *m2mauth.TokenManager {
	h, err := m2mauth.NewHTTP(m2mauth.HTTPOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	client, err := m2mauth.NewTokenClient(m2mauth.TokenClientConfig{TokenURL: url, ClientID: "svc",
		ClientSecret: []byte("bench-secret"), Scope: "api.read", HTTP: h})
	if err != nil {
		tb.Fatal(err)
	}
	m, err := m2mauth.NewTokenManager(client, m2mauth.ManagerOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = m.Close(); _ = client.Close(); _ = h.Close() })
	return m
}

func xOAuth2Source(url string) oauth2.TokenSource {
	cfg := clientcredentials.Config{ClientID: "svc", ClientSecret: "bench-secret", TokenURL: url, Scopes: []string{"api.read"}}
	return cfg.TokenSource(context.Background())
}

func TestTokenRead(t *testing.T) {
	srv := tokenServer(t)
	m := m2mauthManager(t, srv.URL)
	a, err := m.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := xOAuth2Source(srv.URL).Token()
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessToken != b.AccessToken {
		t.Fatalf("different tokens")
	}
}

func BenchmarkTokenCached(b *testing.B) {
	srv := tokenServer(b)
	ctx := context.Background()
	m := m2mauthManager(b, srv.URL)
	if _, err := m.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("m2mauth", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := m.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	src := xOAuth2Source(srv.URL)
	if _, err := src.Token(); err != nil {
		b.Fatal(err)
	}
	b.Run("x-oauth2", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := src.Token(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
