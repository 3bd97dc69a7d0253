package m2mauth

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestDPoPKeysAndProofs(t *testing.T) {
	d, err := NewDPoP()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	jkt, err := d.Thumbprint()
	if err != nil || len(jkt) != 43 {
		t.Fatalf("thumbprint %q %v", jkt, err)
	}
	jwk, _ := d.PublicJWK()
	if !strings.Contains(jwk, `"crv":"P-256"`) || strings.Contains(jwk, `"d"`) {
		t.Fatalf("jwk %s", jwk)
	}
	ed, _ := GenerateEd25519()
	defer ed.Close()
	de, err := NewDPoPWithKey(ed, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer de.Close()
	proof, err := de.Proof("GET", "https://Example.com:443/x?y#z", "tok", "n1")
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := ed.Public()
	defer pub.Close()
	payload, err := VerifyJWS(proof, pub, EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	_ = json.Unmarshal(payload, &claims)
	if claims["htu"] != "https://example.com/x" || claims["htm"] != "GET" || claims["nonce"] != "n1" || claims["ath"] == nil {
		t.Fatalf("claims %v", claims)
	}
	h, _ := GenerateHMAC(32)
	defer h.Close()
	if _, err := NewDPoPWithKey(h, 0); !errors.Is(err, ErrKeyType) {
		t.Fatalf("HMAC key: %v", err)
	}
	if _, err := NewDPoPWithKey(pub, 0); !errors.Is(err, ErrNoPrivateKey) {
		t.Fatalf("public key: %v", err)
	}
}

func TestDPoPManagerAgainstOIDCProviderAndResourceServer(t *testing.T) {
	s := servers(t)
	d, err := NewDPoP()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	client, err := NewTokenClient(TokenClientConfig{TokenURL: s.field(t, "oidc", "token_endpoint"), ClientID: "svc-basic",
		ClientSecret: clients(t).secret(t, "svc-basic"), DPoP: d})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	m := newManager(t, client, ManagerOptions{})
	tok, err := m.Token(context.Background())
	if err != nil || tok.TokenType != "DPoP" {
		t.Fatalf("%v %v", tok, err)
	}
	resp, err := m.Do(context.Background(), NewRequest("GET", s.field(t, "rsn", "api_url")+"/go", nil))
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(resp.Body), `"scheme": "DPoP"`) {
		t.Fatalf("%v %v %s", resp, err, resp.Body)
	}
	// net/http through Transport: a proof of the same key on every request (the nonce server accepts
	// it once it has the nonce, which the library's own request above taught the key).
	hc := &http.Client{Transport: &Transport{Tokens: m, DPoP: d}}
	r, err := hc.Get(s.field(t, "rsn", "api_url") + "/nethttp")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(body), `"scheme": "DPoP"`) {
		t.Fatalf("net/http: %d %s", r.StatusCode, body)
	}
	// The Transport takes the key from the manager: none needs to be given.
	r, err = (&http.Client{Transport: &Transport{Tokens: m}}).Get(s.field(t, "rsn", "api_url") + "/x")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 200 {
		t.Fatalf("Transport without DPoP field: %d", r.StatusCode)
	}
	got, err := m.DPoP()
	if err != nil || got == nil {
		t.Fatalf("TokenManager.DPoP: %v %v", got, err)
	}
	defer got.Close()
	if a, _ := got.Thumbprint(); a != mustThumbprint(t, d) {
		t.Fatalf("the manager's key is not the client's: %s", a)
	}
}

func mustThumbprint(t *testing.T, d *DPoP) string {
	t.Helper()
	jkt, err := d.Thumbprint()
	if err != nil {
		t.Fatal(err)
	}
	return jkt
}
