package m2mauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exchangeServer starts the strict RFC 8693 loopback server (tests/servers/exchange_server.py) for one test.
func exchangeServer(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	state := filepath.Join(dir, "servers.json")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "python3", filepath.Join(serversDir(), "harness.py"), "up", "--state",
		state, "exchange", "--opt", "exchange.public_client=pub-x").CombinedOutput()
	if err != nil {
		t.Fatalf("harness.py up: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		_ = exec.CommandContext(ctx, "python3", filepath.Join(serversDir(), "harness.py"), "down", "--state", state).Run()
	})
	var st struct {
		Servers map[string]map[string]any `json:"servers"`
	}
	b, _ := os.ReadFile(state)
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(st.Servers["exchange"]["url"])
}

type exchangeRecord struct {
	Form [][2]string `json:"form"`
	Auth string      `json:"auth"`
}

func lastExchange(t *testing.T, url string) exchangeRecord {
	var recs []exchangeRecord
	if err := json.Unmarshal(control(t, url+"/exchanges", "GET", ""), &recs); err != nil || len(recs) == 0 {
		t.Fatalf("exchanges: %v", err)
	}
	return recs[len(recs)-1]
}

func exchangeCount(t *testing.T, url string) int {
	var c struct{ Count int }
	_ = json.Unmarshal(control(t, url+"/count", "GET", ""), &c)
	return c.Count
}

func exchangeClient(t *testing.T, url, id string, auth ClientAuth) *TokenClient {
	cfg := TokenClientConfig{TokenURL: url + "/token", ClientID: id, AuthMethod: auth}
	switch auth {
	case ClientSecretBasic, ClientSecretPost, ClientSecretJWT:
		cfg.ClientSecret = clients(t).secret(t, id)
	case PrivateKeyJWT:
		k, err := KeyFromFile(filepath.Join(serversDir(), "keys", "rsa2048.pem"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { k.Close() })
		cfg.PrivateKey = k
	}
	c, err := NewTokenClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestExchangeEveryParameterAndMethod(t *testing.T) {
	url := exchangeServer(t)
	ctx := context.Background()
	c := exchangeClient(t, url, "svc-basic", ClientSecretBasic)
	x := TokenExchange{SubjectToken: "go-subject", SubjectTokenType: TokenTypeAccessToken, ActorToken: "go-actor",
		ActorTokenType: TokenTypeJWT, RequestedTokenType: TokenTypeAccessToken, Audiences: []string{"a", "b"},
		Resources: []string{"https://api.example/r"}, Scope: "api.read"}
	if s := fmt.Sprintf("%v %#v", x, x); strings.Contains(s, "go-subject") || strings.Contains(s, "go-actor") {
		t.Fatalf("a token in %q", s)
	}
	tok, err := c.Exchange(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if tok.IssuedTokenType != TokenTypeAccessToken || tok.TokenType != "Bearer" || tok.Scope != "api.read" {
		t.Fatalf("token %v", tok)
	}
	if s := fmt.Sprintf("%v %+v", tok, tok); strings.Contains(s, tok.AccessToken) {
		t.Fatal("the access token is printed")
	}
	got := lastExchange(t, url).Form
	want := [][2]string{{"grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"}, {"subject_token", "go-subject"},
		{"subject_token_type", TokenTypeAccessToken}, {"actor_token", "go-actor"}, {"actor_token_type", TokenTypeJWT},
		{"requested_token_type", TokenTypeAccessToken}, {"audience", "a"}, {"audience", "b"},
		{"resource", "https://api.example/r"}, {"scope", "api.read"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("form %v, want %v", got, want)
	}
	for id, auth := range map[string]ClientAuth{"svc-post": ClientSecretPost, "svc-jwt": ClientSecretJWT,
		"svc-rs256": PrivateKeyJWT, "pub-x": AuthNone} {
		c := exchangeClient(t, url, id, auth)
		if _, err := c.Exchange(ctx, TokenExchange{SubjectToken: "s-" + id, SubjectTokenType: TokenTypeAccessToken}); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if a := lastExchange(t, url).Auth; a != auth.String() {
			t.Fatalf("%s: server saw %s", id, a)
		}
	}
}

func TestExchangeManagerCacheAndErrors(t *testing.T) {
	url := exchangeServer(t)
	ctx := context.Background()
	control(t, url+"/reset", "POST", "")
	c := exchangeClient(t, url, "svc-basic", ClientSecretBasic)
	m, err := NewTokenManager(c, ManagerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	x := TokenExchange{SubjectToken: "go-cached-subject", SubjectTokenType: TokenTypeAccessToken, Audiences: []string{"a"}}
	a, err := m.Exchange(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Exchange(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessToken != b.AccessToken || exchangeCount(t, url) != 1 {
		t.Fatalf("not cached: %d requests", exchangeCount(t, url))
	}
	x.SubjectToken = "another-subject"
	if _, err := m.Exchange(ctx, x); err != nil || exchangeCount(t, url) != 2 {
		t.Fatalf("another subject: %v, %d requests", err, exchangeCount(t, url))
	}

	var e *Error
	_, err = c.Exchange(ctx, TokenExchange{SubjectToken: "s", SubjectTokenType: TokenTypeAccessToken,
		Audiences: []string{"fault:invalid-target"}})
	if !errors.As(err, &e) || e.OAuthError != "invalid_target" {
		t.Fatalf("invalid_target: %v", err)
	}
	_, err = c.Exchange(ctx, TokenExchange{SubjectToken: "s", SubjectTokenType: TokenTypeAccessToken,
		Audiences: []string{"fault:missing-issued-type"}})
	if !errors.As(err, &e) || e.Name != "protocol" {
		t.Fatalf("missing issued_token_type: %v", err)
	}
	secret := "ST-go-very-secret-0123456789"
	_, err = c.Exchange(ctx, TokenExchange{SubjectToken: secret, SubjectTokenType: TokenTypeAccessToken,
		Audiences: []string{"fault:echo-subject"}})
	if !errors.As(err, &e) || e.OAuthError != "invalid_grant" || strings.Contains(e.OAuthErrorDescription, secret) ||
		strings.Contains(err.Error(), secret) {
		t.Fatalf("echoed subject: %v", err)
	}
	_, err = c.Exchange(ctx, TokenExchange{SubjectToken: secret, SubjectTokenType: "not a uri"})
	if !errors.As(err, &e) || e.Name != "invalid_argument" || strings.Contains(err.Error(), secret) {
		t.Fatalf("bad type: %v", err)
	}
	_, err = c.Exchange(ctx, TokenExchange{SubjectToken: "s", SubjectTokenType: TokenTypeAccessToken, ActorToken: "a"})
	if err == nil {
		t.Fatal("actor token without type accepted")
	}
	tok, err := c.Exchange(ctx, TokenExchange{SubjectToken: "s", SubjectTokenType: TokenTypeAccessToken,
		RequestedTokenType: TokenTypeIDToken})
	if err != nil || tok.TokenType != "N_A" || tok.IssuedTokenType != TokenTypeIDToken {
		t.Fatalf("N_A: %v %v", tok, err)
	}
}
