// Package m2mauthtest is a token-endpoint test double for your own tests, like net/http/httptest: a
// loopback OAuth 2.0 authorization server (libm2mauth's own, in C++) on 127.0.0.1 and a free port.
//
//	srv, err := m2mauthtest.NewTokenServer(nil)
//	if err != nil { t.Fatal(err) }
//	defer srv.Close()
//	srv.AddClient(m2mauthtest.Client{ID: "svc", Secret: "s3cret"})
//	srv.FailNext(1, 503, "temporarily_unavailable", -1)
//	// point the code under test at srv.TokenURL ...
//	if n := srv.Requests("token"); n != 2 { t.Fatalf("token requests: %d", n) }
//
// It serves discovery (/.well-known/openid-configuration), /token (client_credentials and token
// exchange), /introspect (RFC 7662) and /jwks, with real client authentication (client_secret_basic,
// client_secret_post, client_secret_jwt, private_key_jwt, tls_client_auth) and knobs: token lifetime,
// opaque or JWT tokens with chosen claims, failing or stalling the next token requests, request
// counters, revoking every token. Nothing here panics: errors are returned.
package m2mauthtest

import (
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/bridge"
	"github.com/m2mauth/m2mauth/bindings/go/internal/nativeptr"
	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

// AuthMethod is how a registered client authenticates at the token endpoint.
type AuthMethod int

// The values of testing.h's m2mauth_test_client_auth (checked by the package's test).
const (
	ClientSecretBasic AuthMethod = 1
	ClientSecretPost  AuthMethod = 2
	ClientSecretJWT   AuthMethod = 3
	PrivateKeyJWT     AuthMethod = 4
	TLSClientAuth     AuthMethod = 5
)

// Options configure a server; the zero value is plain HTTP with opaque tokens valid for an hour.
type Options struct {
	TLS           bool           // HTTPS with a generated certificate (trust CAFile or CAPEM)
	MTLS          bool           // HTTPS asking for a client certificate (implies TLS)
	TokenLifetime time.Duration  // 0 = 1 h; whole seconds
	JWT           bool           // JWT access tokens (ES256, typ at+jwt, key at /jwks) instead of opaque ones
	Claims        map[string]any // extra claims of JWT access tokens
	Audience      string         // "aud" of JWT access tokens ("" = the server's URL)
	ClockOffset   time.Duration  // the server's clock runs this far ahead (negative: behind)
	// DPoPNonce is a DPoP server nonce (RFC 9449 section 8): every DPoP proof must carry it; one without it
	// is answered 400 use_dpop_nonce with a DPoP-Nonce header, which this library's clients retry once with.
	// "" = none.
	DPoPNonce string
}

// Client is a client the server knows.
type Client struct {
	ID            string
	Method        AuthMethod // 0 = ClientSecretBasic
	Secret        string     // client_secret_*; ClientSecretJWT: at least 32 bytes
	PublicKey     string     // PrivateKeyJWT: PEM or JWK
	TLSSubject    string     // TLSClientAuth: the certificate's RFC 2253 subject, or
	TLSThumbprint string     // its SHA-256 thumbprint (base64url)
	Scopes        []string   // scopes it may ask for (nil = any); all granted when it asks for none
}

// Server is a running token server. Its methods are safe for concurrent use.
type Server struct {
	URL      string // the issuer, "http://127.0.0.1:<port>" or https
	TokenURL string // URL + "/token"
	CAFile   string // TLS: a file holding the certificate's PEM, removed by Close; "" otherwise
	h        nativeptr.Ptr
}

func handle(p uintptr) raw.TestServerHandle { return raw.SwigcptrTestServerHandle(p) }

func argError(msg string) error { return bridge.Error(int(raw.M2MAUTH_EINVAL), msg) }

func noNUL(values ...string) error {
	for _, v := range values {
		if strings.IndexByte(v, 0) >= 0 {
			return argError("a text argument contains a NUL byte")
		}
	}
	return nil
}

// NewTokenServer starts a server (opts nil: the defaults). Close it when done.
func NewTokenServer(opts *Options) (*Server, error) {
	if err := bridge.Ready(); err != nil {
		return nil, err
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	lifetime := int64(3600)
	if o.TokenLifetime != 0 {
		lifetime = int64(o.TokenLifetime / time.Second)
	}
	format := int(raw.M2MAUTH_TEST_TOKEN_OPAQUE)
	if o.JWT {
		format = int(raw.M2MAUTH_TEST_TOKEN_JWT)
	}
	claims := ""
	if o.Claims != nil {
		b, err := json.Marshal(o.Claims)
		if err != nil {
			return nil, argError("Claims cannot be encoded as JSON")
		}
		claims = string(b)
	}
	if err := noNUL(claims, o.Audience, o.DPoPNonce); err != nil {
		return nil, err
	}
	tls := 0
	if o.TLS || o.MTLS {
		tls = 1
	}
	mtls := 0
	if o.MTLS {
		mtls = 1
	}
	var p uintptr
	if err := bridge.Call(func() int {
		return raw.M2mauth_glue_test_server_new(&p, tls, mtls, lifetime, format, claims, o.Audience,
			int64(o.ClockOffset/time.Second), o.DPoPNonce)
	}); err != nil {
		return nil, err
	}
	s := &Server{}
	s.h.Set(p, func(p uintptr) { raw.DeleteTestServerHandle(handle(p)) })
	runtime.SetFinalizer(s, (*Server).Close)
	err := s.use(func(h raw.TestServerHandle) error {
		if err := bridge.Call(func() int { return raw.M2mauth_test_server_start(h) }); err != nil {
			return err
		}
		var url []byte
		if err := bridge.Call(func() int { return raw.M2mauth_test_server_url(&url, h) }); err != nil {
			return err
		}
		s.URL = string(url)
		return nil
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	s.TokenURL = s.URL + "/token"
	if tls == 1 {
		f, err := os.CreateTemp("", "m2mauthtest-ca-*.pem")
		if err == nil {
			_, err = f.WriteString(s.CAPEM())
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			s.CAFile = f.Name()
		}
		if err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *Server) use(f func(h raw.TestServerHandle) error) error {
	if s == nil {
		return m2mauth.ErrClosed
	}
	err := s.h.Use(m2mauth.ErrClosed, func(p uintptr) error { return f(handle(p)) })
	runtime.KeepAlive(s)
	return err
}

// Close stops the server (stalled requests end at once), releases it and removes CAFile. Idempotent.
func (s *Server) Close() {
	if s == nil {
		return
	}
	s.h.Close()
	if s.CAFile != "" {
		os.Remove(s.CAFile)
	}
	runtime.SetFinalizer(s, nil)
}

// CAPEM is the server certificate's PEM ("" for plain HTTP).
func (s *Server) CAPEM() string {
	var out []byte
	_ = s.use(func(h raw.TestServerHandle) error {
		return bridge.Call(func() int { return raw.M2mauth_test_server_ca_pem(&out, h) })
	})
	return string(out)
}

// AddClient registers a client (the same ID again replaces it).
func (s *Server) AddClient(c Client) error {
	method := c.Method
	if method == 0 {
		method = ClientSecretBasic
	}
	scopes := strings.Join(c.Scopes, " ")
	if c.ID == "" {
		return argError("Client.ID is empty")
	}
	if err := noNUL(c.ID, c.Secret, c.PublicKey, c.TLSSubject, c.TLSThumbprint, scopes); err != nil {
		return err
	}
	return s.use(func(h raw.TestServerHandle) error {
		return bridge.Call(func() int {
			return raw.M2mauth_glue_test_server_add_client(h, c.ID, int(method), c.Secret, c.PublicKey, c.TLSSubject,
				c.TLSThumbprint, scopes)
		})
	})
}

// FailNext makes the next n token requests fail with HTTP status; with oauthError a JSON error body;
// with retryAfter >= 0 a Retry-After header (whole seconds).
func (s *Server) FailNext(n int, status int, oauthError string, retryAfter time.Duration) error {
	if n < 0 {
		return argError("n is negative")
	}
	if err := noNUL(oauthError); err != nil {
		return err
	}
	ra := int64(-1)
	if retryAfter >= 0 {
		ra = int64(retryAfter / time.Second)
	}
	return s.use(func(h raw.TestServerHandle) error {
		return bridge.Call(func() int { return raw.M2mauth_test_server_fail_next(h, uint(n), status, oauthError, ra) })
	})
}

// Stall makes the next n token requests wait d before they are answered.
func (s *Server) Stall(n int, d time.Duration) error {
	if n < 0 {
		return argError("n is negative")
	}
	return s.use(func(h raw.TestServerHandle) error {
		return bridge.Call(func() int { return raw.M2mauth_test_server_stall(h, uint(n), d.Milliseconds()) })
	})
}

// Requests counts requests received: "" all; "token", "introspection", "jwks", "discovery";
// "grant:client_credentials"; "failed" (injected failures); "rejected" (refused unread). 0 once closed.
func (s *Server) Requests(counter string) uint64 {
	if noNUL(counter) != nil {
		return 0
	}
	var n uint64
	_ = s.use(func(h raw.TestServerHandle) error {
		n = raw.M2mauth_test_server_requests(h, counter)
		return nil
	})
	return n
}

// RevokeAll makes every token issued so far inactive (introspection says so).
func (s *Server) RevokeAll() {
	_ = s.use(func(h raw.TestServerHandle) error {
		raw.M2mauth_test_server_revoke_all(h)
		return nil
	})
}
