package senhasegura

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// stallListener accepts A2A requests on 127.0.0.1 and never answers; closed receives the time each
// connection was closed by the client.
func stallListener(t *testing.T) (string, <-chan time.Time) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan time.Time, 64)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, c) // until the client closes the connection
				closed <- time.Now()
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return "http://" + ln.Addr().String(), closed
}

// ctx bounds the native A2A call itself: its end stops the transfer (the server sees the connection
// closed at once), its deadline is the call's timeout; the error is ctx's.
func TestContextCancelsTheA2ATransfer(t *testing.T) {
	base, closed := stallListener(t)
	c, err := NewClient(Config{BaseURL: base, Auth: QueryToken, ConsumerKey: "ck", Token: []byte("tk")})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	calls := map[string]func(ctx context.Context) error{
		"Credential":     func(ctx context.Context) error { _, err := c.Credential(ctx, "5"); return err },
		"Info":           func(ctx context.Context) error { _, err := c.Info(ctx, "10"); return err },
		"SSHKey":         func(ctx context.Context) error { _, err := c.SSHKey(ctx, "7"); return err },
		"DSMApplication": func(ctx context.Context) error { _, err := c.DSMApplication(ctx); return err },
		"Call":           func(ctx context.Context) error { _, err := c.Call(ctx, "GET", "pam/device/1", nil); return err },
	}
	for name, call := range calls {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		err := call(ctx)
		took := time.Since(start)
		if !errors.Is(err, context.Canceled) || took > 2*time.Second {
			t.Errorf("%s cancelled: %v after %v", name, err, took)
		}
		select {
		case at := <-closed:
			if at.Sub(start) > 2*time.Second {
				t.Errorf("%s: the connection closed %v after the call started", name, at.Sub(start))
			}
		case <-time.After(3 * time.Second):
			t.Errorf("%s: the transfer went on after the cancel", name)
		}

		ctx, cancel = context.WithTimeout(context.Background(), 150*time.Millisecond)
		start = time.Now()
		err = call(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("%s with a deadline: %v after %v", name, err, time.Since(start))
		}
		<-closed
	}
}
