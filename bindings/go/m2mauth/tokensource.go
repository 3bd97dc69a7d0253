package m2mauth

import "context"

// TokenSource is golang.org/x/oauth2's TokenSource shape over m2mauth's token type: Token returns the
// current token or an error. The oauth2adapter module (bindings/go/oauth2adapter) turns it into an
// oauth2.TokenSource, so that code written for x/oauth2 switches by changing the line that makes its
// source; this module does not depend on x/oauth2.
type TokenSource interface {
	Token() (*OAuthToken, error)
}

// TokenSource is m as a TokenSource: its Token is m.Token(context.Background()), so a wait for a token
// is bounded by ManagerOptions.WaitTimeout (default 30 s). The tokens it returns are shared (do not
// modify them), and a fresh token costs no native call (TokenManager.Token).
func (m *TokenManager) TokenSource() TokenSource { return managerSource{m} }

type managerSource struct{ m *TokenManager }

func (s managerSource) Token() (*OAuthToken, error) { return s.m.Token(context.Background()) }
