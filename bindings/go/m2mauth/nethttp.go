package m2mauth

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Transport is an http.RoundTripper that authorizes every request with a TokenManager's token and
// sends it through Base, the way x/oauth2's Transport does, with the manager's retry: on 401 it
// invalidates the token it sent and sends the request once more with a new one (a second 401 is
// returned as it is: never a loop). The request's body is replayed through Request.GetBody, which
// http.NewRequest sets for bytes.Buffer, bytes.Reader and strings.Reader bodies; a request whose body
// cannot be replayed is not retried (its 401 is returned, and the next request has a new token). With the manager's IdempotencyHeader, a
// request that lacks the header gets a fresh UUID v4 under it, kept by the retry.
//
// DPoP (RFC 9449): a DPoP-bound token goes out with a fresh proof of the manager's own key
// (TokenManager.DPoP: the key its client was given), carrying ath and the newest nonce of the
// request's origin. Every response's DPoP-Nonce is remembered, and a use_dpop_nonce challenge is
// answered by one more send with the same token and a new proof, not by a new token (DPoP.Observe).
// At most one send of each kind: a server that asks for a new nonce every time gets two requests.
//
// The request's context bounds and cancels the wait for a token (the native call, as with Token) and
// the send. The caller's request is never changed. Safe for concurrent use, like the manager.
type Transport struct {
	Tokens *TokenManager
	Base   http.RoundTripper // nil: http.DefaultTransport
	// Deprecated: ignored. Proofs are made with the manager's own DPoP key (TokenManager.DPoP), the key
	// its tokens are bound to.
	DPoP *DPoP
}

// setDPoP adds the proof a DPoP-bound token needs (nothing for a Bearer token).
func setDPoP(r *http.Request, tok *OAuthToken, key *DPoP) error {
	if tok.TokenType != "DPoP" {
		r.Header.Del("DPoP")
		return nil
	}
	if key == nil {
		return argError("a DPoP-bound token but the manager has no DPoP key")
	}
	proof, err := key.Proof(r.Method, r.URL.String(), tok.AccessToken, "")
	if err != nil {
		return err
	}
	r.Header.Set("DPoP", proof)
	return nil
}

// maxNonceErrorBody bounds what is read of a 400's body to see whether it is a use_dpop_nonce error.
const maxNonceErrorBody = 64 << 10

// nonceRetry remembers resp's DPoP-Nonce for r's origin and reports a use_dpop_nonce challenge that
// one more proof answers (false for a Bearer token). A 400's body is read (at most 64 KiB) and put back.
func nonceRetry(r *http.Request, resp *http.Response, tok *OAuthToken, key *DPoP) bool {
	if tok.TokenType != "DPoP" || key == nil {
		return false
	}
	var body []byte
	if resp.StatusCode == http.StatusBadRequest && resp.Body != nil {
		head, err := io.ReadAll(io.LimitReader(resp.Body, maxNonceErrorBody))
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
		if err != nil {
			return false
		}
		body = head
	}
	retry, err := key.observe(r.URL.String(), resp.StatusCode, resp.Header, body)
	return err == nil && retry
}

// readCloser reads from r and closes c.
type readCloser struct {
	io.Reader
	c io.Closer
}

func (rc readCloser) Close() error { return rc.c.Close() }

type httpClientKey struct{}

// HTTPClient is the context key of the *http.Client that Client builds on (as x/oauth2's
// oauth2.HTTPClient): context.WithValue(ctx, m2mauth.HTTPClient, c).
var HTTPClient httpClientKey

// Client is an *http.Client whose Transport is Transport{Tokens: m, Base: ...}: the requests it sends
// carry the manager's token, with one retry on 401 (Transport). The base is the Transport of the
// *http.Client that ctx carries under HTTPClient (its Timeout, Jar and CheckRedirect are kept too), or
// http.DefaultTransport. ctx is only read for that client: each request's own context bounds its token
// wait and its send, so a Client outlives the ctx it was made with.
func (m *TokenManager) Client(ctx context.Context) *http.Client {
	base := &http.Client{}
	if ctx != nil {
		if c, ok := ctx.Value(HTTPClient).(*http.Client); ok && c != nil {
			base = c
		}
	}
	return &http.Client{Transport: &Transport{Tokens: m, Base: base.Transport},
		Timeout: base.Timeout, Jar: base.Jar, CheckRedirect: base.CheckRedirect}
}

// RoundTrip authorizes req, sends it, and retries once on 401 and once on a DPoP nonce challenge
// (Transport).
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	closeBody := func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}
	if t.Tokens == nil {
		closeBody()
		return nil, argError("Transport has no TokenManager") // ErrInvalidArgument
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	ctx := req.Context()
	tok, err := t.Tokens.Token(ctx)
	if err != nil {
		closeBody()
		return nil, err
	}
	key, err := t.Tokens.dpopKey()
	if err != nil {
		closeBody()
		return nil, err
	}
	out := req.Clone(ctx) // a RoundTripper must not change the caller's request
	if name := t.Tokens.idempotencyHeader(); name != "" && out.Header.Get(name) == "" {
		id, err := newUUIDv4()
		if err != nil {
			closeBody()
			return nil, err
		}
		out.Header.Set(name, id)
	}
	out.Header.Set("Authorization", tok.TokenType+" "+tok.AccessToken)
	if err := setDPoP(out, tok, key); err != nil {
		closeBody()
		return nil, err
	}
	resp, err := base.RoundTrip(out) // closes req.Body
	nonceRetried, tokenRetried := false, false
	for {
		if err != nil {
			return resp, err
		}
		nonce := nonceRetry(out, resp, tok, key)
		switch {
		case nonce && !nonceRetried:
			nonceRetried = true // the same token, a proof with the nonce just learnt
		case resp.StatusCode == http.StatusUnauthorized && !nonce && !tokenRetried:
			tokenRetried = true
			// The token was refused: the next request gets a new one, whether or not this one is retried.
			if err := t.Tokens.Invalidate(tok.AccessToken); err != nil {
				return resp, nil
			}
		default:
			return resp, nil
		}
		var body io.ReadCloser
		if req.Body != nil && req.Body != http.NoBody {
			if req.GetBody == nil {
				return resp, nil // the body is gone: the caller gets the answer
			}
			if body, err = req.GetBody(); err != nil {
				return resp, nil
			}
		}
		if !nonce {
			next, err := t.Tokens.Token(ctx)
			if err != nil {
				closeResponse(resp, body)
				return nil, err
			}
			tok = next
		}
		closeResponse(resp, nil)
		again := out.Clone(ctx)
		if body != nil {
			again.Body = body
		}
		again.Header.Set("Authorization", tok.TokenType+" "+tok.AccessToken)
		if err := setDPoP(again, tok, key); err != nil {
			if body != nil {
				body.Close()
			}
			return nil, err
		}
		out = again
		resp, err = base.RoundTrip(again)
	}
}

func (m *TokenManager) idempotencyHeader() string {
	if p := m.idempotency.Load(); p != nil {
		return *p
	}
	return ""
}

// closeResponse reads a little of resp's body, so its connection can be reused, and closes it (and
// body, a replayed request body that will not be sent).
func closeResponse(resp *http.Response, body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	resp.Body.Close()
	if body != nil {
		body.Close()
	}
}

// newUUIDv4 is the library's UUID v4 (m2mauth_util_uuid_v4), as Do adds.
func newUUIDv4() (string, error) {
	var out []byte
	if err := call(func() int { return raw.M2mauth_util_uuid_v4(&out) }); err != nil {
		return "", err
	}
	return string(out), nil
}
