package m2mauth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Use after Close, Close while other goroutines use the object, and bad input, for the objects of the
// HTTP, OAuth 2.0 and OAuth 1.0 areas: errors, never a crash.

func TestOAuthObjectsUseAfterClose(t *testing.T) {
	s, _ := faultServer(t)
	h := loopbackHTTP(t)
	client := faultClient(t, func(c *TokenClientConfig) { c.HTTP = h })
	m := newManager(t, client, ManagerOptions{OnEvent: func(TokenEvent) {}})
	signer := a2aSigner(t, nil)
	api := NewRequest("GET", s.field(t, "fault", "api_url")+"/x", nil)
	if _, err := m.Do(context.Background(), api); err != nil {
		t.Fatal(err)
	}
	for _, c := range []interface{ Close() error }{h, client, m, signer} {
		c.Close()
		c.Close() // twice is fine
	}
	checks := map[string]error{}
	_, checks["send"] = h.Send(context.Background(), api)
	_, checks["fetch"] = client.Fetch(context.Background())
	_, checks["token"] = m.Token(context.Background())
	_, checks["do"] = m.Do(context.Background(), api)
	checks["authorize"] = m.Authorize(api.Clone())
	checks["invalidate"] = m.Invalidate("")
	checks["idempotency"] = m.SetIdempotencyHeader("X")
	checks["sign"] = signer.Sign(api.Clone())
	_, checks["base string"] = signer.BaseString(api, "n", 1)
	for what, err := range checks {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v", what, err)
		}
	}
	for _, s := range []string{h.String(), client.String(), m.String(), signer.String()} {
		if s == "" || s[len(s)-len("(closed)"):] != "(closed)" {
			t.Errorf("String after Close: %q", s)
		}
	}
	// A token client made with a closed transport, a manager over a closed client.
	if _, err := NewTokenClient(TokenClientConfig{TokenURL: "http://127.0.0.1:1/token", ClientID: "c", HTTP: h}); !errors.Is(err, ErrClosed) {
		t.Errorf("client over a closed HTTP: %v", err)
	}
	if _, err := NewTokenManager(client, ManagerOptions{}); !errors.Is(err, ErrClosed) {
		t.Errorf("manager over a closed client: %v", err)
	}
	var nilManager *TokenManager
	if _, err := nilManager.Token(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("nil manager: %v", err)
	}
}

// Close while 8 goroutines fetch tokens and call the API: every call either succeeds or returns
// ErrClosed; Close waits for the calls in flight.
func TestOAuthObjectsCloseWhileInUse(t *testing.T) {
	s, _ := faultServer(t)
	client := faultClient(t, nil)
	api := s.field(t, "fault", "api_url") + "/x"
	for round := 0; round < 3; round++ {
		m := newManager(t, client, ManagerOptions{OnEvent: func(TokenEvent) {}})
		signer := a2aSigner(t, nil)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		stop := make(chan struct{})
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					var err error
					switch g % 3 {
					case 0:
						_, err = m.Token(context.Background())
					case 1:
						_, err = m.Do(context.Background(), NewRequest("GET", api, nil))
					default:
						err = signer.Sign(NewRequest("GET", api, nil))
					}
					if err != nil && !errors.Is(err, ErrClosed) {
						select {
						case errs <- err:
						default:
						}
					}
				}
			}(g)
		}
		time.Sleep(150 * time.Millisecond)
		m.Close()
		signer.Close()
		time.Sleep(50 * time.Millisecond)
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
	}
}

