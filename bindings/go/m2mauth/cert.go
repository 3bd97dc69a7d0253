package m2mauth

import (
	"runtime"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Hash selects a certificate fingerprint's hash.
type Hash int

// Fingerprint hashes (m2mauth_hash).
const (
	SHA1   Hash = 1
	SHA256 Hash = 2
)

// FingerprintFormat selects a fingerprint's text form.
type FingerprintFormat int

// Fingerprint forms (m2mauth_fingerprint_format).
const (
	HexColons FingerprintFormat = 1 // "AB:CD:..." as openssl x509 -fingerprint prints
	Hex       FingerprintFormat = 2 // lower case, no separators
	Base64URL FingerprintFormat = 3 // as the "x5t" and "x5t#S256" headers
)

// Certificate is an X.509 certificate (x5t/x5c headers, mTLS client authentication, fingerprints).
type Certificate struct {
	h handle
}

func certHandle(p uintptr) raw.CertHandle { return raw.SwigcptrCertHandle(p) }

func newCert(f func(out *uintptr) int) (*Certificate, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	var p uintptr
	if err := call(func() int { return f(&p) }); err != nil {
		return nil, err
	}
	c := &Certificate{}
	c.h.set(p, func(p uintptr) { raw.DeleteCertHandle(certHandle(p)) })
	runtime.SetFinalizer(c, (*Certificate).Close)
	return c, nil
}

// CertificateFromPEM parses the first certificate of PEM text.
func CertificateFromPEM(pem []byte) (*Certificate, error) {
	return newCert(func(out *uintptr) int { return raw.M2mauth_cert_from_pem(out, pem) })
}

// CertificateFromDER parses a DER-encoded certificate (nothing may follow it).
func CertificateFromDER(der []byte) (*Certificate, error) {
	return newCert(func(out *uintptr) int { return raw.M2mauth_cert_from_der(out, der) })
}

// CertificateFromFile reads a PEM or DER certificate file.
func CertificateFromFile(path string) (*Certificate, error) {
	if err := text("path", path); err != nil {
		return nil, err
	}
	return newCert(func(out *uintptr) int { return raw.M2mauth_cert_from_file(out, path) })
}

// SelfSignedCertificate makes a certificate for key: CN=commonName, valid from a minute ago for days days.
func SelfSignedCertificate(key *Key, commonName string, days int) (*Certificate, error) {
	if err := text("common name", commonName); err != nil {
		return nil, err
	}
	if days <= 0 {
		return nil, argError("days must be positive")
	}
	if key == nil {
		return nil, ErrClosed
	}
	var c *Certificate
	err := key.h.use(func(kp uintptr) error {
		var e error
		c, e = newCert(func(out *uintptr) int {
			return raw.M2mauth_cert_self_signed(out, keyHandle(kp), commonName, uint(days))
		})
		return e
	})
	runtime.KeepAlive(key)
	return c, err
}

func (c *Certificate) use(f func(h raw.CertHandle) int) error {
	if c == nil {
		return ErrClosed
	}
	err := c.h.use(func(p uintptr) error { return call(func() int { return f(certHandle(p)) }) })
	runtime.KeepAlive(c)
	return err
}

func (c *Certificate) text(f func(out *[]byte, h raw.CertHandle) int) (string, error) {
	var b []byte
	err := c.use(func(h raw.CertHandle) int { return f(&b, h) })
	return str(b), err
}

// Fingerprint is the hash of the DER encoding in the chosen form.
func (c *Certificate) Fingerprint(hash Hash, format FingerprintFormat) (string, error) {
	return c.text(func(out *[]byte, h raw.CertHandle) int {
		return raw.M2mauth_cert_fingerprint(out, h, int(hash), int(format))
	})
}

// PublicKey is the certificate's public key.
func (c *Certificate) PublicKey() (*Key, error) {
	var p uintptr
	if err := c.use(func(h raw.CertHandle) int { return raw.M2mauth_cert_public_key(&p, h) }); err != nil {
		return nil, err
	}
	return wrapKey(p), nil
}

// DER is the certificate's DER encoding.
func (c *Certificate) DER() ([]byte, error) {
	var b []byte
	err := c.use(func(h raw.CertHandle) int { return raw.M2mauth_cert_der(&b, h) })
	return b, err
}

// PEM is the certificate in PEM.
func (c *Certificate) PEM() (string, error) { return c.text(raw.M2mauth_cert_pem) }

// Subject is the RFC 2253 subject, e.g. "CN=client,O=Example".
func (c *Certificate) Subject() (string, error) { return c.text(raw.M2mauth_cert_subject) }

// NotAfter is the end of the validity period.
func (c *Certificate) NotAfter() (time.Time, error) {
	if c == nil {
		return time.Time{}, ErrClosed
	}
	var t int64
	err := c.h.use(func(p uintptr) error { t = raw.M2mauth_cert_not_after(certHandle(p)); return nil })
	runtime.KeepAlive(c)
	return time.Unix(t, 0), err
}

// Close releases the certificate; later calls return ErrClosed.
func (c *Certificate) Close() error {
	if c != nil {
		c.h.close()
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

func (c *Certificate) String() string {
	if s, err := c.Subject(); err == nil {
		return "Certificate(" + s + ")"
	}
	return "Certificate(closed)"
}
