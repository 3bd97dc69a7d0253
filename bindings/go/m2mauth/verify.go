package m2mauth

import (
	"encoding/json"
	"runtime"
	"sync"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// VerifyOption adds a check to JWT verification.
type VerifyOption func(*verifyConfig)

type verifyConfig struct {
	algs      []Algorithm
	audiences []string
	issuer    *string
	subject   *string
	typ       *string
	leeway    *time.Duration
	required  []string
	maxSize   *int
	at        *time.Time
}

// WithAllowedAlgorithms is the algorithm allow-list (default: the key's default algorithm only).
func WithAllowedAlgorithms(algs ...Algorithm) VerifyOption {
	return func(c *verifyConfig) { c.algs = append(c.algs, algs...) }
}

// WithAudience accepts tokens whose "aud" contains one of these.
func WithAudience(aud ...string) VerifyOption {
	return func(c *verifyConfig) { c.audiences = append(c.audiences, aud...) }
}

// WithIssuer requires "iss".
func WithIssuer(iss string) VerifyOption { return func(c *verifyConfig) { c.issuer = &iss } }

// WithSubject requires "sub".
func WithSubject(sub string) VerifyOption { return func(c *verifyConfig) { c.subject = &sub } }

// WithExpectedType requires the header "typ" (case-insensitive, "application/" ignored).
func WithExpectedType(typ string) VerifyOption { return func(c *verifyConfig) { c.typ = &typ } }

// WithLeeway allows clock skew for exp, nbf and iat (0 to 24 h, whole seconds).
func WithLeeway(d time.Duration) VerifyOption { return func(c *verifyConfig) { c.leeway = &d } }

// WithRequiredClaims requires these claims to be present.
func WithRequiredClaims(names ...string) VerifyOption {
	return func(c *verifyConfig) { c.required = append(c.required, names...) }
}

// WithMaxSize sets the maximum token length in bytes (default 64 KiB).
func WithMaxSize(n int) VerifyOption { return func(c *verifyConfig) { c.maxSize = &n } }

// WithTime checks times as of t instead of now (tests, re-checking a logged token).
func WithTime(t time.Time) VerifyOption { return func(c *verifyConfig) { c.at = &t } }

// Verifier is a configured JWT verifier: make it once, Verify from any number of goroutines.
type Verifier struct {
	h      handle
	native raw.VerifierHandle // the handle's pointer as the raw layer's type, made once; used only inside h.use
}

func verifierHandle(p uintptr) raw.VerifierHandle { return raw.SwigcptrVerifierHandle(p) }

// NewVerifier verifies tokens signed by key.
func NewVerifier(key *Key, opts ...VerifyOption) (*Verifier, error) {
	c := collect(opts)
	if len(c.algs) == 0 {
		if a := key.DefaultAlgorithm(); a != 0 {
			c.algs = []Algorithm{a}
		}
	}
	bits, err := algBits(c.algs)
	if err != nil {
		return nil, err
	}
	var p uintptr
	if err := key.use(func(k raw.KeyHandle) int { return raw.M2mauth_verifier_new(&p, k, bits) }); err != nil {
		return nil, err
	}
	return configure(p, c)
}

// NewVerifierJWKS verifies tokens signed by the JWKS key their "kid" names; WithAllowedAlgorithms is
// required.
func NewVerifierJWKS(jwks string, opts ...VerifyOption) (*Verifier, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	if err := text("JWKS", jwks); err != nil {
		return nil, err
	}
	c := collect(opts)
	bits, err := algBits(c.algs)
	if err != nil {
		return nil, err
	}
	var p uintptr
	if err := call(func() int { return raw.M2mauth_verifier_from_jwks(&p, jwks, bits) }); err != nil {
		return nil, err
	}
	return configure(p, c)
}

func collect(opts []VerifyOption) *verifyConfig {
	c := &verifyConfig{}
	for _, o := range opts {
		o(c)
	}
	return c
}

func configure(p uintptr, c *verifyConfig) (*Verifier, error) {
	v := &Verifier{native: verifierHandle(p)}
	v.h.set(p, func(p uintptr) { raw.DeleteVerifierHandle(verifierHandle(p)) })
	runtime.SetFinalizer(v, (*Verifier).Close)
	h := verifierHandle(p)
	steps := []func() int{}
	for _, a := range c.audiences {
		a := a
		steps = append(steps, func() int { return raw.M2mauth_verifier_add_audience(h, a) })
	}
	if c.issuer != nil {
		steps = append(steps, func() int { return raw.M2mauth_verifier_set_issuer(h, *c.issuer) })
	}
	if c.subject != nil {
		steps = append(steps, func() int { return raw.M2mauth_verifier_set_subject(h, *c.subject) })
	}
	if c.typ != nil {
		steps = append(steps, func() int { return raw.M2mauth_verifier_set_typ(h, *c.typ) })
	}
	if c.leeway != nil {
		steps = append(steps, func() int { return raw.M2mauth_verifier_set_leeway(h, int64(*c.leeway/time.Second)) })
	}
	for _, r := range c.required {
		r := r
		steps = append(steps, func() int { return raw.M2mauth_verifier_require_claim(h, r) })
	}
	if c.maxSize != nil {
		if *c.maxSize < 0 {
			v.Close()
			return nil, argError("maximum size must not be negative")
		}
		steps = append(steps, func() int { return raw.M2mauth_verifier_set_max_size(h, int64(*c.maxSize)) })
	}
	if c.at != nil {
		steps = append(steps, func() int { return raw.M2mauth_glue_verifier_set_fixed_time(h, c.at.UnixMilli()) })
	}
	all := append([]string{}, c.audiences...)
	all = append(all, c.required...)
	for _, s := range []*string{c.issuer, c.subject, c.typ} {
		if s != nil {
			all = append(all, *s)
		}
	}
	if err := texts("verifier option", all); err != nil {
		v.Close()
		return nil, err
	}
	for _, step := range steps {
		if err := call(step); err != nil {
			v.Close()
			return nil, err
		}
	}
	return v, nil
}

// Verify checks token (signature, algorithm, exp/nbf/iat and the configured claims) and returns it
// decoded. Refusals match ErrInvalidToken and the specific sentinel (ErrExpired, ErrSignature, ...).
func (v *Verifier) Verify(token string) (*Token, error) {
	claimsJSON, headerJSON, err := v.verified(token)
	if err != nil {
		return nil, err
	}
	return decodedToken(str(claimsJSON), str(headerJSON))
}

// VerifyInto verifies token with the same checks as Verify and decodes its claims into dst (a pointer
// to a struct, a map, ...) as encoding/json.Unmarshal does, the way golang-jwt's ParseWithClaims and
// go-jose's Claims fill a caller's type. It builds neither Token.Claims nor the header map: the cheaper
// call when the application knows its claims' shape, and the cheapest with a *RegisteredClaims, which is
// filled without encoding/json. A verified token whose claims do not fit dst gives an invalid_argument
// error naming the Go type (encoding/json's message: field and type, never a value).
func (v *Verifier) VerifyInto(token string, dst any) error {
	s := verifyScratchPool.Get().(*verifyScratch)
	defer s.release()
	claimsJSON, err := v.verifiedJSON(token, s)
	if err != nil {
		return err
	}
	if rc, ok := dst.(*RegisteredClaims); ok && rc != nil && decodeRegistered(claimsJSON, rc) {
		return nil
	}
	if err := json.Unmarshal(claimsJSON, dst); err != nil {
		return argError("the verified claims do not fit the destination: " + unmarshalProblem(err))
	}
	return nil
}

// verifyScratch is what one VerifyInto reuses from the last: the token as C text and room for the claims.
type verifyScratch struct {
	in, out []byte
	sizes   []int64 // an allocation of its own: memory passed to C must hold no Go pointer
}

var verifyScratchPool = sync.Pool{New: func() any { return &verifyScratch{sizes: make([]int64, 1)} }}

// release wipes the token's copy and returns s to the pool (unless a huge token grew it).
func (s *verifyScratch) release() {
	clear(s.in)
	if cap(s.in) <= 16<<10 && cap(s.out) <= 16<<10 {
		verifyScratchPool.Put(s)
	}
}

// verifiedJSON verifies token in one native call (m2mauth_glue_verifier_verify_json) and returns the claims
// as JSON text, in s.out: valid until s is released.
func (v *Verifier) verifiedJSON(token string, s *verifyScratch) ([]byte, error) {
	if v == nil {
		return nil, ErrClosed
	}
	if err := text("token", token); err != nil {
		return nil, err
	}
	s.in = append(append(s.in[:0], token...), 0)
	if cap(s.out) < len(token) {
		s.out = make([]byte, len(token)) // the claims are shorter than the token carrying them, unless re-encoded
	}
	for {
		out := s.out[:cap(s.out)]
		err := v.h.use(func(uintptr) error {
			return call(func() int { return raw.M2mauth_glue_verifier_verify_json(v.native, s.in, out, s.sizes) })
		})
		runtime.KeepAlive(v)
		if err != nil {
			return nil, err
		}
		if n := int(s.sizes[0]); n <= len(out) {
			return out[:n], nil
		}
		s.out = make([]byte, int(s.sizes[0])) // verified, but the claims did not fit: once more with room
	}
}

// verified runs the native verification and returns the claims and the protected header as JSON text
// (Verify's path; VerifyInto has verifiedJSON).
func (v *Verifier) verified(token string) (claimsJSON, headerJSON []byte, err error) {
	if v == nil {
		return nil, nil, ErrClosed
	}
	if err := text("token", token); err != nil {
		return nil, nil, err
	}
	err = v.h.use(func(p uintptr) error {
		var c uintptr
		if err := call(func() int { return raw.M2mauth_verifier_verify(&c, verifierHandle(p), token) }); err != nil {
			return err
		}
		ch := raw.SwigcptrClaimsHandle(c)
		defer raw.DeleteClaimsHandle(ch)
		return call(func() int {
			if st := raw.M2mauth_claims_to_json(&claimsJSON, ch); st < 0 {
				return st
			}
			return raw.M2mauth_claims_header_json(&headerJSON, ch)
		})
	})
	runtime.KeepAlive(v)
	return claimsJSON, headerJSON, err
}

// unmarshalProblem describes an encoding/json failure by field and type only (a SyntaxError cannot
// happen: the library returned the payload as validated JSON).
func unmarshalProblem(err error) string {
	switch e := err.(type) {
	case *json.UnmarshalTypeError:
		where := e.Field
		if where == "" {
			where = "the claims"
		}
		return "a JSON " + e.Value + " cannot go into " + where + " of type " + e.Type.String()
	case *json.InvalidUnmarshalError:
		return "dst must be a non-nil pointer"
	}
	return "encoding/json refused them"
}

func decodedToken(claimsJSON, headerJSON string) (*Token, error) {
	claims, err := parseObject(claimsJSON)
	if err != nil {
		return nil, err
	}
	t := &Token{Claims: claims, ClaimsJSON: claimsJSON, HeaderJSON: headerJSON}
	if headerJSON != "" {
		if t.Header, err = parseObject(headerJSON); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Close releases the verifier; later calls return ErrClosed.
func (v *Verifier) Close() error {
	if v != nil {
		v.h.close()
		runtime.SetFinalizer(v, nil)
	}
	return nil
}

// VerifyJWT is the one-shot form of NewVerifier(key, opts...).Verify(token).
func VerifyJWT(token string, key *Key, opts ...VerifyOption) (*Token, error) {
	v, err := NewVerifier(key, opts...)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	return v.Verify(token)
}

// VerifyJWS returns the payload of token if its signature verifies with key under one of algs
// (default: the key's default algorithm).
func VerifyJWS(token string, key *Key, algs ...Algorithm) ([]byte, error) {
	if err := text("token", token); err != nil {
		return nil, err
	}
	if len(algs) == 0 {
		if a := key.DefaultAlgorithm(); a != 0 {
			algs = []Algorithm{a}
		}
	}
	bits, err := algBits(algs)
	if err != nil {
		return nil, err
	}
	var out []byte
	err = key.use(func(k raw.KeyHandle) int { return raw.M2mauth_jws_verify(&out, k, token, bits) })
	return out, err
}

// DecodeJWTUnverified is DANGEROUS: the claims of a token WITHOUT any verification, for diagnostics.
func DecodeJWTUnverified(token string) (Claims, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	if err := text("token", token); err != nil {
		return nil, err
	}
	var c uintptr
	if err := call(func() int { return raw.M2mauth_jwt_decode_unverified(&c, token) }); err != nil {
		return nil, err
	}
	ch := raw.SwigcptrClaimsHandle(c)
	defer raw.DeleteClaimsHandle(ch)
	var js []byte
	if err := call(func() int { return raw.M2mauth_claims_to_json(&js, ch) }); err != nil {
		return nil, err
	}
	return parseObject(str(js))
}