func TestOAuthBadInput(t *testing.T) {
	h := loopbackHTTP(t)
	isInvalid := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %T %v", what, err, err)
		}
	}
	send := func(req *Request) error { _, err := h.Send(context.Background(), req); return err }
	isInvalid("nil request", send(nil))
	isInvalid("relative URL", send(NewRequest("GET", "/relative", nil)))
	isInvalid("not a URL", send(NewRequest("GET", "::::", nil)))
	isInvalid("bad method", send(NewRequest("GE T", "http://127.0.0.1:1/", nil)))
	isInvalid("empty method", send(NewRequest("", "http://127.0.0.1:1/", nil)))
	isInvalid("NUL in URL", send(NewRequest("GET", "http://127.0.0.1:1/\x00x", nil)))
	bad := NewRequest("GET", "http://127.0.0.1:1/", nil)
	bad.Header["Bad Name"] = []string{"v"}
	isInvalid("header name with a space", send(bad))
	bad = NewRequest("GET", "http://127.0.0.1:1/", nil)
	bad.Header.Set("X", "a\r\nInjected: yes")
	isInvalid("CR LF in a header value", send(bad))
	bad.Header.Set("X", "a\x00b")
	isInvalid("NUL in a header value", send(bad))
	if _, err := h.Send(context.Background(), NewRequest("GET", "http://127.0.0.1:1/", nil)); !errors.Is(err, ErrNetwork) {
		t.Errorf("closed port: %v", err)
	}
	_, err := NewHTTP(HTTPOptions{Timeout: Ptr(-time.Second)})
	isInvalid("negative timeout", err)
	_, err = NewHTTP(HTTPOptions{ClientCert: "/nonexistent/cert.pem"})
	if err == nil {
		if h2, _ := NewHTTP(HTTPOptions{ClientCert: "/nonexistent/cert.pem"}); h2 != nil {
			// the library may check the file at first use instead: then sending fails
			if _, err := h2.Send(context.Background(), NewRequest("GET", "http://127.0.0.1:1/", nil)); err == nil {
				t.Error("a missing client certificate was accepted")
			}
			h2.Close()
		}
	}

	_, err = NewTokenClient(TokenClientConfig{ClientID: "c"})
	isInvalid("no token URL", err)
	_, err = NewTokenClient(TokenClientConfig{TokenURL: "http://127.0.0.1:1/t", Issuer: "http://127.0.0.1:1", ClientID: "c"})
	isInvalid("token URL and issuer", err)
	_, err = NewTokenClient(TokenClientConfig{TokenURL: "http://127.0.0.1:1/t", ClientID: "", HTTP: h})
	isInvalid("empty client id", err)
	_, err = NewTokenClient(TokenClientConfig{TokenURL: "not a url", ClientID: "c", HTTP: h})
	isInvalid("bad token URL", err)
	_, err = NewTokenClient(TokenClientConfig{TokenURL: "http://127.0.0.1:1/t", ClientID: "c\x00d", HTTP: h})
	isInvalid("NUL in client id", err)
	_, err = NewTokenClient(TokenClientConfig{TokenURL: "http://127.0.0.1:1/t", ClientID: "c", HTTP: h, AuthMethod: 99})
	isInvalid("unknown auth method", err)
	_, err = NewTokenClient(TokenClientConfig{TokenURL: "http://127.0.0.1:1/t", ClientID: "c", HTTP: h,
		Assertion: &AssertionOptions{Lifetime: 2 * time.Hour}})
	isInvalid("assertion lifetime", err)
	_, err = NewTokenClient(TokenClientConfig{TokenURL: "http://127.0.0.1:1/t", ClientID: "c", HTTP: h,
		ExtraParams: []Param{{Name: "", Value: "x"}}})
	isInvalid("empty parameter name", err)
	if _, err := ParseClientAuth("client_secret_nonsense"); err == nil {
		t.Error("unknown method name parsed")
	}
	if a, err := ParseClientAuth("private_key_jwt"); err != nil || a != PrivateKeyJWT || a.String() != "private_key_jwt" {
		t.Errorf("ParseClientAuth: %v %v", a, err)
	}

	client, err := NewTokenClient(TokenClientConfig{TokenURL: "http://127.0.0.1:1/t", ClientID: "c", HTTP: h,
		ClientSecret: []byte("s")})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	_, err = NewTokenManager(client, ManagerOptions{RefreshFraction: Ptr(2.0)})
	isInvalid("refresh fraction", err)
	_, err = NewTokenManager(client, ManagerOptions{WaitTimeout: Ptr(time.Duration(-1))})
	isInvalid("negative wait", err)
	_, err = NewTokenManager(client, ManagerOptions{IdempotencyHeader: "Bad Header"})
	isInvalid("bad idempotency header", err)
	m, err := NewTokenManager(client, ManagerOptions{WaitTimeout: Ptr(2 * time.Second), BackoffBase: Ptr(100 * time.Millisecond),
		BackoffMax: Ptr(200 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Token(context.Background()); !errors.Is(err, ErrNetwork) {
		t.Errorf("unreachable token endpoint: %v", err)
	} else if e := err.(*Error); !e.Transient() {
		t.Errorf("network error not transient: %+v", e)
	}
	isInvalid("authorize nil", m.Authorize(nil))
	isInvalid("invalidate NUL", m.Invalidate("a\x00b"))

	_, err = NewOAuth1Signer(OAuth1Config{})
	isInvalid("empty consumer key", err)
	_, err = NewOAuth1Signer(OAuth1Config{ConsumerKey: "k", Method: 42})
	isInvalid("unknown method", err)
	_, err = NewOAuth1Signer(OAuth1Config{ConsumerKey: "k", Params: []Param{{Name: "not_oauth", Value: "x"}}})
	isInvalid("parameter without oauth_", err)
	signer, err := NewOAuth1Signer(OAuth1Config{ConsumerKey: "k", Placement: OAuth1InBody})
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	isInvalid("body placement on GET", signer.Sign(NewRequest("GET", "https://a.example/", nil)))
	_, err = signer.BaseString(NewRequest("POST", "https://a.example/", nil), "", 1)
	isInvalid("empty nonce", err)
	rsa, err := NewOAuth1Signer(OAuth1Config{ConsumerKey: "k", Method: OAuth1RSASHA1})
	if err != nil {
		t.Fatal(err)
	}
	defer rsa.Close()
	if err := rsa.Sign(NewRequest("GET", "https://a.example/", nil)); !errors.Is(err, ErrConfig) {
		t.Errorf("RSA without a key: %v", err)
	}
}
