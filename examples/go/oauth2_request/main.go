// Command oauth2_request makes an authenticated API call with a cached OAuth 2.0 token, configured the
// way every m2mauth language is: a JSON file named by $M2MAUTH_CONFIG and/or M2MAUTH_* environment
// variables (README, "Configuration"). Secrets come from files or the environment, never from the
// command line. The token is used, never printed.
//
// Run (from examples/go; pkg-config must find m2mauth.pc, e.g. PKG_CONFIG_PATH=<build>/pkgconfig):
//
//	M2MAUTH_CONFIG=service.json go run ./oauth2_request https://api.example.com/v1/accounts [count]
//	go build -o bin/ ./...     # or build both programs into bin/
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

func fail(what string, err error) {
	var e *m2mauth.Error
	if !errors.As(err, &e) {
		fmt.Fprintf(os.Stderr, "error: %s: %v\n", what, err)
		os.Exit(1)
	}
	msg := fmt.Sprintf("error: %s: %s (%s", what, e.Message, e.Name)
	if e.OAuthError != "" {
		msg += ", oauth error " + e.OAuthError
	}
	if e.HTTPStatus != 0 {
		msg += fmt.Sprintf(", HTTP %d", e.HTTPStatus)
	}
	if e.Transient() {
		msg += ", transient"
	}
	fmt.Fprintln(os.Stderr, msg+")")
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintf(os.Stderr, "usage: %s URL [count]\n", os.Args[0])
		os.Exit(2)
	}
	url, count := os.Args[1], 2
	if len(os.Args) > 2 {
		count, _ = strconv.Atoi(os.Args[2])
	}

	cfg, err := m2mauth.ConfigFromEnvironment()
	if err != nil {
		fail("configuration", err)
	}
	defer cfg.Close()
	h, err := cfg.NewHTTP()
	if err != nil {
		fail("transport", err)
	}
	defer h.Close()
	// Events carry no secret: client id, scope, expiry, error names.
	tokens, err := cfg.NewTokenManager(h, func(ev m2mauth.TokenEvent) {
		extra := ""
		if ev.Kind == m2mauth.EventFailed {
			extra = " error=" + ev.ErrorName
		}
		fmt.Printf("   [event] %s client=%s scope=%q%s\n", ev.Kind, ev.ClientID, ev.Scope, extra)
	})
	if err != nil {
		fail("token manager", err)
	}
	defer tokens.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tok, err := tokens.Token(ctx)
	if err != nil {
		fail("token", err)
	}
	fmt.Printf("   token: %s, %d characters (not shown), expires at %s\n", tok.TokenType, len(tok.AccessToken),
		tok.ExpiresAt.UTC().Format(time.RFC3339))

	// A net/http client like any other: every request gets the token, and a 401 invalidates it and
	// retries once with a new one. Over http.DefaultTransport here; TokenManager.Client and
	// m2mauth.Transport take the application's own base transport too.
	client := tokens.Client(ctx)
	for i := 0; i < count; i++ {
		req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
		if err != nil {
			fail("request", err)
		}
		resp, err := client.Do(req)
		if err != nil {
			fail("API call", err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			fail("API call", err)
		}
		fmt.Printf("   GET %s -> HTTP %d, %d bytes\n", url, resp.StatusCode, len(body))
		if resp.StatusCode != 200 {
			os.Exit(1)
		}
	}
}
