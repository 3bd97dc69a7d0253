package m2mauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The loopback servers of tests/servers (oidc-provider, the fault server, the A2A emulator), started once
// for the package's tests through harness.py (`up`, which waits for them with a bound) and stopped by pid
// (`down`) in TestMain. They listen on 127.0.0.1 only.

var repoRoot = filepath.Join("..", "..", "..")

func serversDir() string { return filepath.Join(repoRoot, "tests", "servers") }

type loopbackServers struct {
	dir     string
	state   string
	servers map[string]map[string]any
	pki     *testPKI
}

// testPKI is the manifest of tests/servers/pki.py.
type testPKI struct {
	CABundle string `json:"ca_bundle"`
	Certs    map[string]struct {
		Cert   string `json:"cert"`
		Key    string `json:"key"`
		SHA256 string `json:"sha256"`
	} `json:"certs"`
	ClientP12 struct {
		Path     string `json:"path"`
		Password string `json:"password"`
		Cert     string `json:"cert"`
	} `json:"client_p12"`
}

var (
	loopbackOnce sync.Once
	loopback     *loopbackServers
	loopbackErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if loopback != nil {
		loopback.stop()
	}
	os.Exit(code)
}

// servers returns the running servers, starting them on first use (at most 120 s).
func servers(t testing.TB) *loopbackServers {
	t.Helper()
	loopbackOnce.Do(func() { loopback, loopbackErr = startServers() })
	if loopbackErr != nil {
		t.Fatalf("loopback servers: %v", loopbackErr)
	}
	return loopback
}

func startServers() (*loopbackServers, error) {
	dir, err := os.MkdirTemp("", "m2mauth-go-test-")
	if err != nil {
		return nil, err
	}
	s := &loopbackServers{dir: dir, state: filepath.Join(dir, "servers.json")}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	// tls: the fault server over HTTPS with a client certificate from the test PKI's CA required.
	cmd := exec.CommandContext(ctx, "python3", filepath.Join(serversDir(), "harness.py"), "up", "--state", s.state,
		"--pki", filepath.Join(dir, "pki"), "oidc", "fault", "a2a", "tls=fault", "rsn=dpop", "--opt", "rsn.nonce=true",
		"--opt", "tls.tls_cert={pki}/server.pem", "--opt", "tls.tls_key={pki}/server.key",
		"--opt", "tls.client_ca={pki}/ca.pem")
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.stop() // whatever did start
		return nil, fmt.Errorf("harness.py up: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(s.state)
	if err != nil {
		return nil, err
	}
	var state struct {
		Servers map[string]map[string]any `json:"servers"`
		PKI     *testPKI                  `json:"pki"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, err
	}
	s.servers = state.Servers
	s.pki = state.PKI
	return s, nil
}

func (s *loopbackServers) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_ = exec.CommandContext(ctx, "python3", filepath.Join(serversDir(), "harness.py"), "down", "--state", s.state).Run()
	os.RemoveAll(s.dir)
}

// field is a ready-file field of one server.
func (s *loopbackServers) field(t testing.TB, server, name string) string {
	t.Helper()
	v, ok := s.servers[server][name]
	if !ok {
		t.Fatalf("server %s has no %s", server, name)
	}
	return fmt.Sprint(v)
}

// control calls a server's /_control endpoint with net/http (independent of the library under test).
func control(t testing.TB, url, method, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	return b
}

// faultServer resets the fault server (script, statistics, tokens) and returns its control URL.
func faultServer(t testing.TB) (s *loopbackServers, controlURL string) {
	s = servers(t)
	controlURL = s.field(t, "fault", "control_url")
	control(t, controlURL+"/reset", "POST", "{}")
	return s, controlURL
}

func faultStat(t testing.TB, controlURL, name string) int {
	t.Helper()
	var stats map[string]any
	if err := json.Unmarshal(control(t, controlURL+"/stats", "GET", ""), &stats); err != nil {
		t.Fatal(err)
	}
	n, _ := stats[name].(float64)
	return int(n)
}

// clientsJSON is tests/servers/clients.json.
type clientsJSON struct {
	OAuth2 struct {
		Clients map[string]struct {
			Method       string `json:"token_endpoint_auth_method"`
			Alg          string `json:"alg"`
			ClientSecret string `json:"client_secret"`
			PrivateKey   string `json:"private_key"`
		} `json:"clients"`
	} `json:"oauth2"`
	A2A struct {
		OAuth1 []struct {
			ConsumerKey    string `json:"consumer_key"`
			ConsumerSecret string `json:"consumer_secret"`
			Token          string `json:"token"`
			TokenSecret    string `json:"token_secret"`
		} `json:"oauth1"`
	} `json:"a2a"`
}

func clients(t testing.TB) *clientsJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(serversDir(), "clients.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c clientsJSON
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

func (c *clientsJSON) secret(t testing.TB, id string) []byte {
	t.Helper()
	s := c.OAuth2.Clients[id].ClientSecret
	if s == "" {
		t.Fatalf("no secret for %s", id)
	}
	return []byte(s)
}
