package m2mauth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stallServer is a loopback server that answers POST /token and accepts every other request without
// ever answering; it records when the client closes such a connection.
type stallServer struct {
	ln          net.Listener
	tokenStalls atomic.Bool
	tokens      atomic.Int32
	mu          sync.Mutex
	closed      []time.Time
	wg          sync.WaitGroup
}

func newStallServer(t *testing.T) *stallServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stallServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *stallServer) url(path string) string { return "http://" + s.ln.Addr().String() + path }

func (s *stallServer) serve(c net.Conn) {
	defer c.Close()
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, req.Body)
	if req.Method == "POST" && strings.HasSuffix(req.URL.Path, "/token") && !s.tokenStalls.Load() {
		n := s.tokens.Add(1)
		body := fmt.Sprintf(`{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, n)
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		return
	}
	// Never answer; note when the client gives up the connection (or the test ends).
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == io.EOF {
		s.mu.Lock()
		s.closed = append(s.closed, time.Now())
		s.mu.Unlock()
	}
}

func (s *stallServer) closes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.closed)
}

// medianCancelLatency cancels f's context 50 ms after it starts, 5 times, and returns the median time
// from the cancel to f's return; every run must end with context.Canceled.
func medianCancelLatency(t *testing.T, what string, f func(ctx context.Context) error) time.Duration {
	t.Helper()
	var runs []time.Duration
	for i := 0; i < 5; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		var at atomic.Int64
		timer := time.AfterFunc(50*time.Millisecond, func() { at.Store(time.Now().UnixNano()); cancel() })
		err := f(ctx)
		done := time.Now()
		timer.Stop()
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: %v, want context.Canceled", what, err)
		}
		runs = append(runs, done.Sub(time.Unix(0, at.Load())))
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i] < runs[j] })
	t.Logf("cancel latency, %s: median %v, max %v", what, runs[len(runs)/2], runs[len(runs)-1])
	return runs[len(runs)/2]
}

func TestContextCancelsTheNativeCall(t *testing.T) {
	srv := newStallServer(t)
	h := must(NewHTTP(HTTPOptions{}))(t)
	defer h.Close()
	client := must(NewTokenClient(TokenClientConfig{TokenURL: srv.url("/token"), ClientID: "svc", ClientSecret: []byte("s3cret"), HTTP: h}))(t)
	defer client.Close()
	manager := must(NewTokenManager(client, ManagerOptions{}))(t)
	defer manager.Close()
	if _, err := manager.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	budget := 250 * time.Millisecond // 100 ms asked for; margin for loaded CI machines (figures logged)

	send := medianCancelLatency(t, "HTTP.Send", func(ctx context.Context) error {
		_, err := h.Send(ctx, NewRequest("GET", srv.url("/api/stall"), nil))
		return err
	})
	do := medianCancelLatency(t, "TokenManager.Do (send)", func(ctx context.Context) error {
		_, err := manager.Do(ctx, NewRequest("GET", srv.url("/api/stall"), nil))
		return err
	})
	// The transfers themselves stopped: the server saw its connections closed.
	deadline := time.Now().Add(time.Second)
	for srv.closes() < 10 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := srv.closes(); n < 10 {
		t.Errorf("server saw %d of 10 stalled connections closed by the client", n)
	}

	srv.tokenStalls.Store(true)
	fetch := medianCancelLatency(t, "TokenClient.Fetch", func(ctx context.Context) error {
		_, err := client.Fetch(ctx)
		return err
	})
	cold := must(NewTokenManager(client, ManagerOptions{}))(t)
	defer cold.Close()
	waitTok := medianCancelLatency(t, "TokenManager.Do (token wait)", func(ctx context.Context) error {
		_, err := cold.Do(ctx, NewRequest("GET", srv.url("/api/x"), nil))
		return err
	})
	for what, d := range map[string]time.Duration{"send": send, "do": do, "fetch": fetch, "token wait": waitTok} {
		if d > budget {
			t.Errorf("%s: cancel took %v (budget %v)", what, d, budget)
		}
	}

	// A deadline bounds the native call too.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := h.Send(ctx, NewRequest("GET", srv.url("/api/stall"), nil)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("deadline: returned after %v", d)
	}
}

func TestCustomTransportServesTokensAndRequests(t *testing.T) {
	var calls atomic.Int32
	h := must(NewCustomHTTP(func(req *Request) (*Response, error) {
		n := calls.Add(1)
		if strings.HasSuffix(req.URL, "/token") {
			if req.Method != "POST" || !strings.Contains(string(req.Body), "grant_type=client_credentials") {
				return nil, fmt.Errorf("unexpected token request %s %s", req.Method, req.URL)
			}
			return &Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: []byte(fmt.Sprintf(`{"access_token":"app-%d","token_type":"Bearer","expires_in":3600}`, n))}, nil
		}
		if req.Header.Get("Authorization") != "Bearer app-1" {
			return &Response{StatusCode: 401}, nil
		}
		if strings.HasSuffix(req.URL, "/down") {
			return nil, errors.New("connection refused by the application")
		}
		return &Response{StatusCode: 200, Header: http.Header{"X-App": {"yes"}}, Body: []byte("hello")}, nil
	}))(t)
	defer h.Close()
	client := must(NewTokenClient(TokenClientConfig{TokenURL: "https://as.example/token", ClientID: "svc",
		ClientSecret: []byte("s3cret"), HTTP: h}))(t)
	defer client.Close()
	manager := must(NewTokenManager(client, ManagerOptions{}))(t)
	defer manager.Close()
	resp, err := manager.Do(context.Background(), NewRequest("GET", "https://api.example/data", nil))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || string(resp.Body) != "hello" || resp.Header.Get("X-App") != "yes" {
		t.Fatalf("response %v %q", resp, resp.Body)
	}
	_, err = manager.Do(context.Background(), NewRequest("GET", "https://api.example/down", nil))
	if !errors.Is(err, ErrNetwork) {
		t.Fatalf("application failure: %v, want ErrNetwork", err)
	}
	if _, err := NewCustomHTTP(nil); err == nil {
		t.Fatal("nil transport accepted")
	}
}
