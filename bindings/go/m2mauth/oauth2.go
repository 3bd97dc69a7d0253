package m2mauth

import (
	"context"
	"runtime"
	"strconv"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// ClientAuth is how a client authenticates at the token endpoint (m2mauth_client_auth).
type ClientAuth int

// Client authentication methods. The zero value means the default, ClientSecretBasic.
const (
	ClientSecretBasic       ClientAuth = 1 // RFC 6749 2.3.1: HTTP Basic, id and secret form-encoded first
	ClientSecretPost        ClientAuth = 2 // client_id and client_secret in the body
	ClientSecretJWT         ClientAuth = 3 // HS256 client assertion keyed with the secret
	PrivateKeyJWT           ClientAuth = 4 // client assertion signed with the private key (RFC 7523 2.2)
	TLSClientAuth           ClientAuth = 5 // RFC 8705 2.1: PKI client certificate (set it on the HTTP)
	SelfSignedTLSClientAuth ClientAuth = 6 // RFC 8705 2.2
	AuthNone                ClientAuth = 7 // public client: client_id only
)

// String is the registered name ("client_secret_basic", ...), "" for an unknown value.
func (a ClientAuth) String() string { return raw.M2mauth_client_auth_name(int(a)) }

// ParseClientAuth is the method with this registered name.
func ParseClientAuth(name string) (ClientAuth, error) {
	if err := text("client authentication method", name); err != nil {
		return 0, err
	}
	if err := ready(); err != nil {
		return 0, err
	}
	var v int32
	if err := call(func() int { return raw.M2mauth_client_auth_from_name(&v, []byte(name)) }); err != nil {
		return 0, err
	}
	return ClientAuth(v), nil
}

// Grant is the OAuth 2.0 grant a token client uses.
type Grant int

// Grants. The zero value means GrantClientCredentials.
const (
	GrantClientCredentials Grant = 1
	GrantJWTBearer         Grant = 2 // RFC 7523 2.1: a JWT signed with the private key as the grant
)

// Param is one extra token request parameter.
type Param struct {
	Name, Value string
}

// AssertionOptions tune the client assertion (client_secret_jwt, private_key_jwt) and the jwt-bearer
// grant's JWT.
type AssertionOptions struct {
	Audience        string        // the "aud"; "" = the token endpoint URL (set the issuer for servers that want it)
	Algorithm       Algorithm     // 0 = the key's default
	Lifetime        time.Duration // 10 s to 1 h; 0 = 2 min
	KeyID           string        // "kid"; "" = the key's
	KeyIDThumbprint bool          // the key's RFC 7638 thumbprint as "kid"
	Certificate     *Certificate  // x5t / x5t#S256 / x5c of this certificate (CertMembers) in the header
	CertMembers     []CertMember
	// ClockSkew: "iat" and "nbf" this far in the past so a server whose clock is behind accepts the
	// assertion ("exp" counts from now); 0 to 300 s in whole seconds; nil = 5 s, Ptr(0) = none.
	ClockSkew *time.Duration
}

// TokenClientConfig configures a token client. TokenURL or Issuer (RFC 8414 / OpenID Connect
// discovery of the token endpoint) is required, and ClientID.
type TokenClientConfig struct {
	TokenURL string
	Issuer   string
	ClientID string
	HTTP     *HTTP // nil: a transport with the default options

	AuthMethod   ClientAuth // 0 = ClientSecretBasic
	ClientSecret []byte     // copied; the caller may wipe it once NewTokenClient returns
	PrivateKey   *Key       // private_key_jwt and the jwt-bearer grant (shared, the caller may Close it)
	KeySource    *KeySource // instead of PrivateKey: a rotating key (shared, the caller may Close it)
	Grant        Grant      // 0 = GrantClientCredentials
	Subject      string     // jwt-bearer grant: the assertion's "sub" ("" = ClientID)

	Scope       string   // space-separated scopes requested on every fetch
	Audience    string   // the "audience" parameter
	Resources   []string // RFC 8707 "resource" parameters
	ExtraParams []Param  // sent on every token request

	Assertion        *AssertionOptions
	DPoP             *DPoP            // DPoP-bound tokens (RFC 9449); shared, the caller may Close it
	DefaultExpiresIn time.Duration    // assumed when the server omits expires_in; 0 = 1 h
	Clock            func() time.Time // nil = the system clock; must be safe for concurrent use
}

// TokenClient asks a token endpoint for tokens. It is read-only once made and safe for concurrent use.
// TokenManager caches its tokens; Fetch is one uncached request.
type TokenClient struct {
	h        handle
	clock    func() time.Time // installed once by configure; the library owns the payload
	clientID string
}

func tokenClientHandle(p uintptr) raw.TokenClientHandle { return raw.SwigcptrTokenClientHandle(p) }

// NewTokenClient makes a token client. Nothing is sent before the first fetch, except the discovery
// request when Issuer is used.
func NewTokenClient(cfg TokenClientConfig) (*TokenClient, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	if (cfg.TokenURL == "") == (cfg.Issuer == "") {
		return nil, argError("exactly one of TokenURL and Issuer is required")
	}
	strs := []string{cfg.TokenURL, cfg.Issuer, cfg.ClientID, cfg.Subject, cfg.Scope, cfg.Audience}
	strs = append(strs, cfg.Resources...)
	for _, p := range cfg.ExtraParams {
		strs = append(strs, p.Name, p.Value)
	}
	if cfg.Assertion != nil {
		strs = append(strs, cfg.Assertion.Audience, cfg.Assertion.KeyID)
	}
	if err := texts("token client option", strs); err != nil {
		return nil, err
	}
	transport := cfg.HTTP
	if transport == nil {
		own, err := NewHTTP(HTTPOptions{})
		if err != nil {
			return nil, err
		}
		defer own.Close() // the native client keeps the transport alive
		transport = own
	}
	var p uintptr
	err := transport.use(func(hh raw.HttpHandle) int {
		if cfg.Issuer != "" {
			return raw.M2mauth_token_client_discover(&p, cfg.Issuer, cfg.ClientID, hh)
		}
		return raw.M2mauth_token_client_new(&p, cfg.TokenURL, cfg.ClientID, hh)
	})
	if err != nil {
		return nil, err
	}
	// The free function must not reference c (a cycle through c would keep its finalizer from running).
	c := &TokenClient{clientID: cfg.ClientID, clock: cfg.Clock}
	c.h.set(p, func(p uintptr) {
		raw.DeleteTokenClientHandle(tokenClientHandle(p)) // releases the clock payload
	})
	runtime.SetFinalizer(c, (*TokenClient).Close)
	if err := c.configure(tokenClientHandle(p), &cfg); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (c *TokenClient) configure(h raw.TokenClientHandle, cfg *TokenClientConfig) error {
	steps := []func() error{}
	step := func(f func() int) { steps = append(steps, func() error { return call(f) }) }
	if cfg.AuthMethod != 0 {
		step(func() int { return raw.M2mauth_token_client_set_auth_method(h, int(cfg.AuthMethod)) })
	}
	if cfg.ClientSecret != nil {
		step(func() int { return raw.M2mauth_token_client_set_secret(h, cfg.ClientSecret) })
	}
	if cfg.PrivateKey != nil {
		steps = append(steps, func() error {
			return cfg.PrivateKey.use(func(k raw.KeyHandle) int { return raw.M2mauth_token_client_set_private_key(h, k) })
		})
	}
	if cfg.KeySource != nil {
		steps = append(steps, func() error {
			return cfg.KeySource.use(func(k raw.KeySourceHandle) int {
				return raw.M2mauth_token_client_set_key_source(h, k)
			})
		})
	}
	if cfg.DPoP != nil {
		steps = append(steps, func() error {
			return cfg.DPoP.use(func(d raw.DpopHandle) int { return raw.M2mauth_token_client_set_dpop(h, d) })
		})
	}
	if cfg.Grant != 0 {
		step(func() int { return raw.M2mauth_token_client_set_grant(h, int(cfg.Grant)) })
	}
	if cfg.Subject != "" {
		step(func() int { return raw.M2mauth_token_client_set_subject(h, cfg.Subject) })
	}
	if cfg.Scope != "" {
		step(func() int { return raw.M2mauth_token_client_set_scope(h, cfg.Scope) })
	}
	if cfg.Audience != "" {
		step(func() int { return raw.M2mauth_token_client_set_audience(h, []byte(cfg.Audience)) })
	}
	for _, r := range cfg.Resources {
		r := r
		step(func() int { return raw.M2mauth_token_client_add_resource(h, r) })
	}
	for _, p := range cfg.ExtraParams {
		p := p
		step(func() int { return raw.M2mauth_token_client_add_param(h, []byte(p.Name), p.Value) })
	}
	if a := cfg.Assertion; a != nil {
		lifetime := int64(a.Lifetime / time.Second)
		if a.Lifetime < 0 || (a.Lifetime > 0 && lifetime == 0) {
			return argError("assertion lifetime must be 10 s to 1 h")
		}
		var members CertMember
		for _, m := range a.CertMembers {
			members |= m
		}
		// One struct with the library's defaults (m2mauth_assertion_options_init); the certificate, if
		// any, stays open while the client copies it.
		set := func(ch raw.CertHandle) int {
			o := raw.NewAssertionOptionsStruct()
			defer raw.DeleteAssertionOptionsStruct(o)
			if st := o.SetAudience(optional(a.Audience)); st != 0 {
				return st
			}
			if st := o.SetKid(optional(a.KeyID)); st != 0 {
				return st
			}
			o.SetAlg(int(a.Algorithm))
			if a.Lifetime != 0 {
				o.SetLifetime_s(lifetime)
			}
			if a.ClockSkew != nil {
				o.SetClock_skew_s(int64(*a.ClockSkew / time.Second))
			}
			if a.KeyIDThumbprint {
				o.SetKid_thumbprint(1)
			}
			if ch != nil {
				o.SetCert(ch)
				o.SetCert_members(uint(members))
			}
			return raw.M2mauth_token_client_set_assertion(h, o)
		}
		if a.Certificate != nil {
			steps = append(steps, func() error { return a.Certificate.use(set) })
		} else {
			step(func() int { return set(nil) })
		}
	}
	if cfg.DefaultExpiresIn != 0 {
		secs := int64(cfg.DefaultExpiresIn / time.Second)
		if secs <= 0 {
			return argError("default expires_in must be at least one second")
		}
		step(func() int { return raw.M2mauth_token_client_set_default_expires_in(h, secs) })
	}
	if c.clock != nil {
		step(func() int { return raw.M2mauth_glue_token_client_set_clock(h, clockPayload(c.clock)) })
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

func (c *TokenClient) use(f func(h raw.TokenClientHandle) int) error {
	if c == nil {
		return ErrClosed
	}
	err := c.h.use(func(p uintptr) error { return call(func() int { return f(tokenClientHandle(p)) }) })
	runtime.KeepAlive(c)
	return err
}

// Fetch makes one token request (no cache): for scripts and diagnostics; services use a TokenManager.
// Server refusals are *Error with OAuthError, OAuthErrorDescription and HTTPStatus; Transient() tells
// whether to retry. ctx bounds the request and its end stops the transfer (see HTTP.Send).
func (c *TokenClient) Fetch(ctx context.Context) (*OAuthToken, error) {
	return nativeCall(ctx, func(timeoutMs int64, cancel raw.CancelHandle) (*OAuthToken, error) {
		var p uintptr
		if err := c.use(func(h raw.TokenClientHandle) int {
			return raw.M2mauth_glue_token_client_fetch_with(&p, h, timeoutMs, 0, cancel)
		}); err != nil {
			return nil, err
		}
		return takeToken(p), nil
	})
}

// Close releases the client; managers made from it keep working. Later calls return ErrClosed.
func (c *TokenClient) Close() error {
	if c != nil {
		c.h.close()
	}
	return nil
}

// String names the client id, never the secret.
func (c *TokenClient) String() string {
	if c == nil || c.h.closed() {
		return "TokenClient(closed)"
	}
	return "TokenClient(" + c.clientID + ")"
}

// OAuthToken is an access token with its metadata. AccessToken is a secret: String and GoString leave it
// out, so printing an OAuthToken (%v, %+v, %#v) never shows it.
type OAuthToken struct {
	AccessToken string
	TokenType   string // as the server wrote it ("Bearer", "bearer", "DPoP")
	Scope       string // granted (or requested when the server omits it)
	ExpiresAt   time.Time
	IssuedAt    time.Time // zero when not known (tokens from a manager)
}

// String shows everything but the access token.
func (t OAuthToken) String() string {
	return "OAuthToken(" + t.TokenType + ", scope=" + strconv.Quote(t.Scope) + ", expires " +
		t.ExpiresAt.UTC().Format(time.RFC3339) + ", access token: " + strconv.Itoa(len(t.AccessToken)) + " bytes)"
}

// GoString is String.
func (t OAuthToken) GoString() string { return t.String() }

// Valid reports whether the token has not expired at now.
func (t OAuthToken) Valid(now time.Time) bool { return t.AccessToken != "" && now.Before(t.ExpiresAt) }

func unixMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// takeToken copies a native token into Go memory and frees (wipes) it.
func takeToken(p uintptr) *OAuthToken {
	h := raw.SwigcptrTokenHandle(p)
	defer raw.DeleteTokenHandle(h)
	return &OAuthToken{
		AccessToken: raw.M2mauth_token_access_token(h),
		TokenType:   raw.M2mauth_token_type(h),
		Scope:       raw.M2mauth_token_scope(h),
		ExpiresAt:   unixMillis(raw.M2mauth_token_expires_at(h)),
		IssuedAt:    unixMillis(raw.M2mauth_token_issued_at(h)),
	}
}

// clockPayload hands f to the library as a clock payload; the setter that receives it owns it.
func clockPayload(f func() time.Time) int64 {
	return raw.NewCallback(func() int64 { return f().UnixMilli() })
}
