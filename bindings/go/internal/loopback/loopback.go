// Package loopback starts and stops the loopback test servers of tests/servers through harness.py, for
// the test suites of the binding's packages. Test support only: no library code imports it.
package loopback

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Group is one `harness.py up` run: its servers' ready-file fields and, with a PKI, the manifest of
// tests/servers/pki.py.
type Group struct {
	Dir     string // tests/servers
	State   string
	Servers map[string]map[string]any
	PKI     map[string]any
}

// Up runs `harness.py up --state state [--pki pkiDir] names... --opt ...`, bounded by 120 s.
func Up(serversDir, state, pkiDir string, names []string, opts ...string) (*Group, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	args := []string{filepath.Join(serversDir, "harness.py"), "up", "--state", state}
	if pkiDir != "" {
		args = append(args, "--pki", pkiDir)
	}
	args = append(args, names...)
	for _, o := range opts {
		args = append(args, "--opt", o)
	}
	out, err := exec.CommandContext(ctx, "python3", args...).CombinedOutput()
	if err != nil {
		Down(serversDir, state) // whatever did start
		return nil, fmt.Errorf("harness.py up: %v\n%s", err, out)
	}
	b, err := os.ReadFile(state)
	if err != nil {
		return nil, err
	}
	var g struct {
		Servers map[string]map[string]any `json:"servers"`
		PKI     map[string]any            `json:"pki"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, err
	}
	return &Group{Dir: serversDir, State: state, Servers: g.Servers, PKI: g.PKI}, nil
}

// Down stops a group's servers by pid (`harness.py down`, at most 60 s).
func Down(serversDir, state string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_ = exec.CommandContext(ctx, "python3", filepath.Join(serversDir, "harness.py"), "down", "--state", state).Run()
}

// Field is a ready-file field of one server as text ("" if absent).
func (g *Group) Field(server, name string) string {
	v, ok := g.Servers[server][name]
	if !ok {
		return ""
	}
	return fmt.Sprint(v)
}

// Cert is a field of a certificate of the PKI manifest, e.g. Cert("client_rsa", "sha256_colon").
func (g *Group) Cert(name, field string) string {
	certs, _ := g.PKI["certs"].(map[string]any)
	c, _ := certs[name].(map[string]any)
	s, _ := c[field].(string)
	return s
}

// TLSClient is an HTTP client for a server of the test PKI that requires a client certificate.
func TLSClient(caFile, certFile, keyFile string) (*http.Client, error) {
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("no CA certificate in %s", caFile)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}}}, nil
}

// Control calls a /_control endpoint with net/http (independent of the library under test).
func Control(url, method, body string) ([]byte, error) {
	return ControlWith(&http.Client{Timeout: 10 * time.Second}, url, method, body)
}

// ControlWith is Control through client (e.g. TLSClient).
func ControlWith(client *http.Client, url, method, body string) ([]byte, error) {
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	return b, nil
}
