package m2mauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// OAuth 2.0 against the loopback servers: oidc-provider for the client authentication methods, the fault
// server for the token manager (its statistics count token requests).

func loopbackHTTP(t testing.TB) *HTTP {
	t.Helper()
	h, err := NewHTTP(HTTPOptions{Timeout: Ptr(15 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// oidcClient is a token client of oidc-provider for one of clients.json's clients.
func oidcClient(t *testing.T, id string, mutate func(*TokenClientConfig)) *TokenClient {
	t.Helper()
	s := servers(t)
	cj := clients(t)
	c := cj.OAuth2.Clients[id]
	cfg := TokenClientConfig{
		TokenURL: s.field(t, "oidc", "token_endpoint"),
		ClientID: id,
		HTTP:     loopbackHTTP(t),
		Scope:    "api.read",
	}
	auth, err := ParseClientAuth(c.Method)
	if err != nil {
		t.Fatal(err)
	}
	cfg.AuthMethod = auth
	if c.PrivateKey != "" {
		key, err := KeyFromFile(filepath.Join(serversDir(), c.PrivateKey), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer key.Close() // the client keeps its own reference
		cfg.PrivateKey = key
	} else {
		cfg.ClientSecret = cj.secret(t, id)
	}
	if mutate != nil {
		mutate(&cfg)
	}
	client, err := NewTokenClient(cfg)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

func TestOIDCClientAuthenticationMethods(t *testing.T) {
	for _, id := range []string{"svc-basic", "svc-post", "svc-jwt", "svc-rs256", "svc-es256", "svc-eddsa"} {
		t.Run(id, func(t *testing.T) {
			client := oidcClient(t, id, nil)
			tok, err := client.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "Bearer") || tok.Scope != "api.read" {
				t.Fatalf("token %v", tok)
			}
			if !tok.Valid(time.Now()) || tok.ExpiresAt.After(time.Now().Add(2*time.Hour)) {
				t.Fatalf("expiry %v", tok.ExpiresAt)
			}
			for _, s := range []string{tok.String(), fmt.Sprintf("%v %+v %#v", tok, tok, tok)} {
				if strings.Contains(s, tok.AccessToken) {
					t.Fatal("the access token is printed")
				}
			}
		})
	}
}

func TestOIDCDiscoveryAndAssertionOptions(t *testing.T) {
	s := servers(t)
	issuer := s.field(t, "oidc", "issuer")
	client := oidcClient(t, "svc-es256", func(c *TokenClientConfig) {
		c.TokenURL = ""
		c.Issuer = issuer
		// oidc-provider accepts the issuer as the assertion's audience too.
		c.Assertion = &AssertionOptions{Audience: issuer, Algorithm: ES256, Lifetime: time.Minute}
	})
	if _, err := client.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := NewTokenClient(TokenClientConfig{Issuer: issuer + "/nowhere", ClientID: "svc-basic", HTTP: loopbackHTTP(t)}); err == nil {
		t.Fatal("discovery of a wrong issuer succeeded")
	}
}

// The assertion as the fault server received it (its statistics keep the last token request's form).
func TestAssertionOptionsOnTheWire(t *testing.T) {
	_, ctl := faultServer(t)
	key, err := KeyFromFile(filepath.Join(serversDir(), "keys", "ec-p256.pem"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	thumb, _ := key.Thumbprint()
	client := faultClient(t, func(c *TokenClientConfig) {
		c.ClientID = "svc-es256"
		c.ClientSecret = nil
		c.AuthMethod = PrivateKeyJWT
		c.PrivateKey = key
		c.Scope = "api.read api.write"
		c.Resources = []string{"https://rs.example/a", "https://rs.example/b"}
		c.ExtraParams = []Param{{Name: "tenant", Value: "t 1"}}
		c.Assertion = &AssertionOptions{Audience: "https://aud.example", Lifetime: 30 * time.Second, KeyIDThumbprint: true}
	})
	if _, err := client.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	var stats struct {
		Last struct {
			Form map[string]any `json:"form"`
		} `json:"last_token_request"`
	}
	if err := json.Unmarshal(control(t, ctl+"/stats", "GET", ""), &stats); err != nil {
		t.Fatal(err)
	}
	form := stats.Last.Form
	first := func(name string) string {
		switch v := form[name].(type) {
		case string:
			return v
		case []any:
			if len(v) > 0 {
				return fmt.Sprint(v[0])
			}
		}
		return ""
	}
	assertion := first("client_assertion")
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 || first("scope") != "api.read api.write" || first("tenant") != "t 1" {
		t.Fatalf("form %v", form)
	}
	if !strings.HasPrefix(first("resource"), "https://rs.example/") { // the server keeps one value per name
		t.Fatalf("resource %v", form["resource"])
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var h map[string]any
	var c map[string]any
	if json.Unmarshal(hdr, &h) != nil || json.Unmarshal(claims, &c) != nil {
		t.Fatalf("assertion %q", assertion)
	}
	if h["kid"] != thumb || h["alg"] != "ES256" || c["aud"] != "https://aud.example" || c["iss"] != "svc-es256" {
		t.Fatalf("header %v claims %v", h, c)
	}
	// iat is backdated by the default clock skew (5 s); exp counts from now.
	if exp, iat := c["exp"].(float64), c["iat"].(float64); exp-iat != 35 {
		t.Fatalf("lifetime %v", exp-iat)
	}
}

func TestOAuthErrorWrongSecret(t *testing.T) {
	wrong := []byte("wrong-secret-d0cd1c4f5e")
	client := oidcClient(t, "svc-basic", func(c *TokenClientConfig) { c.ClientSecret = wrong })
	check := func(err error) {
		t.Helper()
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T %v", err, err)
		}
		if !errors.Is(err, ErrOAuth) || e.OAuthError != "invalid_client" || e.HTTPStatus != 401 || e.Transient() || !e.IsOAuth() {
			t.Fatalf("error %+v", e)
		}
		if strings.Contains(e.Error(), string(wrong)) || strings.Contains(fmt.Sprintf("%+v", e), string(wrong)) {
			t.Fatal("the secret is in the error")
		}
	}
	_, err := client.Fetch(context.Background())
	check(err)
	m, err := NewTokenManager(client, ManagerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, err = m.Token(context.Background())
	check(err)
	// Backing off: the same error again, without a second request.
	_, err = m.Token(context.Background())
	check(err)
}

// faultClient is svc-basic at the fault server.
func faultClient(t *testing.T, mutate func(*TokenClientConfig)) *TokenClient {
	t.Helper()
	s := servers(t)
	cfg := TokenClientConfig{
		TokenURL:     s.field(t, "fault", "token_endpoint"),
		ClientID:     "svc-basic",
		ClientSecret: clients(t).secret(t, "svc-basic"),
		HTTP:         loopbackHTTP(t),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := NewTokenClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func newManager(t *testing.T, client *TokenClient, opts ManagerOptions) *TokenManager {
	t.Helper()
	if opts.WaitTimeout == nil {
		opts.WaitTimeout = Ptr(10 * time.Second)
	}
	if opts.JitterFraction == nil {
		opts.JitterFraction = Ptr(0.0) // none: refresh times are exact
	}
	m, err := NewTokenManager(client, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestTokenManagerConcurrentReadersOneRequest(t *testing.T) {
	_, ctl := faultServer(t)
	control(t, ctl+"/script", "POST", `[{"delay_ms":300}]`) // every goroutine arrives while the fetch is in flight
	m := newManager(t, faultClient(t, nil), ManagerOptions{})
	const n = 32
	tokens := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			for k := 0; k < 20; k++ {
				tok, err := m.Token(context.Background())
				if err != nil {
					errs <- err
					return
				}
				tokens[i] = tok.AccessToken
			}
		}(i)
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, tok := range tokens {
		if tok == "" || tok != tokens[0] {
			t.Fatal("goroutines saw different tokens")
		}
	}
	if got := faultStat(t, ctl, "token_requests"); got != 1 {
		t.Fatalf("%d token requests, want 1", got)
	}
}

type eventLog struct {
	mu     sync.Mutex
	events []TokenEvent
}

func (l *eventLog) add(e TokenEvent) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

// waitFor waits (at most 10 s) until an event of kind has arrived.
func (l *eventLog) waitFor(t *testing.T, kind TokenEventKind) TokenEvent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		for _, e := range l.events {
			if e.Kind == kind {
				l.mu.Unlock()
				return e
			}
		}
		l.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %v event; got %v", kind, l.all())
	return TokenEvent{}
}

func (l *eventLog) all() []TokenEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]TokenEvent{}, l.events...)
}

func TestTokenManager401RetryAndEvents(t *testing.T) {
	s, ctl := faultServer(t)
	var log eventLog
	m := newManager(t, faultClient(t, nil), ManagerOptions{OnEvent: log.add})
	req := NewRequest("GET", s.field(t, "fault", "api_url")+"/things?x=1", nil)
	resp, err := m.Do(context.Background(), req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	if req.Header.Get("Authorization") != "" {
		t.Fatal("Do changed the caller's request")
	}
	first := log.waitFor(t, EventFetched)
	control(t, ctl+"/revoke", "POST", "{}")
	resp, err = m.Do(context.Background(), req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after revoke: %v %v", resp, err)
	}
	if got := faultStat(t, ctl, "token_requests"); got != 2 {
		t.Fatalf("%d token requests, want 2", got)
	}
	inv := log.waitFor(t, EventInvalidated)
	log.waitFor(t, EventRefreshed)
	if first.ClientID != "svc-basic" || first.ExpiresAt.IsZero() || inv.ClientID != "svc-basic" {
		t.Fatalf("events %v", log.all())
	}
	tok, err := m.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	secret := string(clients(t).secret(t, "svc-basic"))
	for _, e := range log.all() {
		text := fmt.Sprintf("%v %+v %#v", e, e, e)
		if strings.Contains(text, tok.AccessToken) || strings.Contains(text, secret) {
			t.Fatalf("an event shows a secret: %s", text)
		}
	}
	if m.DroppedEvents() != 0 {
		t.Fatal("events dropped")
	}
}

func TestTokenManagerAuthorizeAndInvalidate(t *testing.T) {
	s, ctl := faultServer(t)
	m := newManager(t, faultClient(t, nil), ManagerOptions{})
	req := NewRequest("GET", s.field(t, "fault", "api_url")+"/x", nil)
	if err := m.Authorize(req); err != nil {
		t.Fatal(err)
	}
	tok, _ := m.Token(context.Background())
	if req.Header.Get("Authorization") != "Bearer "+tok.AccessToken {
		t.Fatal("Authorize did not set the token")
	}
	if err := m.Invalidate("not-the-current-token"); err != nil {
		t.Fatal(err)
	}
	if again, _ := m.Token(context.Background()); again.AccessToken != tok.AccessToken {
		t.Fatal("invalidating another token dropped the cached one")
	}
	if err := m.Invalidate(tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	if again, _ := m.Token(context.Background()); again.AccessToken == tok.AccessToken {
		t.Fatal("invalidate kept the token")
	}
	if got := faultStat(t, ctl, "token_requests"); got != 2 {
		t.Fatalf("%d token requests, want 2", got)
	}
}

func TestTransientFaultRetryAfter(t *testing.T) {
	_, ctl := faultServer(t)
	control(t, ctl+"/script", "POST", `[{"status":503,"retry_after":2},{"status":503,"retry_after":2}]`)
	// The manager reports the backoff time still to go; a clock that stands still keeps it at the full 2 s.
	frozen := time.Now()
	client := faultClient(t, func(c *TokenClientConfig) { c.Clock = func() time.Time { return frozen } })
	_, err := client.Fetch(context.Background())
	var e *Error
	if !errors.As(err, &e) || !e.Transient() || e.HTTPStatus != 503 || e.RetryAfter() < 2*time.Second {
		t.Fatalf("fetch: %+v", err)
	}
	var log eventLog
	m := newManager(t, client, ManagerOptions{OnEvent: log.add})
	_, err = m.Token(context.Background())
	if !errors.As(err, &e) || !e.Transient() || !e.Temporary() || e.RetryAfterMillis < 2000 || e.HTTPStatus != 503 {
		t.Fatalf("manager: %+v", err)
	}
	failed := log.waitFor(t, EventFailed)
	if !failed.Transient || failed.HTTPStatus != 503 || failed.RetryAfter < 2*time.Second || failed.ErrorName == "" {
		t.Fatalf("failed event %v", failed)
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestIdempotencyHeader(t *testing.T) {
	s, _ := faultServer(t)
	m := newManager(t, faultClient(t, nil), ManagerOptions{IdempotencyHeader: "IdempotencyKey"})
	keyOf := func(resp *Response) string {
		var echo struct {
			Headers map[string]string `json:"headers"`
		}
		if err := json.Unmarshal(resp.Body, &echo); err != nil {
			t.Fatal(err)
		}
		for k, v := range echo.Headers {
			if strings.EqualFold(k, "IdempotencyKey") {
				return v
			}
		}
		return ""
	}
	req := NewRequest("POST", s.field(t, "fault", "api_url")+"/payments", []byte(`{"amount":1}`))
	req.Header.Set("Content-Type", "application/json")
	a, err := m.Do(context.Background(), req)
	if err != nil || a.StatusCode != 200 {
		t.Fatalf("%v %v", a, err)
	}
	b, err := m.Do(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	ka, kb := keyOf(a), keyOf(b)
	if !uuidV4.MatchString(ka) || !uuidV4.MatchString(kb) || ka == kb {
		t.Fatalf("idempotency keys %q %q", ka, kb)
	}
	// A request that brings its own keeps it; turning the header off sends none.
	req.Header.Set("IdempotencyKey", "mine")
	if c, _ := m.Do(context.Background(), req); keyOf(c) != "mine" {
		t.Fatal("the caller's key was replaced")
	}
	if err := m.SetIdempotencyHeader(""); err != nil {
		t.Fatal(err)
	}
	req.Header.Del("IdempotencyKey")
	if c, _ := m.Do(context.Background(), req); keyOf(c) != "" {
		t.Fatal("header still added after turning it off")
	}
}

// A clock from Go, called by the library for expiry (and by the manager's own thread for refreshes):
// moving it past 75 % of the lifetime makes the background thread refresh, and the event it emits
// comes from that thread into Go.
func TestClockCallbackAndBackgroundRefresh(t *testing.T) {
	_, ctl := faultServer(t)
	var offset atomic.Int64
	var calls atomic.Int64
	clock := func() time.Time {
		calls.Add(1)
		return time.Now().Add(time.Duration(offset.Load()))
	}
	client := faultClient(t, func(c *TokenClientConfig) { c.Clock = clock })
	var log eventLog
	m := newManager(t, client, ManagerOptions{OnEvent: log.add})
	client.Close() // the manager keeps the client and its clock
	first, err := m.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(first.ExpiresAt); d < 50*time.Minute || d > 61*time.Minute {
		t.Fatalf("expires in %v", d)
	}
	offset.Store(int64(3600 * 85 / 100 * time.Second)) // past the refresh point, before expiry
	if tok, err := m.Token(context.Background()); err != nil || tok.AccessToken != first.AccessToken {
		t.Fatalf("the due token was not served at once: %v", err)
	}
	ev := log.waitFor(t, EventRefreshed)
	if ev.ExpiresAt.Before(time.Now().Add(time.Duration(offset.Load()))) {
		t.Fatalf("refreshed event %v", ev)
	}
	if got := faultStat(t, ctl, "token_requests"); got != 2 {
		t.Fatalf("%d token requests, want 2", got)
	}
	if calls.Load() == 0 {
		t.Fatal("the clock was never called")
	}
}

func TestHTTPSendAndOverrides(t *testing.T) {
	s := servers(t)
	echo := s.field(t, "fault", "echo_url")
	h, err := NewHTTP(HTTPOptions{Timeout: Ptr(10 * time.Second), UserAgent: "m2mauth-go-test",
		Overrides: []HTTPOverride{{URLPrefix: echo + "/special", Options: HTTPOptions{UserAgent: "m2mauth-override"}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	agent := func(path string) string {
		req := NewRequest("POST", echo+path+"?a=1&b=%20", []byte("hello"))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Add("X-Multi", "1")
		req.Header.Add("X-Multi", "2")
		resp, err := h.Send(context.Background(), req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v %v", resp, err)
		}
		var e struct {
			Method   string            `json:"method"`
			RawQuery string            `json:"raw_query"`
			Body     string            `json:"body"`
			Headers  map[string]string `json:"headers"`
		}
		if err := json.Unmarshal(resp.Body, &e); err != nil {
			t.Fatal(err)
		}
		if e.Method != "POST" || e.Body != "hello" || e.RawQuery != "a=1&b=%20" {
			t.Fatalf("echo %+v", e)
		}
		if resp.Header.Get("Content-Type") == "" {
			t.Fatal("response headers missing")
		}
		return e.Headers["User-Agent"]
	}
	if a := agent("/plain"); a != "m2mauth-go-test" {
		t.Fatalf("user agent %q", a)
	}
	if a := agent("/special/x"); a != "m2mauth-override" {
		t.Fatalf("override user agent %q", a)
	}
	// Plain http:// to a host that is not loopback is refused before anything is sent.
	if _, err := h.Send(context.Background(), NewRequest("GET", "http://192.0.2.1/", nil)); !errors.Is(err, ErrInsecure) {
		t.Fatalf("plain http: %v", err)
	}
	// A context that is already done stops before sending.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Send(ctx, NewRequest("GET", echo, nil)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
}
