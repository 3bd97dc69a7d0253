package m2mauth

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"
)

// The transport's TLS options crossing into the library: the fault server over HTTPS requires a client
// certificate from the test PKI's CA and echoes the one it got.
func TestHTTPMutualTLSOptions(t *testing.T) {
	s := servers(t)
	if s.pki == nil {
		t.Fatal("no test PKI")
	}
	echo := s.field(t, "tls", "echo_url") + "/mtls"
	client := s.pki.Certs["client_rsa"]
	fingerprint := func(opts HTTPOptions) (string, error) {
		opts.Timeout = Ptr(10 * time.Second)
		h, err := NewHTTP(opts)
		if err != nil {
			return "", err
		}
		defer h.Close()
		resp, err := h.Send(context.Background(), NewRequest("GET", echo, nil))
		if err != nil {
			return "", err
		}
		var e struct {
			SHA256 string `json:"tls_client_cert_sha256"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(resp.Body, &e) != nil {
			t.Fatalf("%v %s", resp, resp.Body)
		}
		return e.SHA256, nil
	}
	// Certificate and key as file paths.
	if fp, err := fingerprint(HTTPOptions{CAFile: s.pki.CABundle, ClientCert: client.Cert, ClientKey: client.Key}); err != nil || fp != client.SHA256 {
		t.Fatalf("PEM files: %q %v", fp, err)
	}
	// The same as PEM text.
	certPEM, _ := os.ReadFile(client.Cert)
	keyPEM, _ := os.ReadFile(client.Key)
	if fp, err := fingerprint(HTTPOptions{CAFile: s.pki.CABundle, ClientCert: string(certPEM), ClientKey: string(keyPEM)}); err != nil || fp != client.SHA256 {
		t.Fatalf("PEM text: %q %v", fp, err)
	}
	// PKCS#12 with its password.
	p12 := s.pki.Certs[s.pki.ClientP12.Cert]
	if fp, err := fingerprint(HTTPOptions{CAFile: s.pki.CABundle, ClientCert: s.pki.ClientP12.Path, PKCS12: true,
		ClientKeyPassphrase: []byte(s.pki.ClientP12.Password)}); err != nil || fp != p12.SHA256 {
		t.Fatalf("PKCS#12: %q %v", fp, err)
	}
	// A wrong PKCS#12 password, no client certificate, an untrusted server: errors, no crash.
	if _, err := fingerprint(HTTPOptions{CAFile: s.pki.CABundle, ClientCert: s.pki.ClientP12.Path, PKCS12: true,
		ClientKeyPassphrase: []byte("wrong")}); err == nil {
		t.Fatal("wrong PKCS#12 password accepted")
	}
	if _, err := fingerprint(HTTPOptions{CAFile: s.pki.CABundle}); err == nil {
		t.Fatal("no client certificate accepted")
	}
	if _, err := fingerprint(HTTPOptions{ClientCert: client.Cert, ClientKey: client.Key}); !errors.Is(err, ErrTLS) {
		t.Fatalf("server from an unknown CA: %v", err)
	}
	// Tests only: no verification of the server, the client certificate still sent.
	if fp, err := fingerprint(HTTPOptions{InsecureSkipVerify: true, ClientCert: client.Cert, ClientKey: client.Key}); err != nil || fp != client.SHA256 {
		t.Fatalf("insecure: %q %v", fp, err)
	}
}
