package m2mauth

import (
	"runtime"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// DPoP is a DPoP proof key (RFC 9449): give it to TokenClientConfig.DPoP for DPoP-bound tokens (token
// requests carry a proof; a token of type DPoP goes out as "Authorization: DPoP <token>" with a fresh
// proof on every managed request; a use_dpop_nonce challenge is retried once), or make proofs for your
// own requests with Proof. Safe for concurrent use.
type DPoP struct {
	h handle
}

func dpopHandle(p uintptr) raw.DpopHandle { return raw.SwigcptrDpopHandle(p) }

// NewDPoP makes a proof key with a fresh EC P-256 key pair.
func NewDPoP() (*DPoP, error) {
	k, err := GenerateEC("P-256")
	if err != nil {
		return nil, err
	}
	defer k.Close()
	return NewDPoPWithKey(k, 0)
}

// NewDPoPWithKey makes a proof key from a private EC, Ed25519 or RSA key (shared: the caller may Close
// it). alg 0 is the key's default (ES256, EdDSA, RS256). An HMAC key is ErrKeyType, a public key
// ErrNoPrivateKey.
func NewDPoPWithKey(key *Key, alg Algorithm) (*DPoP, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	opts := raw.NewDpopOptionsStruct()
	defer raw.DeleteDpopOptionsStruct(opts)
	opts.SetAlg(int(alg))
	var p uintptr
	if err := key.use(func(k raw.KeyHandle) int { return raw.M2mauth_dpop_new(&p, k, opts) }); err != nil {
		return nil, err
	}
	d := &DPoP{}
	d.h.set(p, func(p uintptr) { raw.DeleteDpopHandle(dpopHandle(p)) })
	runtime.SetFinalizer(d, (*DPoP).Close)
	return d, nil
}

func (d *DPoP) use(f func(h raw.DpopHandle) int) error {
	if d == nil {
		return ErrClosed
	}
	err := d.h.use(func(p uintptr) error { return call(func() int { return f(dpopHandle(p)) }) })
	runtime.KeepAlive(d)
	return err
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint of the public key, base64url: the cnf.jkt of bound
// tokens (for logs).
func (d *DPoP) Thumbprint() (string, error) {
	var b []byte
	err := d.use(func(h raw.DpopHandle) int { return raw.M2mauth_dpop_thumbprint(&b, h) })
	return str(b), err
}

// PublicJWK is the public JWK the proofs carry (no private member).
func (d *DPoP) PublicJWK() (string, error) {
	var b []byte
	err := d.use(func(h raw.DpopHandle) int { return raw.M2mauth_dpop_public_jwk(&b, h) })
	return str(b), err
}

// Proof makes a proof for one request: htm method, htu url without query and fragment, iat now, a
// fresh jti, ath when accessToken is not "", and nonce ("" = the newest the key has seen from url's
// origin).
func (d *DPoP) Proof(method, url, accessToken, nonce string) (string, error) {
	if err := texts("DPoP proof argument", []string{method, url, accessToken, nonce}); err != nil {
		return "", err
	}
	var ath, n []byte
	if accessToken != "" {
		ath = []byte(accessToken)
	}
	if nonce != "" {
		n = []byte(nonce)
	}
	var b []byte
	err := d.use(func(h raw.DpopHandle) int { return raw.M2mauth_dpop_proof(&b, h, method, url, ath, n) })
	return str(b), err
}

// Close releases the key (token clients given it keep their own reference). Safe to call twice.
func (d *DPoP) Close() error {
	if d != nil {
		d.h.close()
		runtime.SetFinalizer(d, nil)
	}
	return nil
}
