// Package senhasegura is the senhasegura WebService A2A API (https://HOST/iso/MODULE/FUNCTION) over the
// m2mauth C library: credentials, protected information, SSH keys and DevOps secrets (DSM) for
// applications, with the vendor's three authentication methods.
//
//	h, _ := m2mauth.NewHTTP(m2mauth.HTTPOptions{CAFile: ca, ClientCert: cert, ClientKey: key}) // mTLS if registered
//	vault, err := senhasegura.NewClient(senhasegura.Config{BaseURL: "https://vault.example.com", HTTP: h,
//		ClientID: id, ClientSecret: secret})                          // OAuth 2.0, the default
//	cred, err := vault.Credential(ctx, "dbadmin@db01.example.com")
//	defer cred.Wipe()
//	use(cred.Username, cred.Password)                                 // Password is a Secret ([]byte)
//	var e *m2mauth.Error
//	if errors.As(err, &e) && e.VendorCode == 1023 { ... }             // also e.HTTPStatus (403: certificate)
//
// Authentication (Config.Auth): OAuth2 (client credentials; the token is cached, refreshed ahead of
// expiry, and a 401 invalidates it and retries once; Basic by default, BodyCredentials for
// client_secret_post; Tenant for multi-tenant instances), OAuth1 (HMAC-SHA1 in the Authorization
// header) or QueryToken (consumer key and token in the URL; not recommended by the vendor).
// "Certificate validation" is a transport setting: give Config.HTTP a client certificate and register
// its fingerprint (CertFingerprints). With DecryptionKey ("encryption of sensitive information"),
// protected values come back decrypted.
//
// Errors are *m2mauth.Error: ErrVendor with VendorCode (1010, 1011, 1023, 1024, 1026, 1030, ...) and
// HTTPStatus (400; 403 for a client certificate that is not registered), ErrUnauthorized (401),
// ErrOAuth (the token endpoint refused the client), ErrHTTP, ErrProtocol, and the transport's errors.
// Messages never contain a secret.
//
// Why a sub-package: the vendor's vocabulary (Client, Config, Credential, Info) reads naturally under
// its own name, as in Java (io.m2mauth.senhasegura) and Python (m2mauth.senhasegura), and stays out of
// the generic package's documentation; it reaches package m2mauth's native handles through an internal
// package, so nothing of that becomes public API.
package senhasegura

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"

	"github.com/m2mauth/m2mauth/bindings/go/internal/bridge"
	"github.com/m2mauth/m2mauth/bindings/go/internal/nativeptr"
	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

// AuthMethod is how the client authenticates to the A2A API (m2mauth_a2a_auth).
type AuthMethod int

// Authentication methods. The zero value means OAuth2.
const (
	OAuth2     AuthMethod = 1 // client credentials on /iso/oauth2/token, then a Bearer token (the vendor's advice)
	OAuth1     AuthMethod = 2 // OAuth 1.0 HMAC-SHA1 in the Authorization header
	QueryToken AuthMethod = 3 // oauth_consumer_key and oauth_token in the query string (not recommended)
)

// String is "oauth2", "oauth1" or "query" ("" for other values).
func (a AuthMethod) String() string { return raw.M2mauth_a2a_auth_name(int(a)) }

// Config configures a Client. Secrets are []byte, copied: the caller may wipe them once NewClient
// returns.
type Config struct {
	BaseURL string        // "https://HOST" (a trailing "/iso" is accepted); http:// only to loopback
	HTTP    *m2mauth.HTTP // the transport: CA, client certificate (certificate validation), timeouts; nil: defaults
	Auth    AuthMethod    // 0 = OAuth2

	// OAuth 2.0: the authorization's client id and secret.
	ClientID        string
	ClientSecret    []byte
	BodyCredentials bool   // send client_id and client_secret in the body (client_secret_post) instead of Basic
	Tenant          string // the "tenant" parameter of the token request (multi-tenant instances)
	TokenURL        string // "" = <BaseURL>/iso/oauth2/token
	// Caching and refresh of the token: the timing fields (RefreshFraction ... PermanentBackoff,
	// CallerRefresh) apply; nil = the library's defaults.
	TokenManager *m2mauth.ManagerOptions

	// OAuth 1.0 (all four) and QueryToken (ConsumerKey and Token only).
	ConsumerKey    string
	ConsumerSecret []byte
	Token          []byte
	TokenSecret    []byte

	// The authorization's RSA private key when "encryption of sensitive information" is on: the typed
	// calls (and Call without NoDecrypt) then decrypt password, content, private_key, passphrase and
	// DSM secret values. The client keeps its own reference: the caller may Close the key.
	DecryptionKey *m2mauth.Key
}

