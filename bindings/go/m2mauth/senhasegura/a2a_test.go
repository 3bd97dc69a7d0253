package senhasegura

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

func newHTTP(t testing.TB, opts m2mauth.HTTPOptions) *m2mauth.HTTP {
	t.Helper()
	if opts.Timeout == nil {
		opts.Timeout = m2mauth.Ptr(10 * time.Second)
	}
	h, err := m2mauth.NewHTTP(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// client makes a client of baseURL with one of the three methods and the first credentials of
// clients.json.
func client(t testing.TB, baseURL string, auth AuthMethod, h *m2mauth.HTTP) *Client {
	t.Helper()
	cred := credentials(t)
	cfg := Config{BaseURL: baseURL, Auth: auth, HTTP: h}
	if auth == OAuth2 {
		cfg.ClientID = cred.OAuth2[0].ClientID
		cfg.ClientSecret = []byte(cred.OAuth2[0].ClientSecret)
	} else {
		o := cred.OAuth1[0]
		cfg.ConsumerKey, cfg.Token = o.ConsumerKey, []byte(o.Token)
		if auth == OAuth1 {
			cfg.ConsumerSecret, cfg.TokenSecret = []byte(o.ConsumerSecret), []byte(o.TokenSecret)
		}
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func vendorError(t testing.TB, err error) *m2mauth.Error {
	t.Helper()
	var e *m2mauth.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *m2mauth.Error, got %v", err)
	}
	return e
}

func TestThreeMethods(t *testing.T) {
	s := servers(t)
	ctx := context.Background()
	for _, auth := range []AuthMethod{OAuth2, OAuth1, QueryToken} {
		t.Run(auth.String(), func(t *testing.T) {
			base := s.fresh(t, "a2a")
			c := client(t, base, auth, nil)
			cred, err := c.Credential(ctx, "credential_5@destktop-91.com")
			if err != nil {
				t.Fatal(err)
			}
			defer cred.Wipe()
			if string(cred.Password) != "secret@2504" || cred.Username != "credential_5" ||
				cred.Hostname != "destktop-91.com" || cred.ID != "5" || cred.Port != "22" {
				t.Fatalf("credential: %+v %q", cred, string(cred.Password))
			}
			if _, ok := cred.Fields["password"]; ok || cred.Fields["model"] != "Ubuntu" {
				t.Fatalf("Fields must hold the non-secret members only: %v", cred.Fields)
			}
			info, err := c.Info(ctx, "10")
			if err != nil || string(info.Content) != "pk_test_51M2mAuTh+/=" || info.Name != "Payment API key" {
				t.Fatalf("info: %v %v", info, err)
			}
			key, err := c.SSHKey(ctx, "7")
			if err != nil || !strings.HasPrefix(string(key.PrivateKey), "-----BEGIN OPENSSH PRIVATE KEY-----") ||
				!strings.HasPrefix(key.PublicKey, "ssh-ed25519 ") || key.Username != "deploy" {
				t.Fatalf("ssh key: %v %v", key, err)
			}
			app, err := c.DSMApplication(ctx)
			if err != nil || app.Name != "m2mauth-demo" || len(app.Secrets) != 1 {
				t.Fatalf("application: %v %v", app, err)
			}
			if v, ok := app.Secrets[0].Value("DB_PASSWORD"); !ok || string(v) != "dsm-s3cret" {
				t.Fatalf("DSM value: %v", app.Secrets[0])
			}
			device, err := c.Call(ctx, "GET", "pam/device/1", nil)
			if err != nil || device["device"].(map[string]any)["hostname"] != "destktop-91.com" {
				t.Fatalf("device: %v %v", device, err)
			}
			created, err := c.Call(ctx, "POST", "pam/info", map[string]any{"content": "go secret & more", "name": "x"})
			if err != nil || created["response"].(map[string]any)["status"] != float64(201) {
				t.Fatalf("POST: %v %v", created, err)
			}
			st := s.stats(t, "a2a")
			if n := stat(st, "requests", auth.String()); n != 6 {
				t.Fatalf("requests.%s = %d, want 6 (stats %v)", auth, n, st["requests"])
			}
			if auth == OAuth2 && stat(st, "token_requests") != 1 {
				t.Fatalf("one token for six calls: %v", st["token_requests"])
			}
		})
	}
}

func TestSpecialClientBasicAndBody(t *testing.T) {
	s := servers(t)
	special := credentials(t).OAuth2[1]
	if !strings.ContainsAny(special.ClientSecret, ":+%& ") || !strings.Contains(special.ClientID, " ") {
		t.Fatal("clients.json: the special client lost its special characters")
	}
	for _, body := range []bool{false, true} {
		base := s.fresh(t, "a2a")
		c, err := NewClient(Config{BaseURL: base, ClientID: special.ClientID, ClientSecret: []byte(special.ClientSecret),
			BodyCredentials: body, Tenant: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			cred, err := c.Credential(context.Background(), "6")
			if err != nil {
				t.Fatalf("body=%v: %v", body, err)
			}
			if string(cred.Password) != "Db!p@ss+6 %20&x=é" || cred.Username != "dbadmin" {
				t.Fatalf("credential 6: %v", cred)
			}
			cred.Wipe()
		}
		c.Close()
		st := s.stats(t, "a2a")
		method := "basic"
		if body {
			method = "body"
		}
		if stat(st, "token_requests") != 1 || stat(st, "token_auth", method) != 1 || st["last_tenant"] != "acme" {
			t.Fatalf("body=%v: stats %v", body, st)
		}
	}
}

func TestVendorErrorsWithoutSecrets(t *testing.T) {
	s := servers(t)
	base := s.fresh(t, "a2a")
	cred := credentials(t)
	c := client(t, base, OAuth2, nil)
	ctx := context.Background()
	cases := []struct {
		path string
		code int64
	}{{"pam/device/3", 1011}, {"pam/info/77", 1023}, {"pam/info/1024", 1024}, {"pam/info/1026", 1026},
		{"pam/credential/404", 1010}, {"pam/key/0", 1030}}
	for _, tc := range cases {
		_, err := c.Call(ctx, "GET", tc.path, nil)
		e := vendorError(t, err)
		if !errors.Is(err, m2mauth.ErrVendor) || e.VendorCode != tc.code || e.HTTPStatus != 400 || e.Transient() {
			t.Errorf("%s: %#v", tc.path, e)
		}
		if !strings.Contains(e.Message, fmt.Sprintf("%d:", tc.code)) {
			t.Errorf("%s: message %q lacks the vendor's text", tc.path, e.Message)
		}
		for _, secret := range cred.secrets() {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: a secret in %q", tc.path, err)
			}
		}
	}
	if _, err := c.Info(ctx, "1024"); vendorError(t, err).VendorCode != 1024 {
		t.Errorf("typed call: %v", err)
	}
	if _, err := c.Credential(ctx, "0"); vendorError(t, err).VendorCode != 1010 {
		t.Errorf("typed call: %v", err)
	}

	// Wrong credentials: 401 for the query method, invalid_client from the token endpoint.
	q, err := NewClient(Config{BaseURL: base, Auth: QueryToken, ConsumerKey: cred.OAuth1[0].ConsumerKey,
		Token: []byte("not-the-token-4242")})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	_, err = q.Info(ctx, "10")
	if e := vendorError(t, err); !errors.Is(err, m2mauth.ErrUnauthorized) || e.HTTPStatus != 401 ||
		strings.Contains(err.Error(), "not-the-token-4242") {
		t.Errorf("query with a wrong token: %v", err)
	}
	o, err := NewClient(Config{BaseURL: base, ClientID: cred.OAuth2[0].ClientID, ClientSecret: []byte("wrong-secret-9876"),
		BodyCredentials: true})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	_, err = o.Info(ctx, "10")
	if e := vendorError(t, err); !errors.Is(err, m2mauth.ErrOAuth) || e.OAuthError != "invalid_client" ||
		strings.Contains(err.Error(), "wrong-secret-9876") {
		t.Errorf("OAuth 2.0 with a wrong secret: %v", err)
	}
}

func TestEncryptedResponses(t *testing.T) {
	s := servers(t)
	base := s.fresh(t, "a2a_enc")
	keyPath := filepath.Join(serversDir, credentials(t).EncryptionPrivateKey)
	key, err := m2mauth.KeyFromFile(keyPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Without the key: ciphertext as sent.
	plain := client(t, base, QueryToken, nil)
	cipher, err := plain.Credential(ctx, "5")
	if err != nil || len(cipher.Password) < 300 || string(cipher.Password) == "secret@2504" {
		t.Fatalf("encrypted password: %v %v", cipher, err)
	}

	cred := credentials(t).OAuth1[0]
	c, err := NewClient(Config{BaseURL: base, Auth: QueryToken, ConsumerKey: cred.ConsumerKey, Token: []byte(cred.Token),
		DecryptionKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	key.Close() // the client keeps its own reference
	got, err := c.Credential(ctx, "5")
	if err != nil || string(got.Password) != "secret@2504" || string(got.Content) != "secret@2504" {
		t.Fatalf("decrypted credential 5: %v %v", got, err)
	}
	got6, err := c.Credential(ctx, "dbadmin@db01.example.test")
	if err != nil || string(got6.Password) != "Db!p@ss+6 %20&x=é" {
		t.Fatalf("decrypted credential 6 (UTF-8): %v %v", got6, err)
	}
	info, err := c.Info(ctx, "10")
	if err != nil || string(info.Content) != "pk_test_51M2mAuTh+/=" {
		t.Fatalf("decrypted info: %v %v", info, err)
	}
	// The SSH key is longer than one RSA-OAEP block (214 bytes): several blocks, decrypted one by one.
	sk, err := c.SSHKey(ctx, "7")
	if err != nil {
		t.Fatal(err)
	}
	pk := string(sk.PrivateKey)
	if len(pk) <= 214 || !strings.HasPrefix(pk, "-----BEGIN OPENSSH PRIVATE KEY-----") ||
		!strings.HasSuffix(strings.TrimSpace(pk), "-----END OPENSSH PRIVATE KEY-----") {
		t.Fatalf("decrypted SSH key (%d bytes): %.40q...", len(pk), pk)
	}
	app, err := c.DSMApplication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := app.Secrets[0].Value("DB_PASSWORD"); string(v) != "dsm-s3cret" {
		t.Fatalf("decrypted DSM value: %v", app.Secrets[0])
	}
	// NoDecrypt, then the helper.
	doc, err := c.Call(ctx, "GET", "pam/info/10", nil, NoDecrypt())
	if err != nil {
		t.Fatal(err)
	}
	ct := doc["info"].(map[string]any)["content"].(string)
	dkey, _ := m2mauth.KeyFromFile(keyPath, nil)
	defer dkey.Close()
	pt, err := Decrypt(dkey, ct)
	if err != nil || string(pt) != "pk_test_51M2mAuTh+/=" {
		t.Fatalf("Decrypt: %q %v", pt, err)
	}
	if _, err := Decrypt(dkey, "not base64!"); !errors.Is(err, m2mauth.ErrProtocol) {
		t.Fatalf("Decrypt of garbage: %v", err)
	}
	decrypted, err := c.Call(ctx, "GET", "pam/info/10", nil)
	if err != nil || decrypted["info"].(map[string]any)["content"] != "pk_test_51M2mAuTh+/=" {
		t.Fatalf("Call decrypts: %v %v", decrypted, err)
	}
	// A public key cannot decrypt.
	pub, _ := dkey.Public()
	defer pub.Close()
	if _, err := NewClient(Config{BaseURL: base, Auth: QueryToken, ConsumerKey: cred.ConsumerKey, Token: []byte(cred.Token),
		DecryptionKey: pub}); !errors.Is(err, m2mauth.ErrNoPrivateKey) {
		t.Fatalf("public decryption key: %v", err)
	}
}

func TestHTTPSClientCertificates(t *testing.T) {
	s := servers(t)
	base := s.fresh(t, "a2a_tls")
	ca := s.plain.PKI["ca_bundle"].(string)
	rsaCert, rsaKey := s.plain.Cert("client_rsa", "cert"), s.plain.Cert("client_rsa", "key")

	// The fingerprints the library computes are the ones pki.py wrote (and the server registered).
	cert, err := m2mauth.CertificateFromFile(rsaCert)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := CertFingerprints(cert)
	cert.Close()
	want := Fingerprints{s.plain.Cert("client_rsa", "sha256"), s.plain.Cert("client_rsa", "sha256_colon"),
		s.plain.Cert("client_rsa", "sha1"), s.plain.Cert("client_rsa", "sha1_colon")}
	if err != nil || fp != want {
		t.Fatalf("fingerprints %+v, want %+v (%v)", fp, want, err)
	}

	registered := newHTTP(t, m2mauth.HTTPOptions{CAFile: ca, ClientCert: rsaCert, ClientKey: rsaKey})
	c := client(t, base, OAuth2, registered)
	cred, err := c.Credential(context.Background(), "5")
	if err != nil || string(cred.Password) != "secret@2504" {
		t.Fatalf("registered certificate: %v %v", cred, err)
	}

	// A certificate from the same CA whose fingerprint is not registered: 403 with the envelope.
	forbidden := stat(s.stats(t, "a2a_tls"), "forbidden")
	other := newHTTP(t, m2mauth.HTTPOptions{CAFile: ca, ClientCert: s.plain.Cert("client_ec", "cert"),
		ClientKey: s.plain.Cert("client_ec", "key")})
	for _, auth := range []AuthMethod{OAuth2, QueryToken} {
		_, err = client(t, base, auth, other).Credential(context.Background(), "5")
		e := vendorError(t, err)
		if !errors.Is(err, m2mauth.ErrVendor) || e.HTTPStatus != 403 || e.VendorCode != 403 {
			t.Fatalf("%s, unregistered certificate: %#v", auth, e)
		}
	}
	if n := stat(s.stats(t, "a2a_tls"), "forbidden"); n != forbidden+2 {
		t.Fatalf("forbidden %d, want %d", n, forbidden+2)
	}
	// No certificate at all: the TLS handshake fails.
	_, err = client(t, base, QueryToken, newHTTP(t, m2mauth.HTTPOptions{CAFile: ca})).Credential(context.Background(), "5")
	if !errors.Is(err, m2mauth.ErrTLS) && !errors.Is(err, m2mauth.ErrNetwork) {
		t.Fatalf("no client certificate: %v", err)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	s := servers(t)
	c := client(t, s.fresh(t, "a2a"), OAuth2, nil)
	ctx := context.Background()
	cred, err := c.Credential(ctx, "6")
	if err != nil {
		t.Fatal(err)
	}
	key, err := c.SSHKey(ctx, "7")
	if err != nil {
		t.Fatal(err)
	}
	app, err := c.DSMApplication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(ctx, "10")
	if err != nil {
		t.Fatal(err)
	}
	shown := fmt.Sprintf("%v %+v %#v %s %v %+v %#v %v %+v %#v %v %+v %#v %x %q %v %v", cred, cred, cred, cred.Password,
		*key, key, *key, *app, app.Secrets[0], app.Secrets, info, *info, info, cred.Password, key.PrivateKey, c,
		Config{ClientSecret: []byte("Zq9-config-secret"), Token: []byte("Zq9-config-token")})
	for _, secret := range []string{"Db!p@ss", "PRIVATE KEY", "dsm-s3cret", "pk_test_51M2mAuTh", "Zq9-config"} {
		if strings.Contains(shown, secret) {
			t.Errorf("%q printed: %s", secret, shown)
		}
	}
	for _, secret := range credentials(t).secrets() {
		if strings.Contains(shown, secret) {
			t.Errorf("client secret printed: %s", shown)
		}
	}
	cred.Wipe()
	if strings.Trim(string(cred.Password), "\x00") != "" {
		t.Errorf("Wipe left %q", cred.Password)
	}
}

func TestUseAfterCloseAndBadArguments(t *testing.T) {
	s := servers(t)
	base := s.fresh(t, "a2a")
	cred := credentials(t)
	ctx := context.Background()
	for _, cfg := range []Config{
		{BaseURL: base},                                       // OAuth 2.0 without a client
		{BaseURL: base, ClientID: "x"},                        // without a secret
		{BaseURL: base, Auth: OAuth1, ConsumerKey: "k"},       // without a token
		{BaseURL: base, Auth: QueryToken, Token: []byte("t")}, // without a consumer key
		{BaseURL: base, Auth: 9, ConsumerKey: "k", Token: []byte("t")},
		{BaseURL: "not a url", ClientID: "x", ClientSecret: []byte("y")},
		{BaseURL: base, ClientID: "x\x00y", ClientSecret: []byte("y")},
	} {
		if _, err := NewClient(cfg); !errors.Is(err, m2mauth.ErrInvalidArgument) {
			t.Errorf("%v: %v", cfg.ClientID, err)
		}
	}
	c := client(t, base, OAuth2, nil)
	if _, err := c.Credential(ctx, "a\x00b"); !errors.Is(err, m2mauth.ErrInvalidArgument) {
		t.Errorf("NUL in an id: %v", err)
	}
	if _, err := c.Call(ctx, "GET", "pam/device", map[string]any{"x": []int{1}}); !errors.Is(err, m2mauth.ErrInvalidArgument) {
		t.Errorf("a list parameter: %v", err)
	}
	c.Close()
	c.Close()
	if _, err := c.Credential(ctx, "5"); !errors.Is(err, m2mauth.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if !strings.Contains(c.String(), "closed") {
		t.Errorf("String after Close: %s", c)
	}
	var nilClient *Client
	if _, err := nilClient.Info(ctx, "10"); !errors.Is(err, m2mauth.ErrClosed) {
		t.Errorf("nil client: %v", err)
	}
	// A context that has ended returns at once.
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := client(t, base, OAuth2, nil).Credential(done, "5"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	_ = cred
}

func TestConcurrentCalls(t *testing.T) {
	s := servers(t)
	c := client(t, s.fresh(t, "a2a"), OAuth2, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 4; j++ {
				cred, err := c.Credential(context.Background(), "5")
				if err != nil {
					errs <- err
					return
				}
				if string(cred.Password) != "secret@2504" {
					errs <- fmt.Errorf("password %q", cred.Password)
				}
				cred.Wipe()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := stat(s.stats(t, "a2a"), "token_requests"); n != 1 {
		t.Errorf("token_requests = %d, want 1 for 64 calls", n)
	}
}

func TestFromConfigFileAndEnvironment(t *testing.T) {
	s := servers(t)
	base := s.fresh(t, "a2a")
	cred := credentials(t)
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "a2a-secret")
	if err := os.WriteFile(secretFile, []byte(cred.OAuth2[1].ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "a2a.json")
	doc := fmt.Sprintf(`{"http": {"timeout_ms": 10000}, "senhasegura": {"base_url": %q, "client_id": %q,
		"client_secret_file": %q, "client_auth": "body", "tenant": "cfg-tenant"}}`, base, cred.OAuth2[1].ClientID, secretFile)
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := m2mauth.LoadConfig(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	c, err := NewClientFromConfig(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Credential(context.Background(), "5")
	if err != nil || string(got.Password) != "secret@2504" {
		t.Fatalf("from a file: %v %v", got, err)
	}
	if !strings.Contains(c.String(), base) || !strings.Contains(c.String(), "oauth2") {
		t.Errorf("String: %s", c)
	}
	c.Close()
	st := s.stats(t, "a2a")
	if stat(st, "token_auth", "body") != 1 || st["last_tenant"] != "cfg-tenant" {
		t.Fatalf("stats: %v", st)
	}

	// The environment alone: OAuth 1.0, the token secret from another variable.
	o := cred.OAuth1[0]
	t.Setenv("M2MAUTH_CONFIG", "")
	t.Setenv("M2MAUTH_SENHASEGURA_BASE_URL", base)
	t.Setenv("M2MAUTH_SENHASEGURA_AUTH_METHOD", "oauth1")
	t.Setenv("M2MAUTH_SENHASEGURA_CONSUMER_KEY", o.ConsumerKey)
	t.Setenv("M2MAUTH_SENHASEGURA_CONSUMER_SECRET", o.ConsumerSecret)
	t.Setenv("M2MAUTH_SENHASEGURA_TOKEN", o.Token)
	t.Setenv("M2MAUTH_SENHASEGURA_TOKEN_SECRET_ENV", "GO_TEST_A2A_TS")
	t.Setenv("GO_TEST_A2A_TS", o.TokenSecret)
	env, err := m2mauth.ConfigFromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	c2, err := NewClientFromConfig(env, newHTTP(t, m2mauth.HTTPOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if info, err := c2.Info(context.Background(), "10"); err != nil || string(info.Content) != "pk_test_51M2mAuTh+/=" {
		t.Fatalf("from the environment: %v %v", info, err)
	}
	if n := stat(s.stats(t, "a2a"), "requests", "oauth1"); n != 1 {
		t.Fatalf("requests.oauth1 = %d", n)
	}
	d, _ := env.Describe()
	for _, secret := range []string{o.ConsumerSecret, o.Token, o.TokenSecret} {
		if strings.Contains(d, secret) {
			t.Fatalf("describe shows a secret: %s", d)
		}
	}
	if !strings.Contains(d, "GO_TEST_A2A_TS") {
		t.Errorf("describe should name the variable: %s", d)
	}
	// An incomplete section is refused when the client is built.
	bad, _ := m2mauth.ConfigFromJSON([]byte(`{"senhasegura": {"base_url": "https://vault.example.test"}}`), false)
	defer bad.Close()
	if _, err := NewClientFromConfig(bad, nil); !errors.Is(err, m2mauth.ErrConfig) {
		t.Fatalf("incomplete section: %v", err)
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{
		`"plain"`: "plain", `"a\"b\\c\/d"`: `a"b\c/d`, `"\n\t\r\b\f"`: "\n\t\r\b\f", `"\u00e9\u20ac"`: "é€",
		`"\ud83d\ude00"`: "😀", `"é"`: "é", `""`: "",
	} {
		got, err := unquote([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("unquote(%s) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{`x`, `"a`, `"\x"`, `"\u12"`, "\"a\nb\""} {
		if _, err := unquote([]byte(bad)); err == nil {
			t.Errorf("unquote(%q) accepted", bad)
		}
	}
}

func TestTokenManagerOptionsApply(t *testing.T) {
	s := servers(t)
	id := credentials(t).OAuth2[0].ClientID
	// After a refusal the manager waits PermanentBackoff (default 30 s) before asking again: with the
	// default the second call gets the same error without a request, with 1 ms it asks again.
	for _, tc := range []struct {
		opts *m2mauth.ManagerOptions
		want int
	}{{nil, 1}, {&m2mauth.ManagerOptions{PermanentBackoff: m2mauth.Ptr(time.Millisecond)}, 2}} {
		c, err := NewClient(Config{BaseURL: s.fresh(t, "a2a"), ClientID: id, ClientSecret: []byte("wrong-secret-9876"),
			TokenManager: tc.opts})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			time.Sleep(50 * time.Millisecond)
			if _, err := c.Info(context.Background(), "10"); !errors.Is(err, m2mauth.ErrOAuth) {
				t.Fatalf("wrong secret: %v", err)
			}
		}
		c.Close()
		if n := stat(s.stats(t, "a2a"), "token_requests"); n != tc.want {
			t.Fatalf("%+v: token_requests = %d, want %d", tc.opts, n, tc.want)
		}
	}
}
