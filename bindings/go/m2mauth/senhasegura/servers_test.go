package senhasegura

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/m2mauth/m2mauth/bindings/go/internal/loopback"
)

// The A2A emulators of tests/servers, started once for the package's tests through harness.py (two
// runs: the second needs the first's PKI to register a certificate fingerprint) and stopped by pid in
// TestMain:
//
//	a2a      HTTP
//	a2a_enc  HTTP, sensitive values encrypted with keys/a2a-encryption.pub.pem
//	a2a_tls  HTTPS, client certificate from the test CA required, only client_rsa's SHA-256 registered

var serversDir = filepath.Join("..", "..", "..", "..", "tests", "servers")

type testServers struct {
	dir        string
	plain, tls *loopback.Group
	tlsClient  *http.Client // for a2a_tls's control endpoints (client_rsa, registered)
}

var (
	serversOnce sync.Once
	running     *testServers
	serversErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if running != nil {
		running.stop()
	}
	os.Exit(code)
}

func servers(t testing.TB) *testServers {
	t.Helper()
	serversOnce.Do(func() { running, serversErr = startServers() })
	if serversErr != nil {
		t.Fatalf("loopback servers: %v", serversErr)
	}
	return running
}

func startServers() (*testServers, error) {
	dir, err := os.MkdirTemp("", "m2mauth-go-a2a-test-")
	if err != nil {
		return nil, err
	}
	s := &testServers{dir: dir}
	pubKey, _ := filepath.Abs(filepath.Join(serversDir, "keys", "a2a-encryption.pub.pem"))
	s.plain, err = loopback.Up(serversDir, filepath.Join(dir, "plain.json"), filepath.Join(dir, "pki"),
		[]string{"a2a", "a2a_enc=a2a"}, "a2a_enc.encrypt_with_public_key="+pubKey)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	pki := filepath.Join(dir, "pki")
	s.tls, err = loopback.Up(serversDir, filepath.Join(dir, "tls.json"), "", []string{"a2a_tls=a2a"},
		"a2a_tls.tls_cert="+pki+"/server.pem", "a2a_tls.tls_key="+pki+"/server.key",
		"a2a_tls.client_ca="+pki+"/ca.pem",
		"a2a_tls.require_client_cert_fingerprint="+s.plain.Cert("client_rsa", "sha256_colon"))
	if err == nil {
		s.tlsClient, err = loopback.TLSClient(pki+"/ca.pem", s.plain.Cert("client_rsa", "cert"),
			s.plain.Cert("client_rsa", "key"))
	}
	if err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// control calls a /_control endpoint of an emulator (with the registered client certificate for a2a_tls).
func (s *testServers) control(t testing.TB, server, path, method, body string) []byte {
	t.Helper()
	url := s.field(t, server, "control_url") + path
	var b []byte
	var err error
	if server == "a2a_tls" {
		b, err = loopback.ControlWith(s.tlsClient, url, method, body)
	} else {
		b, err = loopback.Control(url, method, body)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (s *testServers) stop() {
	if s.tls != nil {
		loopback.Down(serversDir, s.tls.State)
	}
	if s.plain != nil {
		loopback.Down(serversDir, s.plain.State)
	}
	os.RemoveAll(s.dir)
}

// field is a ready-file field of an emulator.
func (s *testServers) field(t testing.TB, server, name string) string {
	t.Helper()
	for _, g := range []*loopback.Group{s.plain, s.tls} {
		if v := g.Field(server, name); v != "" {
			return v
		}
	}
	t.Fatalf("server %s has no %s", server, name)
	return ""
}

// fresh resets an emulator (data, statistics, tokens) and returns its base URL.
func (s *testServers) fresh(t testing.TB, server string) string {
	t.Helper()
	s.control(t, server, "/reset", "POST", "{}")
	return s.field(t, server, "base_url")
}

// stats is an emulator's /_control/stats.
func (s *testServers) stats(t testing.TB, server string) map[string]any {
	t.Helper()
	b := s.control(t, server, "/stats", "GET", "")
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// stat is a number in stats by path ("requests", "oauth2").
func stat(m map[string]any, path ...string) int {
	var v any = m
	for _, p := range path {
		o, _ := v.(map[string]any)
		v = o[p]
	}
	n, _ := v.(float64)
	return int(n)
}

// a2aCredentials are the "a2a" entries of tests/servers/clients.json.
type a2aCredentials struct {
	OAuth1 []struct {
		ConsumerKey    string `json:"consumer_key"`
		ConsumerSecret string `json:"consumer_secret"`
		Token          string `json:"token"`
		TokenSecret    string `json:"token_secret"`
	} `json:"oauth1"`
	OAuth2 []struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	} `json:"oauth2"`
	EncryptionPrivateKey string `json:"encryption_private_key"`
}

func credentials(t testing.TB) *a2aCredentials {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(serversDir, "clients.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		A2A a2aCredentials `json:"a2a"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c.A2A
}

// secrets lists every A2A secret of clients.json, for "never in a message" checks.
func (c *a2aCredentials) secrets() []string {
	s := []string{c.OAuth1[0].ConsumerSecret, c.OAuth1[0].Token, c.OAuth1[0].TokenSecret}
	for _, o := range c.OAuth2 {
		s = append(s, o.ClientSecret)
	}
	return s
}