// Client is a client of the A2A API. It is safe for concurrent use; Close releases it.
type Client struct {
	h       handle
	baseURL string
	auth    AuthMethod
}

func a2aHandle(p uintptr) raw.A2AHandle { return raw.SwigcptrA2AHandle(p) }

func argError(msg string) error { return bridge.Error(int(raw.M2MAUTH_EINVAL), msg) }

func noNUL(what string, values ...string) error {
	for _, v := range values {
		if strings.IndexByte(v, 0) >= 0 {
			return argError(what + " contains a NUL byte")
		}
	}
	return nil
}

func noNULBytes(what string, values ...[]byte) error {
	for _, v := range values {
		for _, b := range v {
			if b == 0 {
				return argError(what + " contains a NUL byte")
			}
		}
	}
	return nil
}

// NewClient makes a client. Nothing is sent before the first call.
func NewClient(cfg Config) (*Client, error) {
	if err := bridge.Ready(); err != nil {
		return nil, err
	}
	auth := cfg.Auth
	if auth == 0 {
		auth = OAuth2
	}
	if err := noNUL("A2A option", cfg.BaseURL, cfg.ClientID, cfg.Tenant, cfg.TokenURL, cfg.ConsumerKey); err != nil {
		return nil, err
	}
	if err := noNULBytes("A2A secret", cfg.ClientSecret, cfg.ConsumerSecret, cfg.Token, cfg.TokenSecret); err != nil {
		return nil, err
	}
	switch auth {
	case OAuth2:
		if cfg.ClientID == "" || len(cfg.ClientSecret) == 0 {
			return nil, argError("OAuth 2.0 needs ClientID and ClientSecret")
		}
	case OAuth1:
		if cfg.ConsumerKey == "" || len(cfg.Token) == 0 || cfg.ConsumerSecret == nil || cfg.TokenSecret == nil {
			return nil, argError("OAuth 1.0 needs ConsumerKey, ConsumerSecret, Token and TokenSecret")
		}
	case QueryToken:
		if cfg.ConsumerKey == "" || len(cfg.Token) == 0 {
			return nil, argError("the query method needs ConsumerKey and Token")
		}
	default:
		return nil, argError("unknown A2A authentication method")
	}
	transport := cfg.HTTP
	if transport == nil {
		own, err := m2mauth.NewHTTP(m2mauth.HTTPOptions{})
		if err != nil {
			return nil, err
		}
		defer own.Close() // the native client keeps the transport alive
		transport = own
	}
	var p uintptr
	err := bridge.WithHTTP(transport, func(hh raw.HttpHandle) error {
		return bridge.Call(func() int { return raw.M2mauth_a2a_new(&p, cfg.BaseURL, hh) })
	})
	if err != nil {
		return nil, err
	}
	c := adopt(p, cfg.BaseURL, auth)
	if err := c.configure(&cfg, auth); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// NewClientFromConfig makes a client from the "senhasegura" section of cfg, sending through http (nil:
// a new transport from the "http" section). The configuration is checked now (ErrConfig naming what is
// missing).
func NewClientFromConfig(cfg *m2mauth.Config, http *m2mauth.HTTP) (*Client, error) {
	if err := bridge.Ready(); err != nil {
		return nil, err
	}
	baseURL, _ := cfg.Get("senhasegura.base_url")
	method, err := cfg.Get("senhasegura.auth_method")
	auth := OAuth2
	if err == nil {
		var v int32
		if raw.M2mauth_a2a_auth_from_name(&v, method) == 0 {
			auth = AuthMethod(v)
		}
	}
	var p uintptr
	err = bridge.WithConfig(cfg, func(ch raw.ConfigHandle) error {
		if http == nil {
			return bridge.Call(func() int { return raw.M2mauth_a2a_new_from_config(&p, ch, raw.SwigcptrHttpHandle(0)) })
		}
		return bridge.WithHTTP(http, func(hh raw.HttpHandle) error {
			return bridge.Call(func() int { return raw.M2mauth_a2a_new_from_config(&p, ch, hh) })
		})
	})
	if err != nil {
		return nil, err
	}
	return adopt(p, baseURL, auth), nil
}

func adopt(p uintptr, baseURL string, auth AuthMethod) *Client {
	c := &Client{baseURL: baseURL, auth: auth}
	c.h.set(p, func(p uintptr) { raw.DeleteA2AHandle(a2aHandle(p)) })
	runtime.SetFinalizer(c, (*Client).Close)
	return c
}

func (c *Client) configure(cfg *Config, auth AuthMethod) error {
	return c.h.use(func(p uintptr) error {
		h := a2aHandle(p)
		steps := []func() int{func() int { return raw.M2mauth_a2a_set_auth_method(h, int(auth)) }}
		switch auth {
		case OAuth2:
			steps = append(steps, func() int { return raw.M2mauth_a2a_set_oauth2_client(h, cfg.ClientID, cfg.ClientSecret) })
			if cfg.BodyCredentials {
				steps = append(steps, func() int {
					return raw.M2mauth_a2a_set_client_auth(h, int(m2mauth.ClientSecretPost))
				})
			}
			if cfg.Tenant != "" {
				steps = append(steps, func() int { return raw.M2mauth_a2a_set_tenant(h, []byte(cfg.Tenant)) })
			}
			if cfg.TokenURL != "" {
				steps = append(steps, func() int { return raw.M2mauth_a2a_set_token_url(h, cfg.TokenURL) })
			}
		default:
			steps = append(steps, func() int {
				return raw.M2mauth_glue_a2a_set_oauth1_credentials(h, cfg.ConsumerKey, cfg.ConsumerSecret, cfg.Token, cfg.TokenSecret)
			})
		}
		for _, s := range steps {
			if err := bridge.Call(s); err != nil {
				return err
			}
		}
		if cfg.TokenManager != nil {
			o, err := bridge.ManagerOptions(cfg.TokenManager)
			if err != nil {
				return err
			}
			defer raw.DeleteTokenManagerOptionsStruct(o)
			if err := bridge.Call(func() int { return raw.M2mauth_a2a_set_manager_options(h, o) }); err != nil {
				return err
			}
		}
		if cfg.DecryptionKey != nil {
			return bridge.WithKey(cfg.DecryptionKey, func(k raw.KeyHandle) error {
				return bridge.Call(func() int { return raw.M2mauth_a2a_set_decryption_key(h, k) })
			})
		}
		return nil
	})
}

// fetch runs one call returning a JSON buffer (a Go copy of the library's, which is wiped).
func (c *Client) fetch(f func(out *[]byte, h raw.A2AHandle) int) ([]byte, error) {
	if c == nil {
		return nil, m2mauth.ErrClosed
	}
	var out []byte
	err := c.h.use(func(p uintptr) error {
		return bridge.Call(func() int { return f(&out, a2aHandle(p)) })
	})
	runtime.KeepAlive(c)
	if err != nil {
		wipe(out)
		return nil, err
	}
	return out, nil
}

// typed runs a typed call and parses its object (the JSON buffer is wiped either way). ctx bounds the
// native call itself: its deadline is the call's timeout and its end stops the transfer in progress
// (m2mauth_a2a_*_with), the error then being ctx.Err().
func typed[T any](ctx context.Context, c *Client, parse func([]byte) (*T, error),
	f func(out *[]byte, h raw.A2AHandle, timeoutMs int64, cancel raw.CancelHandle) int) (*T, error) {
	buf, err := c.native(ctx, f)
	if err != nil {
		return nil, err
	}
	defer wipe(buf)
	return parse(buf)
}

// native runs f, an A2A call through its _with form, bounded and cancelled by ctx (bridge.Native).
func (c *Client) native(ctx context.Context,
	f func(out *[]byte, h raw.A2AHandle, timeoutMs int64, cancel raw.CancelHandle) int) ([]byte, error) {
	var buf []byte
	err := bridge.Native(ctx, func(timeoutMs int64, cancel raw.CancelHandle) error {
		var err error
		buf, err = c.fetch(func(out *[]byte, h raw.A2AHandle) int { return f(out, h, timeoutMs, cancel) })
		return err
	})
	if err != nil {
		wipe(buf)
		return nil, err
	}
	return buf, nil
}

// Credential is GET /iso/pam/credential/{id or username@hostname}: the credential, its password (and
// content) decrypted when a decryption key is set. Wipe it when done.
func (c *Client) Credential(ctx context.Context, idOrUserAtHost string) (*Credential, error) {
	if err := noNUL("credential id", idOrUserAtHost); err != nil {
		return nil, err
	}
	return typed(ctx, c, parseCredential, func(out *[]byte, h raw.A2AHandle, timeoutMs int64, cancel raw.CancelHandle) int {
		return raw.M2mauth_glue_a2a_credential_with(out, h, idOrUserAtHost, timeoutMs, 0, cancel)
	})
}

// Info is GET /iso/pam/info/{id}: protected information (Content).
func (c *Client) Info(ctx context.Context, id string) (*Info, error) {
	if err := noNUL("information id", id); err != nil {
		return nil, err
	}
	return typed(ctx, c, parseInfo, func(out *[]byte, h raw.A2AHandle, timeoutMs int64, cancel raw.CancelHandle) int {
		return raw.M2mauth_glue_a2a_info_with(out, h, id, timeoutMs, 0, cancel)
	})
}

// SSHKey is GET /iso/pam/key/{id}: an SSH key (PrivateKey and Passphrase are secrets).
func (c *Client) SSHKey(ctx context.Context, id string) (*SSHKey, error) {
	if err := noNUL("SSH key id", id); err != nil {
		return nil, err
	}
	return typed(ctx, c, parseSSHKey, func(out *[]byte, h raw.A2AHandle, timeoutMs int64, cancel raw.CancelHandle) int {
		return raw.M2mauth_glue_a2a_ssh_key_with(out, h, id, timeoutMs, 0, cancel)
	})
}

// DSMApplication is GET /iso/dapp/application: the DevOps Secret Manager application of the
// authorization, with its secrets.
func (c *Client) DSMApplication(ctx context.Context) (*Application, error) {
	return typed(ctx, c, parseApplication, func(out *[]byte, h raw.A2AHandle, timeoutMs int64, cancel raw.CancelHandle) int {
		return raw.M2mauth_glue_a2a_dsm_application_with(out, h, timeoutMs, 0, cancel)
	})
}

// CallOption changes one Call.
type CallOption func(*callOptions)

type callOptions struct{ flags uint }

// NoDecrypt returns protected values as the server sent them (base64 ciphertext).
func NoDecrypt() CallOption {
	return func(o *callOptions) { o.flags |= uint(raw.M2MAUTH_A2A_NO_DECRYPT) }
}

// CallJSON calls any function and returns the whole response document as JSON (the caller may wipe
// it): method "GET", "POST", "PUT" or "DELETE"; path "module/function[/argument]" (not
// percent-encoded), e.g. "pam/device/1"; params (string, number or boolean values, nil for none) the
// query string for GET and DELETE, a form body for POST and PUT. With a decryption key the protected
// fields of its "credential", "info", "key" and "application" members are decrypted (unless NoDecrypt).
func (c *Client) CallJSON(ctx context.Context, method, path string, params map[string]any,
	opts ...CallOption) ([]byte, error) {
	if err := noNUL("A2A call", method, path); err != nil {
		return nil, err
	}
	var o callOptions
	for _, f := range opts {
		f(&o)
	}
	var encoded []byte
	if params != nil {
		var err error
		if encoded, err = json.Marshal(params); err != nil {
			return nil, argError("params: " + err.Error())
		}
	}
	defer wipe(encoded)
	return c.native(ctx, func(out *[]byte, h raw.A2AHandle, timeoutMs int64, cancel raw.CancelHandle) int {
		return raw.M2mauth_glue_a2a_call_with(out, h, method, path, encoded, o.flags, timeoutMs, 0, cancel)
	})
}

// Call is CallJSON decoded with encoding/json (numbers as float64). Values in it are Go strings, which
// cannot be wiped: read secrets with the typed methods or CallJSON.
func (c *Client) Call(ctx context.Context, method, path string, params map[string]any,
	opts ...CallOption) (map[string]any, error) {
	buf, err := c.CallJSON(ctx, method, path, params, opts...)
	if err != nil {
		return nil, err
	}
	defer wipe(buf)
	var doc map[string]any
	if err := json.Unmarshal(buf, &doc); err != nil {
		return nil, bridge.Error(int(raw.M2MAUTH_EPROTOCOL), "A2A response: "+err.Error())
	}
	return doc, nil
}

// Close releases the client, stops its token refresh and wipes its secrets. Later calls return
// m2mauth.ErrClosed; Close waits for calls in flight.
func (c *Client) Close() error {
	if c != nil {
		c.h.close()
	}
	return nil
}

// String shows the base URL and the method, never a secret.
func (c *Client) String() string {
	if c == nil || c.h.closed() {
		return "senhasegura.Client(closed)"
	}
	return "senhasegura.Client(" + c.baseURL + ", " + c.auth.String() + ")"
}

// GoString is String.
func (c *Client) GoString() string { return c.String() }

// Fingerprints are a certificate's fingerprints as an administrator registers them for "certificate
// validation": lower-case hex, and upper-case hex with colons.
type Fingerprints struct {
	SHA256, SHA256Colon, SHA1, SHA1Colon string
}

// CertFingerprints computes cert's fingerprints (the hash and format senhasegura expects are not
// documented: offer SHA-256, or SHA-1, in either form).
func CertFingerprints(cert *m2mauth.Certificate) (Fingerprints, error) {
	var out []byte
	err := bridge.WithCert(cert, func(ch raw.CertHandle) error {
		return bridge.Call(func() int { return raw.M2mauth_a2a_cert_fingerprints(&out, ch) })
	})
	if err != nil {
		return Fingerprints{}, err
	}
	var f struct {
		SHA256      string `json:"sha256"`
		SHA256Colon string `json:"sha256_colon"`
		SHA1        string `json:"sha1"`
		SHA1Colon   string `json:"sha1_colon"`
	}
	if err := json.Unmarshal(out, &f); err != nil {
		return Fingerprints{}, bridge.Error(int(raw.M2MAUTH_EPROTOCOL), "fingerprints: "+err.Error())
	}
	return Fingerprints{f.SHA256, f.SHA256Colon, f.SHA1, f.SHA1Colon}, nil
}

// Decrypt decrypts one protected value (base64 RSA-OAEP, SHA-1, cut into key-size blocks) with the
// authorization's private key. ErrProtocol for input that is not such ciphertext.
func Decrypt(key *m2mauth.Key, value string) (Secret, error) {
	if err := noNUL("protected value", value); err != nil {
		return nil, err
	}
	var out []byte
	err := bridge.WithKey(key, func(k raw.KeyHandle) error {
		return bridge.Call(func() int { return raw.M2mauth_a2a_decrypt(&out, k, value) })
	})
	if err != nil {
		return nil, err
	}
	return Secret(out), nil
}

// handle is one native pointer shared by goroutines and released once (internal/nativeptr, as in
// package m2mauth): Close waits for calls in flight; after Close every use returns m2mauth.ErrClosed.
type handle struct{ p nativeptr.Ptr }

func (h *handle) set(p uintptr, free func(uintptr)) { h.p.Set(p, free) }

func (h *handle) use(f func(p uintptr) error) error { return h.p.Use(m2mauth.ErrClosed, f) }

func (h *handle) close() { h.p.Close() }

func (h *handle) closed() bool { return h.p.Closed() }
