// Package oauth2adapter makes an m2mauth token manager a golang.org/x/oauth2 TokenSource, so that code
// written for x/oauth2 (oauth2.NewClient, oauth2.Transport, clients of Google's and other SDKs that
// take an oauth2.TokenSource) gets its tokens from m2mauth by changing the line that makes the source:
//
//	src := conf.TokenSource(ctx)                            // clientcredentials.Config
//	src := oauth2adapter.TokenSource(tokens.TokenSource())  // an *m2mauth.TokenManager
//	client := oauth2.NewClient(ctx, src)                    // unchanged
//
// It is a module of its own (bindings/go/oauth2adapter), so that the m2mauth module does not require
// x/oauth2. m2mauth's own TokenManager.Client also retries once on 401 with a new token, which
// x/oauth2's Transport does not.
package oauth2adapter

import (
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
	"golang.org/x/oauth2"
)

// TokenSource is src as an oauth2.TokenSource. Each Token is a new *oauth2.Token with the access
// token, its type, its expiry and, when known, the granted scope as the "scope" extra; errors are
// src's (*m2mauth.Error: errors.Is and errors.As work as with m2mauth's own calls). The manager
// refreshes ahead of expiry, so oauth2.ReuseTokenSource (which oauth2.NewClient adds) changes nothing
// but is harmless.
func TokenSource(src m2mauth.TokenSource) oauth2.TokenSource { return source{src} }

type source struct{ src m2mauth.TokenSource }

func (s source) Token() (*oauth2.Token, error) {
	t, err := s.src.Token()
	if err != nil {
		return nil, err
	}
	tok := &oauth2.Token{AccessToken: t.AccessToken, TokenType: t.TokenType, Expiry: t.ExpiresAt}
	if t.Scope != "" {
		tok = tok.WithExtra(map[string]any{"scope": t.Scope})
	}
	return tok, nil
}
