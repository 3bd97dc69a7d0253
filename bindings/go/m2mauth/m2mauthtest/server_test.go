package m2mauthtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth/m2mauthtest"
)

const secret = "s3cret-s3cret-s3cret-s3cret-s3cret!"

func newServer(t *testing.T, opts *m2mauthtest.Options) *m2mauthtest.Server {
	t.Helper()
	srv, err := m2mauthtest.NewTokenServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func client(t *testing.T, cfg m2mauth.TokenClientConfig) *m2mauth.TokenClient {
	t.Helper()
	c, err := m2mauth.NewTokenClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestAuthMethodValuesMatchTheCAPI(t *testing.T) {
	pairs := map[m2mauthtest.AuthMethod]int{
		m2mauthtest.ClientSecretBasic: int(raw.M2MAUTH_TEST_AUTH_CLIENT_SECRET_BASIC),
		m2mauthtest.ClientSecretPost:  int(raw.M2MAUTH_TEST_AUTH_CLIENT_SECRET_POST),
		m2mauthtest.ClientSecretJWT:   int(raw.M2MAUTH_TEST_AUTH_CLIENT_SECRET_JWT),
		m2mauthtest.PrivateKeyJWT:     int(raw.M2MAUTH_TEST_AUTH_PRIVATE_KEY_JWT),
		m2mauthtest.TLSClientAuth:     int(raw.M2MAUTH_TEST_AUTH_TLS_CLIENT_AUTH),
	}
	for g, c := range pairs {
		if int(g) != c {
			t.Errorf("AuthMethod %d != C value %d", g, c)
		}
	}
}

func TestFetchFailsThenRecovers(t *testing.T) {
	srv := newServer(t, nil)
	if err := srv.AddClient(m2mauthtest.Client{ID: "svc", Secret: secret, Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.FailNext(1, 503, "temporarily_unavailable", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	c := client(t, m2mauth.TokenClientConfig{TokenURL: srv.TokenURL, ClientID: "svc", ClientSecret: []byte(secret)})
	_, err := c.Fetch(context.Background())
	var e *m2mauth.Error
	if !errors.As(err, &e) || e.HTTPStatus != 503 || e.OAuthError != "temporarily_unavailable" ||
		e.RetryAfterMillis != 2000 || !e.Transient() {
		t.Fatalf("first fetch: %v", err)
	}
	tok, err := c.Fetch(context.Background())
	if err != nil || tok.AccessToken == "" || tok.Scope != "read" {
		t.Fatalf("second fetch: %v", err)
	}
	if srv.Requests("token") != 2 || srv.Requests("failed") != 1 || srv.Requests("grant:client_credentials") != 1 {
		t.Fatalf("counters: token %d failed %d", srv.Requests("token"), srv.Requests("failed"))
	}
	bad := client(t, m2mauth.TokenClientConfig{TokenURL: srv.TokenURL, ClientID: "svc", ClientSecret: []byte("wrong")})
	if _, err := bad.Fetch(context.Background()); !errors.As(err, &e) || e.OAuthError != "invalid_client" {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestPrivateKeyJWTAndJWTTokens(t *testing.T) {
	key, err := m2mauth.GenerateEC("P-256")
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	pub, err := key.PublicPEM()
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, &m2mauthtest.Options{JWT: true, Claims: map[string]any{"tenant": "t1"}, TokenLifetime: time.Minute})
	if err := srv.AddClient(m2mauthtest.Client{ID: "pk", Method: m2mauthtest.PrivateKeyJWT, PublicKey: pub}); err != nil {
		t.Fatal(err)
	}
	c := client(t, m2mauth.TokenClientConfig{TokenURL: srv.TokenURL, ClientID: "pk", AuthMethod: m2mauth.PrivateKeyJWT,
		PrivateKey: key})
	tok, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(tok.AccessToken, ".") != 2 {
		t.Fatalf("not a JWT")
	}
	if d := time.Until(tok.ExpiresAt); d < 50*time.Second || d > 70*time.Second {
		t.Fatalf("lifetime %v", d)
	}
	resp, err := http.Get(srv.URL + "/jwks")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "\"kty\":\"EC\"") {
		t.Fatalf("jwks: %s", body)
	}
	srv.RevokeAll()
}

func TestTLSAndClose(t *testing.T) {
	srv := newServer(t, &m2mauthtest.Options{TLS: true})
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") || srv.CAFile == "" ||
		!strings.HasPrefix(srv.CAPEM(), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("url %s ca %q", srv.URL, srv.CAFile)
	}
	if err := srv.AddClient(m2mauthtest.Client{ID: "svc", Secret: secret}); err != nil {
		t.Fatal(err)
	}
	h, err := m2mauth.NewHTTP(m2mauth.HTTPOptions{CAFile: srv.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	c := client(t, m2mauth.TokenClientConfig{TokenURL: srv.TokenURL, ClientID: "svc", ClientSecret: []byte(secret), HTTP: h})
	if _, err := c.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	srv.Close()
	if srv.Requests("") != 0 {
		t.Fatal("counters after Close")
	}
	if err := srv.AddClient(m2mauthtest.Client{ID: "x", Secret: "y"}); !errors.Is(err, m2mauth.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestArgumentsAreChecked(t *testing.T) {
	srv := newServer(t, nil)
	if err := srv.AddClient(m2mauthtest.Client{ID: "x"}); err == nil {
		t.Fatal("a client without a secret was accepted")
	}
	if err := srv.AddClient(m2mauthtest.Client{}); err == nil {
		t.Fatal("a client without an ID was accepted")
	}
	if err := srv.FailNext(1, 200, "", -1); err == nil {
		t.Fatal("status 200 accepted as a failure")
	}
	if _, err := m2mauthtest.NewTokenServer(&m2mauthtest.Options{TokenLifetime: -time.Second}); err == nil {
		t.Fatal("a negative lifetime was accepted")
	}
}

func TestDPoPNonceIsAskedForAndTheClientRetriesOnce(t *testing.T) {
	srv := newServer(t, &m2mauthtest.Options{DPoPNonce: "go-nonce-0123"})
	if err := srv.AddClient(m2mauthtest.Client{ID: "svc", Secret: secret}); err != nil {
		t.Fatal(err)
	}
	dpop, err := m2mauth.NewDPoP()
	if err != nil {
		t.Fatal(err)
	}
	defer dpop.Close()
	c := client(t, m2mauth.TokenClientConfig{TokenURL: srv.TokenURL, ClientID: "svc", ClientSecret: []byte(secret), DPoP: dpop})
	tok, err := c.Fetch(context.Background())
	if err != nil || tok.TokenType != "DPoP" {
		t.Fatalf("fetch with a nonce server: %v", err)
	}
	// The first proof (no nonce) was answered use_dpop_nonce; the client's one retry carried the nonce.
	if srv.Requests("dpop_refused") != 1 || srv.Requests("dpop") != 1 || srv.Requests("token") != 2 {
		t.Fatalf("counters: dpop_refused %d dpop %d token %d", srv.Requests("dpop_refused"), srv.Requests("dpop"),
			srv.Requests("token"))
	}
	// The nonce is remembered: no second challenge.
	if _, err := c.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if srv.Requests("dpop_refused") != 1 || srv.Requests("dpop") != 2 {
		t.Fatalf("second fetch: dpop_refused %d dpop %d", srv.Requests("dpop_refused"), srv.Requests("dpop"))
	}
	// Values outside RFC 9449's nonce syntax are refused, without repeating them.
	for _, bad := range []string{"has space", "quote\"", strings.Repeat("n", 1025), "nul\x00"} {
		_, err := m2mauthtest.NewTokenServer(&m2mauthtest.Options{DPoPNonce: bad})
		var e *m2mauth.Error
		if !errors.As(err, &e) || e.Code != int(raw.M2MAUTH_EINVAL) || strings.Contains(err.Error(), bad) {
			t.Fatalf("nonce %q: %v", bad, err)
		}
	}
}
