package m2mauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// installKey replaces the key file atomically, as a rotation job would.
func installKey(t *testing.T, path string, k *Key) {
	t.Helper()
	pem, err := k.PrivatePEM(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".new", []byte(pem), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
}

func assertionKid(t *testing.T, assertion string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(assertion, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ Kid string }
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h.Kid
}

func TestKeySourceRotationSignsTheNextAssertionWithTheNewKid(t *testing.T) {
	var mu sync.Mutex
	var assertions []string
	h := must(NewCustomHTTP(func(req *Request) (*Response, error) {
		form, _ := url.ParseQuery(string(req.Body))
		mu.Lock()
		assertions = append(assertions, form.Get("client_assertion"))
		mu.Unlock()
		return &Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: []byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600}`)}, nil
	}))(t)
	defer h.Close()
	path := filepath.Join(t.TempDir(), "key.pem")
	a := must(GenerateEC("P-256"))(t)
	b := must(GenerateEd25519())(t)
	installKey(t, path, a)
	src, err := NewKeySource(path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	client := must(NewTokenClient(TokenClientConfig{TokenURL: "https://as.example/token", ClientID: "svc",
		AuthMethod: PrivateKeyJWT, KeySource: src, HTTP: h}))(t)
	defer client.Close()
	fetch := func() string {
		t.Helper()
		if _, err := client.Fetch(context.Background()); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return assertionKid(t, assertions[len(assertions)-1])
	}
	ta, tb := must(a.Thumbprint())(t), must(b.Thumbprint())(t)
	if kid := fetch(); kid != ta {
		t.Fatalf("first kid %s, want %s", kid, ta)
	}
	installKey(t, path, b)
	if kid := fetch(); kid != ta {
		t.Fatalf("before Reload: %s", kid)
	}
	if err := src.Reload(); err != nil {
		t.Fatal(err)
	}
	if kid := fetch(); kid != tb {
		t.Fatalf("after Reload: %s, want %s", kid, tb)
	}
	cur := must(src.Current())(t)
	defer cur.Close()
	if cur.KID() != tb {
		t.Fatalf("Current kid %s", cur.KID())
	}
	// A failed reload keeps the key; a public key is ErrNoPrivateKey.
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := src.Reload(); err == nil {
		t.Fatal("reload of garbage succeeded")
	}
	if kid := fetch(); kid != tb {
		t.Fatalf("after a failed reload: %s", kid)
	}
	pub := filepath.Join(t.TempDir(), "pub.pem")
	pk := must(a.Public())(t)
	os.WriteFile(pub, []byte(must(pk.PublicPEM())(t)), 0o600)
	if _, err := NewKeySource(pub, nil, 0); !errors.Is(err, ErrNoPrivateKey) {
		t.Fatalf("public key: %v", err)
	}
	src.Close()
	if err := src.Reload(); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}
