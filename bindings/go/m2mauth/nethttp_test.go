package m2mauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// apiServer is a loopback token endpoint (POST /token: tok-1, tok-2, ...) and API (everything else:
// 200 with the request's body echoed, or 401 when reject says so), recording what the API received.
type apiServer struct {
	*httptest.Server
	tokens     atomic.Int32
	tokenError atomic.Bool // answer token requests with 400 invalid_client
	reject     func(auth string) bool
	mu         sync.Mutex
	seen       []seenRequest
}

type seenRequest struct {
	auth, idempotencyKey, body string
}

func newAPIServer(t *testing.T, reject func(auth string) bool) *apiServer {
	s := &apiServer{reject: reject}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			if s.tokenError.Load() {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"invalid_client","error_description":"unknown client"}`)
				return
			}
			fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, s.tokens.Add(1))
			return
		}
		auth := r.Header.Get("Authorization")
		s.mu.Lock()
		s.seen = append(s.seen, seenRequest{auth, r.Header.Get("IdempotencyKey"), string(body)})
		s.mu.Unlock()
		if s.reject != nil && s.reject(auth) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "ok "+string(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

// apiManager is a token manager whose client fetches from s (with no floor between token requests
// unless opts sets one, so that a retry does not wait the default second).
func apiManager(t *testing.T, s *apiServer, opts ManagerOptions) *TokenManager {
	t.Helper()
	if opts.MinFetchInterval == nil {
		opts.MinFetchInterval = Ptr(time.Duration(0))
	}
	return testManager(t, TokenClientConfig{TokenURL: s.URL + "/token", ClientID: "svc",
		ClientSecret: []byte("s3cret-value")}, opts)
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestClientAttachesTheToken(t *testing.T) {
	s := newAPIServer(t, nil)
	c := apiManager(t, s, ManagerOptions{}).Client(context.Background())
	for i := 0; i < 3; i++ {
		req := must(http.NewRequest("GET", s.URL+"/v1/accounts", nil))(t)
		resp := must(c.Do(req))(t)
		if resp.StatusCode != 200 || readAll(t, resp) != "ok " {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if req.Header.Get("Authorization") != "" {
			t.Fatal("the caller's request was changed")
		}
	}
	seen := s.requests()
	if len(seen) != 3 || seen[0].auth != "Bearer tok-1" || seen[2].auth != "Bearer tok-1" || s.tokens.Load() != 1 {
		t.Fatalf("API saw %+v after %d token requests", seen, s.tokens.Load())
	}
}

func TestClientRetriesOnceOn401WithTheBodyReplayed(t *testing.T) {
	s := newAPIServer(t, func(auth string) bool { return auth == "Bearer tok-1" })
	c := apiManager(t, s, ManagerOptions{IdempotencyHeader: "IdempotencyKey"}).Client(context.Background())
	req := must(http.NewRequest("POST", s.URL+"/v1/transfers", strings.NewReader(`{"amount":10}`)))(t)
	resp := must(c.Do(req))(t)
	if resp.StatusCode != 200 || readAll(t, resp) != `ok {"amount":10}` {
		t.Fatalf("status %d", resp.StatusCode)
	}
	seen := s.requests()
	if len(seen) != 2 || seen[0].auth != "Bearer tok-1" || seen[1].auth != "Bearer tok-2" {
		t.Fatalf("API saw %+v", seen)
	}
	if seen[1].body != `{"amount":10}` {
		t.Fatalf("retry body %q", seen[1].body)
	}
	if !uuidV4.MatchString(seen[0].idempotencyKey) || seen[1].idempotencyKey != seen[0].idempotencyKey {
		t.Fatalf("idempotency keys %q, %q (one UUID v4, kept by the retry)", seen[0].idempotencyKey, seen[1].idempotencyKey)
	}
	if s.tokens.Load() != 2 {
		t.Fatalf("%d token requests, want 2", s.tokens.Load())
	}
	// The caller's own key is kept.
	req = must(http.NewRequest("GET", s.URL+"/v1/accounts", nil))(t)
	req.Header.Set("IdempotencyKey", "mine")
	readAll(t, must(c.Do(req))(t))
	if seen := s.requests(); seen[len(seen)-1].idempotencyKey != "mine" {
		t.Fatalf("idempotency key %q", seen[len(seen)-1].idempotencyKey)
	}
}

func TestClientNeverLoopsOn401(t *testing.T) {
	s := newAPIServer(t, func(string) bool { return true })
	c := apiManager(t, s, ManagerOptions{}).Client(context.Background())
	resp := must(c.Post(s.URL+"/v1/transfers", "application/json", bytes.NewReader([]byte(`{}`))))(t)
	readAll(t, resp)
	if resp.StatusCode != 401 || len(s.requests()) != 2 || s.tokens.Load() != 2 {
		t.Fatalf("status %d after %d sends and %d token requests (want 401, 2, 2)", resp.StatusCode,
			len(s.requests()), s.tokens.Load())
	}
}

// onceReader is a body http.NewRequest cannot replay (no GetBody).
type onceReader struct{ r io.Reader }

func (o *onceReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestClientDoesNotRetryABodyItCannotReplay(t *testing.T) {
	s := newAPIServer(t, func(auth string) bool { return auth == "Bearer tok-1" })
	c := apiManager(t, s, ManagerOptions{}).Client(context.Background())
	req := must(http.NewRequest("POST", s.URL+"/v1/upload", &onceReader{strings.NewReader("stream")}))(t)
	if req.GetBody != nil {
		t.Fatal("the body is replayable")
	}
	resp := must(c.Do(req))(t)
	readAll(t, resp)
	if resp.StatusCode != 401 || len(s.requests()) != 1 || s.tokens.Load() != 1 {
		t.Fatalf("status %d after %d sends, %d token requests (want 401, 1, 1)", resp.StatusCode,
			len(s.requests()), s.tokens.Load())
	}
	// The refused token was dropped all the same: the next request has a new one.
	resp = must(c.Get(s.URL + "/v1/accounts"))(t)
	readAll(t, resp)
	if seen := s.requests(); resp.StatusCode != 200 || len(seen) != 2 || seen[1].auth != "Bearer tok-2" {
		t.Fatalf("GET after the 401: %d, API saw %+v", resp.StatusCode, seen)
	}
}

// countingTransport is a caller's base transport.
type countingTransport struct {
	n    atomic.Int32
	base http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

func TestClientOverACallersTransport(t *testing.T) {
	s := newAPIServer(t, nil)
	m := apiManager(t, s, ManagerOptions{})
	base := &countingTransport{base: http.DefaultTransport}
	ctx := context.WithValue(context.Background(), HTTPClient, &http.Client{Transport: base, Timeout: 7 * time.Second})
	c := m.Client(ctx)
	if c.Timeout != 7*time.Second {
		t.Fatalf("timeout %v", c.Timeout)
	}
	readAll(t, must(c.Get(s.URL+"/a"))(t))
	direct := &http.Client{Transport: &Transport{Tokens: m, Base: base}}
	readAll(t, must(direct.Get(s.URL+"/b"))(t))
	if base.n.Load() != 2 {
		t.Fatalf("the base transport sent %d requests, want 2", base.n.Load())
	}
	if seen := s.requests(); len(seen) != 2 || seen[1].auth != "Bearer tok-1" {
		t.Fatalf("API saw %+v", seen)
	}
	if _, err := (&http.Client{Transport: &Transport{}}).Get(s.URL); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("no manager: %v", err)
	}
}

func TestClientReturnsTheTokenError(t *testing.T) {
	s := newAPIServer(t, nil)
	s.tokenError.Store(true)
	c := apiManager(t, s, ManagerOptions{}).Client(context.Background())
	_, err := c.Get(s.URL + "/v1/accounts")
	var e *Error
	if !errors.As(err, &e) || e.OAuthError != "invalid_client" || e.HTTPStatus != 400 {
		t.Fatalf("error %v", err)
	}
	if len(s.requests()) != 0 {
		t.Fatal("the API was called without a token")
	}
	if strings.Contains(err.Error(), "s3cret-value") {
		t.Fatal("the client secret is in the error")
	}
}

// The request's context cancels the native wait for a token (the token endpoint never answers), as ctx
// does for Token itself.
func TestClientRequestContextCancelsTheTokenWait(t *testing.T) {
	srv := newStallServer(t)
	srv.tokenStalls.Store(true)
	m := testManager(t, TokenClientConfig{TokenURL: srv.url("/token"), ClientID: "svc",
		ClientSecret: []byte("s3cret")}, ManagerOptions{})
	c := m.Client(context.Background())
	waited := medianCancelLatency(t, "Client.Do (token wait)", func(ctx context.Context) error {
		req := must(http.NewRequestWithContext(ctx, "GET", srv.url("/api"), nil))(t)
		_, err := c.Do(req)
		return err
	})
	if waited > 250*time.Millisecond {
		t.Errorf("cancel took %v", waited)
	}
	waited = medianCancelLatency(t, "TokenManager.Token (token wait)", func(ctx context.Context) error {
		_, err := m.Token(ctx)
		return err
	})
	if waited > 250*time.Millisecond {
		t.Errorf("Token: cancel took %v", waited)
	}
}

// 16 goroutines share one Client while the first token is refused: every request ends 200, and the
// refused token costs one extra token request, not one per goroutine (also under -race, go_binding_race).
func TestClientConcurrentRequests(t *testing.T) {
	s := newAPIServer(t, func(auth string) bool { return auth == "Bearer tok-1" })
	c := apiManager(t, s, ManagerOptions{}).Client(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 16*10)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				resp, err := c.Post(s.URL+"/v1/items", "text/plain", strings.NewReader("item"))
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- fmt.Errorf("status %d", resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := s.tokens.Load(); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
}
