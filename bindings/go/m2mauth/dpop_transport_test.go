package m2mauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// rsnControl calls the DPoP resource server's /_control/<what> (GET for stats, POST otherwise).
func rsnControl(t *testing.T, what string) map[string]any {
	t.Helper()
	method := "POST"
	if what == "stats" {
		method = "GET"
	}
	out := map[string]any{}
	if err := json.Unmarshal(control(t, servers(t).field(t, "rsn", "control_url")+"/"+what, method, "{}"), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func rsnStat(t *testing.T, name string) int {
	t.Helper()
	return int(rsnControl(t, "stats")[name].(float64))
}

func TestTransportLearnsTheDPoPNonceAndRetriesOnce(t *testing.T) {
	s := servers(t)
	d, err := NewDPoP()
	if err != nil {
		t.Fatal(err)
	}
	client, err := NewTokenClient(TokenClientConfig{TokenURL: s.field(t, "oidc", "token_endpoint"), ClientID: "svc-basic",
		ClientSecret: clients(t).secret(t, "svc-basic"), DPoP: d})
	d.Close() // the client keeps the key; the Transport reads it from the manager
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	m := newManager(t, client, ManagerOptions{})
	hc := &http.Client{Transport: &Transport{Tokens: m}}
	url := s.field(t, "rsn", "api_url") + "/go-transport?x=1"
	send := func() (int, string) {
		t.Helper()
		r, err := hc.Post(url, "text/plain", strings.NewReader("replayed body"))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, r.Header.Get("WWW-Authenticate") + string(b)
	}
	rsnControl(t, "reset")
	defer rsnControl(t, "reset")
	if code, body := send(); code != 200 {
		t.Fatalf("first: %d %s", code, body)
	}
	if r, c := rsnStat(t, "requests"), rsnStat(t, "nonce_challenges"); r != 2 || c != 1 {
		t.Fatalf("one challenge, one retry: requests %d challenges %d", r, c)
	}
	if code, _ := send(); code != 200 || rsnStat(t, "requests") != 3 || rsnStat(t, "nonce_challenges") != 1 {
		t.Fatalf("the nonce was not remembered: %d", code)
	}
	rsnControl(t, "rotate_nonce")
	if code, _ := send(); code != 200 || rsnStat(t, "nonce_challenges") != 2 || rsnStat(t, "accepted") != 3 {
		t.Fatalf("rotated nonce: %d", code)
	}
	// A server that asks for a new nonce every time: a bounded failure, exactly two requests.
	rsnControl(t, "nonce_loop")
	before := rsnStat(t, "requests")
	code, body := send()
	if code != 401 || !strings.Contains(body, `error="use_dpop_nonce"`) {
		t.Fatalf("nonce loop: %d %s", code, body)
	}
	if n := rsnStat(t, "requests") - before; n != 2 {
		t.Fatalf("nonce loop: %d requests, want 2", n)
	}
}

func TestTokenManagerDPoPIsNilWithoutDPoP(t *testing.T) {
	client, err := NewTokenClient(TokenClientConfig{TokenURL: "http://127.0.0.1:9/token", ClientID: "c",
		ClientSecret: []byte("s")})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	m := newManager(t, client, ManagerOptions{})
	if d, err := m.DPoP(); d != nil || err != nil {
		t.Fatalf("%v %v", d, err)
	}
	m.Close()
	if _, err := m.DPoP(); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}

func TestDPoPObserveFollowsTheLibraryRule(t *testing.T) {
	d, err := NewDPoP()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	url := "https://rs.example/api/x"
	h := http.Header{}
	h.Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
	h.Set("DPoP-Nonce", "n-1")
	if retry, err := d.Observe(url, &Response{StatusCode: 401, Header: h}); err != nil || !retry {
		t.Fatalf("challenge: %v %v", retry, err)
	}
	proof, _ := d.Proof("GET", "https://rs.example/other", "", "")
	if !strings.Contains(decodePayload(t, proof), `"nonce":"n-1"`) {
		t.Fatal("the origin's nonce is not used")
	}
	h.Set("DPoP-Nonce", strings.Repeat("n", 2000)) // hostile: not kept, so no retry
	if retry, err := d.Observe("https://rs2.example/", &Response{StatusCode: 401, Header: h}); err != nil || retry {
		t.Fatalf("hostile nonce: %v %v", retry, err)
	}
	if _, err := d.Observe(url, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("nil response: %v", err)
	}
}

func decodePayload(t *testing.T, jws string) string {
	t.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
