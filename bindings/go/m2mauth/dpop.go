package m2mauth

import (
	"net/http"
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

// Observe is for requests the application sends itself, after a response to a request for url that
// carried a proof of this key: it remembers the response's DPoP-Nonce as the newest nonce of url's
// origin and reports whether the response asks for a nonce (a 401 with WWW-Authenticate: DPoP
// error="use_dpop_nonce", or a 400 whose JSON error is use_dpop_nonce): then one new Proof (nonce "")
// answers it. Retry once at most. The rule is the library's (m2mauth_dpop_observe); Transport follows it.
func (d *DPoP) Observe(url string, resp *Response) (bool, error) {
	if resp == nil {
		return false, argError("no response")
	}
	return d.observe(url, resp.StatusCode, resp.Header, resp.Body)
}

func (d *DPoP) observe(url string, status int, header http.Header, body []byte) (bool, error) {
	if err := text("url", url); err != nil {
		return false, err
	}
	for k, vs := range header {
		if err := text("header name", k); err != nil {
			return false, err
		}
		if err := texts("header value", vs); err != nil {
			return false, err
		}
	}
	var p uintptr
	if err := call(func() int { return raw.M2mauth_response_new(&p, status) }); err != nil {
		return false, err
	}
	r := raw.SwigcptrResponseHandle(p)
	defer raw.DeleteResponseHandle(r)
	err := call(func() int {
		for k, vs := range header {
			for _, v := range vs {
				if st := raw.M2mauth_response_add_header(r, k, v); st < 0 {
					return st
				}
			}
		}
		if len(body) > 0 {
			return raw.M2mauth_response_set_body(r, body)
		}
		return 0
	})
	if err != nil {
		return false, err
	}
	var retry int32
	err = d.use(func(h raw.DpopHandle) int { return raw.M2mauth_dpop_observe(&retry, h, url, r) })
	return retry != 0, err
}

// DPoP is the proof key of the manager's client (TokenClientConfig.DPoP, or a configuration's
// oauth2.dpop_key): a new handle (the caller closes it) sharing the key and the nonces it remembers;
// nil (and no error) without DPoP. Transport uses the same key.
func (m *TokenManager) DPoP() (*DPoP, error) {
	var ptr uintptr
	if err := m.use(func(h raw.TokenManagerHandle) int { return raw.M2mauth_token_manager_dpop(&ptr, h) }); err != nil {
		return nil, err
	}
	if ptr == 0 {
		return nil, nil
	}
	d := &DPoP{}
	d.h.set(ptr, func(p uintptr) { raw.DeleteDpopHandle(dpopHandle(p)) })
	runtime.SetFinalizer(d, (*DPoP).Close)
	return d, nil
}

// dpopKey is the manager's DPoP key for Transport, read once and kept (closed with the manager).
func (m *TokenManager) dpopKey() (*DPoP, error) {
	if p := m.dpop.Load(); p != nil {
		return p.key, nil
	}
	key, err := m.DPoP()
	if err != nil {
		return nil, err
	}
	if !m.dpop.CompareAndSwap(nil, &managerDPoP{key: key}) {
		key.Close()
		return m.dpop.Load().key, nil
	}
	return key, nil
}

// managerDPoP is what dpopKey found (key nil: the manager has no DPoP key).
type managerDPoP struct{ key *DPoP }
