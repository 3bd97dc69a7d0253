package m2mauth

import (
	"runtime"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// CertMember selects header members derived from a certificate.
type CertMember uint

// Certificate-derived header members (M2MAUTH_HEADER_*).
const (
	X5T     CertMember = 1 // "x5t": SHA-1 thumbprint
	X5TS256 CertMember = 2 // "x5t#S256": SHA-256 thumbprint
	X5C     CertMember = 4 // "x5c": the certificate
)

// SignOption sets the algorithm or a protected-header member.
type SignOption func(*signConfig)

type signConfig struct {
	alg         Algorithm
	typ, kid    *string
	cty, extra  *string
	cert        *Certificate
	certMembers CertMember
}

// WithAlgorithm signs with alg instead of the key's default.
func WithAlgorithm(alg Algorithm) SignOption { return func(c *signConfig) { c.alg = alg } }

// WithType sets "typ" ("" omits it; default: "JWT" for JWTs, none for JWS).
func WithType(typ string) SignOption { return func(c *signConfig) { c.typ = &typ } }

// WithKeyID sets "kid" ("" omits it; default: the key's kid).
func WithKeyID(kid string) SignOption { return func(c *signConfig) { c.kid = &kid } }

// WithContentType sets "cty".
func WithContentType(cty string) SignOption { return func(c *signConfig) { c.cty = &cty } }

// WithExtraHeader adds the members of a JSON object to the header (it may not override "alg").
func WithExtraHeader(json string) SignOption { return func(c *signConfig) { c.extra = &json } }

// WithCertificate adds members derived from cert, which must stay open until signing returns.
func WithCertificate(cert *Certificate, members ...CertMember) SignOption {
	return func(c *signConfig) {
		c.cert = cert
		c.certMembers = 0
		for _, m := range members {
			c.certMembers |= m
		}
	}
}

// withHeader runs f with the native header for opts, or with a zero handle (C NULL: the key's default
// algorithm and default members) when opts ask for nothing else, which saves building one per call.
func withHeader(key *Key, opts []SignOption, f func(h raw.JwsHeader) error) error {
	var c signConfig
	for _, o := range opts {
		o(&c)
	}
	if c == (signConfig{alg: c.alg}) && (c.alg == 0 || key != nil && c.alg == key.alg) {
		return f(raw.SwigcptrJwsHeader(0))
	}
	for _, s := range []*string{c.typ, c.kid, c.cty, c.extra} {
		if s != nil {
			if err := text("header member", *s); err != nil {
				return err
			}
		}
	}
	h := raw.NewJwsHeader()
	if h == nil || h.Swigcptr() == 0 {
		return ErrNoMemory
	}
	defer raw.DeleteJwsHeader(h)
	h.SetAlg(int(c.alg))
	if c.typ != nil {
		h.SetTyp(*c.typ)
	}
	if c.kid != nil {
		h.SetKid(*c.kid)
	}
	if c.cty != nil {
		h.SetCty(*c.cty)
	}
	if c.extra != nil {
		h.SetExtra_json(*c.extra)
	}
	if c.cert == nil {
		return f(h)
	}
	err := c.cert.h.use(func(p uintptr) error {
		h.SetCert(certHandle(p))
		h.SetCert_members(uint(c.certMembers))
		return f(h)
	})
	runtime.KeepAlive(c.cert)
	return err
}

// SignJWT signs claims as a compact JWT. claims is JSON text (string, []byte, json.RawMessage) or
// anything encoding/json marshals to an object (a Claims map, a struct).
func SignJWT(key *Key, claims any, opts ...SignOption) (string, error) {
	js, err := claimsJSON(claims)
	if err != nil {
		return "", err
	}
	if err := text("claims", js); err != nil {
		return "", err
	}
	var out []byte
	err = withHeader(key, opts, func(h raw.JwsHeader) error {
		return key.use(func(k raw.KeyHandle) int { return raw.M2mauth_jwt_sign_json(&out, k, js, h) })
	})
	return str(out), err
}

// SignJWS signs payload as a compact JWS "header.payload.signature".
func SignJWS(key *Key, payload []byte, opts ...SignOption) (string, error) {
	var out []byte
	err := withHeader(key, opts, func(h raw.JwsHeader) error {
		return key.use(func(k raw.KeyHandle) int { return raw.M2mauth_jws_sign(&out, k, payload, h) })
	})
	return str(out), err
}

// SignJWSProtected signs with exactly these protected-header bytes (a JSON object with "alg"), for
// reproducing known answers.
func SignJWSProtected(key *Key, protected, payload []byte) (string, error) {
	var out []byte
	err := key.use(func(k raw.KeyHandle) int { return raw.M2mauth_jws_sign_protected(&out, k, protected, payload) })
	return str(out), err
}
