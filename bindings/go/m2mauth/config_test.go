package m2mauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// echoedHeader is a request header as the fault server's /echo saw it.
func echoedHeader(t testing.TB, r *Response, name string) string {
	t.Helper()
	var echo struct {
		Headers map[string]string `json:"headers"`
	}
	if err := json.Unmarshal(r.Body, &echo); err != nil {
		t.Fatalf("echo: %v %s", err, r.Body)
	}
	return echo.Headers[name]
}

func TestConfigFromFile(t *testing.T) {
	s, controlURL := faultServer(t)
	const distinctive = "Zq9-go-distinctive-secret"
	dir := t.TempDir()
	secret := string(clients(t).secret(t, "svc-basic"))
	secretFile := writeFile(t, dir, "secret", secret+"\n")
	path := writeFile(t, dir, "service.json", fmt.Sprintf(`{
		"_comment": "a configuration file as an operator writes it",
		"http": {"timeout_ms": 10000, "client_key_passphrase": %q, "client_cert": "/nonexistent/c.pem"},
		"oauth2": {"token_url": %q, "client_id": "svc-basic", "client_secret_file": %q, "scope": "api.read",
		           "resource": ["https://rs.example/a", "https://rs.example/b"]}}`,
		distinctive, s.field(t, "fault", "token_endpoint"), secretFile))
	cfg, err := LoadConfig(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()

	for name, want := range map[string]string{"oauth2.client_id": "svc-basic", "oauth2.scope": "api.read",
		"http.timeout_ms": "10000", "oauth2.client_secret_file": secretFile,
		"oauth2.resource": `["https://rs.example/a","https://rs.example/b"]`} {
		if got, err := cfg.Get(name); err != nil || got != want {
			t.Errorf("Get(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := cfg.Get("oauth2.client_secret"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("a secret through Get: %v", err)
	}
	if _, err := cfg.Get("oauth2.audience"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unset key: %v", err)
	}
	if _, err := cfg.Get("oauth2.bogus"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("an unknown key: %v", err)
	}
	if !cfg.Has("oauth2") || !cfg.Has("oauth2.scope") || cfg.Has("senhasegura") || cfg.Has("oauth2.audience") {
		t.Error("Has")
	}
	d, err := cfg.Describe()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d, distinctive) || strings.Contains(d, secret) || !strings.Contains(d, `"<redacted>"`) ||
		!strings.Contains(d, path) {
		t.Errorf("Describe: %s", d)
	}
	if str := fmt.Sprintf("%v %+v", cfg, cfg); strings.Contains(str, distinctive) || str != "Config(http, oauth2) Config(http, oauth2)" {
		t.Errorf("String: %s", str)
	}

	// The builders: a token client, and a manager that calls an API.
	plainCfg, _ := ConfigFromJSON([]byte(fmt.Sprintf(`{"oauth2": {"token_url": %q, "client_id": "svc-basic",
		"client_secret": %q, "scope": "api.read"}}`, s.field(t, "fault", "token_endpoint"), secret)), false)
	defer plainCfg.Close()
	h, err := plainCfg.NewHTTP()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	client, err := plainCfg.NewTokenClient(h)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := client.Fetch(context.Background())
	if err != nil || tok.AccessToken == "" || client.String() != "TokenClient(svc-basic)" {
		t.Fatalf("Fetch: %v %v %s", tok, err, client)
	}
	client.Close()
	var mu sync.Mutex
	var events []TokenEvent
	manager, err := plainCfg.NewTokenManager(nil, func(ev TokenEvent) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		resp, err := manager.Do(context.Background(), NewRequest("GET", s.field(t, "fault", "api_url")+"/accounts", nil))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("Do: %v %v", resp, err)
		}
	}
	manager.Close()
	if n := faultStat(t, controlURL, "token_requests"); n != 2 { // Fetch, then the manager's one
		t.Errorf("token_requests = %d", n)
	}
	mu.Lock()
	if len(events) == 0 || events[0].Kind != EventFetched || events[0].ClientID != "svc-basic" {
		t.Errorf("events: %v", events)
	}
	mu.Unlock()
}

func TestConfigFromEnvironment(t *testing.T) {
	s, _ := faultServer(t)
	secret := string(clients(t).secret(t, "svc-post"))
	dir := t.TempDir()
	file := writeFile(t, dir, "base.json", fmt.Sprintf(`{"oauth2": {"token_url": %q, "client_id": "file-id",
		"auth_method": "client_secret_post", "scope": "api.read"}}`, s.field(t, "fault", "token_endpoint")))
	// The environment overrides the file key by key; the secret comes from another variable.
	t.Setenv("M2MAUTH_CONFIG", file)
	t.Setenv("M2MAUTH_OAUTH2_CLIENT_ID", "svc-post")
	t.Setenv("M2MAUTH_OAUTH2_SCOPE", "api.write")
	t.Setenv("M2MAUTH_OAUTH2_CLIENT_SECRET_ENV", "GO_TEST_OAUTH2_SECRET")
	t.Setenv("GO_TEST_OAUTH2_SECRET", secret)
	cfg, err := ConfigFromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	if id, _ := cfg.Get("oauth2.client_id"); id != "svc-post" {
		t.Errorf("client_id %q", id)
	}
	if scope, _ := cfg.Get("oauth2.scope"); scope != "api.write" {
		t.Errorf("scope %q", scope)
	}
	if v, _ := cfg.Get("oauth2.client_secret_env"); v != "GO_TEST_OAUTH2_SECRET" {
		t.Errorf("client_secret_env %q", v)
	}
	d, _ := cfg.Describe()
	if strings.Contains(d, secret) || !strings.Contains(d, "M2MAUTH_OAUTH2_SCOPE") || !strings.Contains(d, file) {
		t.Errorf("Describe: %s", d)
	}
	m, err := cfg.NewTokenManager(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tok, err := m.Token(context.Background())
	if err != nil || tok.Scope != "api.write" {
		t.Fatalf("token from the environment's configuration: %v %v", tok, err)
	}
	// Without useEnv, only the file.
	fileOnly, err := LoadConfig(file, false)
	if err != nil {
		t.Fatal(err)
	}
	defer fileOnly.Close()
	if id, _ := fileOnly.Get("oauth2.client_id"); id != "file-id" {
		t.Errorf("file only: %q", id)
	}
	// A typo in a variable name is an error naming it, not a setting silently ignored.
	t.Setenv("M2MAUTH_OAUTH2_CLIENT_SECRETT", "x")
	if _, err := ConfigFromEnvironment(); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "M2MAUTH_OAUTH2_CLIENT_SECRETT") {
		t.Errorf("misspelt variable: %v", err)
	}
}

func TestConfigBMPProfile(t *testing.T) {
	s := servers(t)
	keyFile, _ := filepath.Abs(filepath.Join(serversDir(), clients(t).OAuth2.Clients["svc-moneyp"].PrivateKey))
	tokenURL := s.field(t, "oidc", "token_endpoint")
	cfg, err := ConfigFromJSON([]byte(fmt.Sprintf(`{"http": {"timeout_ms": 15000}, "oauth2": {"profile": "bmp",
		"token_url": %q, "client_id": "svc-moneyp", "private_key_file": %q, "scope": "api.read"}}`, tokenURL, keyFile)), false)
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	d, _ := cfg.Describe()
	if !strings.Contains(d, `"auth_method":"private_key_jwt"`) || !strings.Contains(d, `"idempotency_header":"IdempotencyKey"`) ||
		strings.Contains(d, "PRIVATE KEY") {
		t.Errorf("bmp presets: %s", d)
	}
	m, err := cfg.NewTokenManager(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tok, err := m.Token(context.Background())
	if err != nil || tok.AccessToken == "" || tok.Scope != "api.read" {
		t.Fatalf("oidc-provider svc-moneyp: %v %v", tok, err)
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for i := 0; i < 2; i++ {
		r, err := m.Do(context.Background(), NewRequest("POST", s.field(t, "fault", "echo_url")+"/bmp/pix", []byte(`{}`)))
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("API call: %v %v", r, err)
		}
		key := echoedHeader(t, r, "IdempotencyKey")
		if !uuid.MatchString(key) || seen[key] {
			t.Errorf("IdempotencyKey %q", key)
		}
		seen[key] = true
		if a := echoedHeader(t, r, "Authorization"); a != "Bearer "+tok.AccessToken {
			t.Errorf("Authorization not the manager's token")
		}
	}
	// The 300-character scope limit is enforced when the configuration is loaded.
	_, err = ConfigFromJSON([]byte(fmt.Sprintf(`{"oauth2": {"profile": "bmp", "token_url": %q, "client_id": "svc-moneyp",
		"private_key_file": %q, "scope": %q}}`, tokenURL, keyFile, strings.Repeat("a", 301))), false)
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "at most 300") {
		t.Errorf("301-character scope: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for doc, want := range map[string]string{
		`{"oauth2": {"client_idd": "x"}}`:       "client_idd",
		`{"http": {"timeout_ms": "ten"}}`:       "timeout_ms",
		`{"bogus": {}}`:                         "bogus",
		`{"senhasegura": {"auth_method": "x"}}`: "auth_method",
		`not json`:                              "",
	} {
		_, err := ConfigFromJSON([]byte(doc), false)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", doc, err)
		}
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "missing.json"), false); !errors.Is(err, ErrIO) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ConfigFromJSON([]byte("{\"a\x00\": 1}"), false); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("NUL: %v", err)
	}
	if _, err := ConfigFromJSON(nil, false); !errors.Is(err, ErrConfig) {
		t.Errorf("no text: %v", err)
	}
	// Builders refuse incomplete sections.
	empty, err := ConfigFromJSON([]byte(`{}`), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := empty.NewTokenManager(nil, nil); !errors.Is(err, ErrConfig) {
		t.Errorf("no oauth2 section: %v", err)
	}
	h, err := empty.NewHTTP()
	if err != nil {
		t.Fatal(err)
	}
	h.Close()
	empty.Close()
	empty.Close()
	if _, err := empty.Describe(); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if _, err := empty.NewHTTP(); !errors.Is(err, ErrClosed) || empty.Has("oauth2") || empty.String() != "Config(closed)" {
		t.Errorf("after Close: %v", err)
	}
	var nilConfig *Config
	if _, err := nilConfig.NewTokenClient(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("nil config: %v", err)
	}
}
