package m2mauth

import (
	"runtime"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// OAuth1Method is the oauth_signature_method.
type OAuth1Method int

// Signature methods (m2mauth_oauth1_method). The zero value means OAuth1HMACSHA1.
const (
	OAuth1HMACSHA1   OAuth1Method = 1 // "HMAC-SHA1", RFC 5849 section 3.4.2
	OAuth1HMACSHA256 OAuth1Method = 2 // "HMAC-SHA256"
	OAuth1RSASHA1    OAuth1Method = 3 // "RSA-SHA1", section 3.4.3 (needs RSAKey)
	OAuth1RSASHA256  OAuth1Method = 4 // "RSA-SHA256" (needs RSAKey)
	OAuth1Plaintext  OAuth1Method = 5 // "PLAINTEXT", section 3.4.4: only over TLS
)

// String is the protocol name ("HMAC-SHA1", ...), "" for an unknown value.
func (m OAuth1Method) String() string { return raw.M2mauth_oauth1_method_name(int(m)) }

// OAuth1Placement is where the protocol parameters go (RFC 5849 section 3.5).
type OAuth1Placement int

// Placements. The zero value means OAuth1InHeader.
const (
	OAuth1InHeader OAuth1Placement = 1 // "Authorization: OAuth ..."
	OAuth1InQuery  OAuth1Placement = 2 // appended to the URL's query
	OAuth1InBody   OAuth1Placement = 3 // appended to an application/x-www-form-urlencoded body
)

// String is "header", "query" or "body".
func (p OAuth1Placement) String() string { return raw.M2mauth_oauth1_placement_name(int(p)) }

// OAuth1Config configures an OAuth1Signer. Secrets are copied: the caller may wipe its slices once
// NewOAuth1Signer returns.
type OAuth1Config struct {
	ConsumerKey    string
	ConsumerSecret []byte
	Token          string // "" for two-legged requests
	TokenSecret    []byte
	Method         OAuth1Method    // 0 = HMAC-SHA1
	Placement      OAuth1Placement // 0 = header
	Realm          string          // Authorization header only, never signed
	OmitVersion    bool            // leave out oauth_version="1.0" (RFC 5849 section 1.2 does)
	Callback       string          // oauth_callback (temporary credential requests)
	Verifier       string          // oauth_verifier (token requests)
	Params         []Param         // more oauth_* protocol parameters, sent and signed
	RSAKey         *Key            // RSA-SHA1 / RSA-SHA256 (the signer keeps its own reference)
	Clock          func() time.Time
	// BodyHash signs oauth_body_hash (base64 SHA-1 of the body, as oauthlib sends it) for a non-empty
	// body whose Content-Type is not form data.
	BodyHash bool

	// Tests only: the same nonce / oauth_timestamp (Unix seconds, when > 0) for every request.
	FixedNonce     string
	FixedTimestamp int64
}

// OAuth1Signer signs requests with OAuth 1.0 (RFC 5849). Immutable once made and safe for concurrent use.
type OAuth1Signer struct {
	h           handle
	consumerKey string
}

func oauth1Handle(p uintptr) raw.OAuth1Handle { return raw.SwigcptrOAuth1Handle(p) }

// NewOAuth1Signer makes a signer.
func NewOAuth1Signer(cfg OAuth1Config) (*OAuth1Signer, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	strs := []string{cfg.ConsumerKey, cfg.Token, cfg.Realm, cfg.Callback, cfg.Verifier, cfg.FixedNonce}
	for _, p := range cfg.Params {
		strs = append(strs, p.Name, p.Value)
	}
	if err := texts("OAuth 1.0 option", strs); err != nil {
		return nil, err
	}
	var p uintptr
	if err := call(func() int { return raw.M2mauth_oauth1_new(&p, cfg.ConsumerKey) }); err != nil {
		return nil, err
	}
	s := &OAuth1Signer{consumerKey: cfg.ConsumerKey}
	s.h.set(p, func(p uintptr) {
		raw.DeleteOAuth1Handle(oauth1Handle(p)) // releases the clock payload
	})
	runtime.SetFinalizer(s, (*OAuth1Signer).Close)
	h := oauth1Handle(p)
	steps := []func() error{}
	step := func(f func() int) { steps = append(steps, func() error { return call(f) }) }
	if cfg.ConsumerSecret != nil {
		step(func() int { return raw.M2mauth_oauth1_set_consumer_secret(h, cfg.ConsumerSecret) })
	}
	if cfg.Token != "" || cfg.TokenSecret != nil {
		step(func() int { return raw.M2mauth_oauth1_set_token(h, optional(cfg.Token), cfg.TokenSecret) })
	}
	if cfg.RSAKey != nil {
		steps = append(steps, func() error {
			return cfg.RSAKey.use(func(k raw.KeyHandle) int { return raw.M2mauth_oauth1_set_rsa_key(h, k) })
		})
	}
	if cfg.Method != 0 {
		step(func() int { return raw.M2mauth_oauth1_set_method(h, int(cfg.Method)) })
	}
	if cfg.Placement != 0 {
		step(func() int { return raw.M2mauth_oauth1_set_placement(h, int(cfg.Placement)) })
	}
	if cfg.Realm != "" {
		step(func() int { return raw.M2mauth_oauth1_set_realm(h, []byte(cfg.Realm)) })
	}
	if cfg.OmitVersion {
		step(func() int { return raw.M2mauth_oauth1_set_include_version(h, 0) })
	}
	if cfg.Callback != "" {
		step(func() int { return raw.M2mauth_oauth1_set_callback(h, []byte(cfg.Callback)) })
	}
	if cfg.Verifier != "" {
		step(func() int { return raw.M2mauth_oauth1_set_verifier(h, []byte(cfg.Verifier)) })
	}
	for _, prm := range cfg.Params {
		prm := prm
		step(func() int { return raw.M2mauth_oauth1_add_param(h, prm.Name, prm.Value) })
	}
	if cfg.Clock != nil {
		step(func() int { return raw.M2mauth_glue_oauth1_set_clock(h, clockPayload(cfg.Clock)) })
	}
	if cfg.FixedNonce != "" {
		step(func() int { return raw.M2mauth_oauth1_set_fixed_nonce(h, []byte(cfg.FixedNonce)) })
	}
	if cfg.FixedTimestamp > 0 {
		step(func() int { return raw.M2mauth_oauth1_set_fixed_timestamp(h, cfg.FixedTimestamp) })
	}
	if cfg.BodyHash {
		step(func() int { return raw.M2mauth_oauth1_set_body_hash(h, 1) })
	}
	for _, st := range steps {
		if err := st(); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *OAuth1Signer) use(f func(h raw.OAuth1Handle) int) error {
	if s == nil {
		return ErrClosed
	}
	err := s.h.use(func(p uintptr) error { return call(func() int { return f(oauth1Handle(p)) }) })
	runtime.KeepAlive(s)
	return err
}

// Sign signs req in place: its Authorization header (replaced), or its URL query or form body gets
// the protocol parameters and oauth_signature. On failure req is unchanged.
func (s *OAuth1Signer) Sign(req *Request) error {
	return withNativeRequest(req, func(r raw.RequestHandle) error {
		if err := s.use(func(h raw.OAuth1Handle) int { return raw.M2mauth_oauth1_sign(h, r) }); err != nil {
			return err
		}
		readRequest(r, req)
		return nil
	})
}

// BaseString is the RFC 5849 section 3.4.1.1 signature base string Sign would sign for req with this
// nonce and timestamp (Unix seconds): compare it with the server's when a signature is refused.
func (s *OAuth1Signer) BaseString(req *Request, nonce string, timestamp int64) (string, error) {
	return s.diagnostic(raw.M2mauth_oauth1_base_string, req, nonce, timestamp)
}

// Signature is the oauth_signature (before percent-encoding) for the same inputs. For PLAINTEXT it is
// the signing key, i.e. the secrets.
func (s *OAuth1Signer) Signature(req *Request, nonce string, timestamp int64) (string, error) {
	return s.diagnostic(raw.M2mauth_oauth1_signature, req, nonce, timestamp)
}

func (s *OAuth1Signer) diagnostic(f func(*[]byte, raw.OAuth1Handle, raw.RequestHandle, []byte, int64) int,
	req *Request, nonce string, timestamp int64) (string, error) {
	if err := text("nonce", nonce); err != nil {
		return "", err
	}
	if nonce == "" {
		return "", argError("nonce is empty")
	}
	var b []byte
	err := withNativeRequest(req, func(r raw.RequestHandle) error {
		return s.use(func(h raw.OAuth1Handle) int { return f(&b, h, r, []byte(nonce), timestamp) })
	})
	return str(b), err
}

// Close releases the signer and wipes its secrets. Later calls return ErrClosed.
func (s *OAuth1Signer) Close() error {
	if s != nil {
		s.h.close()
	}
	return nil
}

// String names the consumer key, never a secret.
func (s *OAuth1Signer) String() string {
	if s == nil || s.h.closed() {
		return "OAuth1Signer(closed)"
	}
	return "OAuth1Signer(" + s.consumerKey + ")"
}
