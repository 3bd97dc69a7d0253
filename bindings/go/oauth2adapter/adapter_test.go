package oauth2adapter_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
	"github.com/m2mauth/m2mauth/bindings/go/oauth2adapter"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// loopback is a token endpoint (POST /token: tok-1, tok-2, ...; 400 invalid_client while refuse is
// set) and an API that answers with the Authorization header it received.
type loopback struct {
	*httptest.Server
	tokens atomic.Int32
	refuse atomic.Bool
}

func newLoopback(t *testing.T) *loopback {
	l := &loopback{}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			if id, secret, ok := r.BasicAuth(); l.refuse.Load() || !ok || id != "svc" || secret != "s3cret" {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"invalid_client"}`)
				return
			}
			fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600,"scope":"api.read"}`,
				l.tokens.Add(1))
			return
		}
		io.WriteString(w, r.Header.Get("Authorization"))
	}))
	t.Cleanup(l.Close)
	return l
}

func manager(t *testing.T, l *loopback) *m2mauth.TokenManager {
	t.Helper()
	h, err := m2mauth.NewHTTP(m2mauth.HTTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	c, err := m2mauth.NewTokenClient(m2mauth.TokenClientConfig{TokenURL: l.URL + "/token", ClientID: "svc",
		ClientSecret: []byte("s3cret"), Scope: "api.read", HTTP: h})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m, err := m2mauth.NewTokenManager(c, m2mauth.ManagerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// get is the application's code, the same whichever source made client.
func get(t *testing.T, client *http.Client, url string) string {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// The README's one-line switch: the same oauth2.NewClient code with x/oauth2's clientcredentials source,
// then with m2mauth's.
func TestOneLineSwitchFromClientCredentials(t *testing.T) {
	l := newLoopback(t)
	ctx := context.Background()
	conf := &clientcredentials.Config{ClientID: "svc", ClientSecret: "s3cret", TokenURL: l.URL + "/token",
		Scopes: []string{"api.read"}}
	tokens := manager(t, l)

	for _, tc := range []struct {
		name string
		src  oauth2.TokenSource
	}{
		{"x/oauth2 clientcredentials", conf.TokenSource(ctx)},
		{"m2mauth", oauth2adapter.TokenSource(tokens.TokenSource())},
	} {
		before := l.tokens.Load()
		client := oauth2.NewClient(ctx, tc.src)
		first := get(t, client, l.URL+"/v1/accounts")
		if first != fmt.Sprintf("Bearer tok-%d", before+1) || get(t, client, l.URL+"/v1/accounts") != first {
			t.Fatalf("%s: API saw %q", tc.name, first)
		}
		if l.tokens.Load() != before+1 {
			t.Fatalf("%s: %d token requests, want 1", tc.name, l.tokens.Load()-before)
		}
	}
}

func TestTokenFields(t *testing.T) {
	l := newLoopback(t)
	tok, err := oauth2adapter.TokenSource(manager(t, l).TokenSource()).Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "tok-1" || tok.Type() != "Bearer" || !tok.Valid() ||
		time.Until(tok.Expiry) < 50*time.Minute || tok.Extra("scope") != "api.read" {
		t.Fatalf("token %+v, scope %v", tok, tok.Extra("scope"))
	}
}

func TestErrorsAreM2mauths(t *testing.T) {
	l := newLoopback(t)
	l.refuse.Store(true)
	client := oauth2.NewClient(context.Background(), oauth2adapter.TokenSource(manager(t, l).TokenSource()))
	_, err := client.Get(l.URL + "/v1/accounts")
	var e *m2mauth.Error
	if !errors.As(err, &e) || !errors.Is(err, m2mauth.ErrOAuth) || e.OAuthError != "invalid_client" {
		t.Fatalf("error %v", err)
	}
}
