package m2mauth

import (
	"fmt"
	"runtime"

	"github.com/m2mauth/m2mauth/bindings/go/internal/nativeptr"
	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// KeyType is a key family, named as the JWK "kty" values.
type KeyType int

// Key families (m2mauth_key_type).
const (
	KeyRSA KeyType = 1
	KeyEC  KeyType = 2
	KeyOKP KeyType = 3 // Ed25519
	KeyOct KeyType = 4 // HMAC secret
)

func (t KeyType) String() string {
	switch t {
	case KeyRSA:
		return "RSA"
	case KeyEC:
		return "EC"
	case KeyOKP:
		return "OKP"
	case KeyOct:
		return "oct"
	}
	return "unknown"
}

// Key is a parsed key (RSA, EC, Ed25519 or an HMAC secret). Immutable and safe for concurrent use.
type Key struct {
	h   handle
	alg Algorithm // m2mauth_alg_default_for, fixed for the key's life
}

func keyHandle(p uintptr) raw.KeyHandle { return raw.SwigcptrKeyHandle(p) }

// newKey runs a raw constructor that writes a new key handle to out.
func newKey(f func(out *uintptr) int) (*Key, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	var p uintptr
	if err := call(func() int { return f(&p) }); err != nil {
		return nil, err
	}
	return wrapKey(p), nil
}

// wrapKey owns a new key handle.
func wrapKey(p uintptr) *Key {
	k := &Key{alg: Algorithm(raw.M2mauth_alg_default_for(keyHandle(p)))}
	k.h.set(p, func(p uintptr) { raw.DeleteKeyHandle(keyHandle(p)) })
	runtime.SetFinalizer(k, (*Key).Close)
	return k
}

// GenerateRSA makes an RSA key pair of 2048, 3072 or 4096 bits.
func GenerateRSA(bits int) (*Key, error) {
	if bits <= 0 {
		return nil, argError("RSA key size must be positive")
	}
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_generate_rsa(out, uint(bits)) })
}

// GenerateEC makes an EC key pair on "P-256", "P-384" or "P-521".
func GenerateEC(curve string) (*Key, error) {
	if err := text("curve", curve); err != nil {
		return nil, err
	}
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_generate_ec(out, curve) })
}

// GenerateEd25519 makes an Ed25519 key pair.
func GenerateEd25519() (*Key, error) {
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_generate_ed25519(out) })
}

// GenerateHMAC makes a random HMAC secret of n bytes (16 to 1024).
func GenerateHMAC(n int) (*Key, error) {
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_generate_hmac(out, int64(n)) })
}

// KeyFromSecret makes an HMAC key from secret bytes (copied: the caller may wipe its slice).
func KeyFromSecret(secret []byte) (*Key, error) {
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_from_secret(out, secret) })
}

// KeyFromPEM parses a private key (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8), a public key (SPKI,
// PKCS#1) or a certificate. passphrase may be nil; the caller may wipe it afterwards.
func KeyFromPEM(pem []byte, passphrase []byte) (*Key, error) {
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_from_pem(out, pem, passphrase) })
}

// KeyFromDER parses PKCS#8 (possibly encrypted), PKCS#1, SEC1, SPKI or a certificate.
func KeyFromDER(der []byte, passphrase []byte) (*Key, error) {
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_from_der(out, der, passphrase) })
}

// KeyFromFile reads a PEM or DER file (at most 1 MiB).
func KeyFromFile(path string, passphrase []byte) (*Key, error) {
	if err := text("path", path); err != nil {
		return nil, err
	}
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_from_file(out, path, passphrase) })
}

// KeyFromJWK parses a JWK (RSA, EC, OKP Ed25519 or oct; public or private).
func KeyFromJWK(jwk string) (*Key, error) {
	if err := text("JWK", jwk); err != nil {
		return nil, err
	}
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_from_jwk(out, jwk) })
}

// KeyFromJWKS picks the key with this kid from a JWKS; kid "" picks the only key of a one-key set.
func KeyFromJWKS(jwks string, kid string) (*Key, error) {
	if err := texts("JWKS", []string{jwks, kid}); err != nil {
		return nil, err
	}
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_from_jwks(out, jwks, optional(kid)) })
}

// use runs one raw call with the live handle.
func (k *Key) use(f func(h raw.KeyHandle) int) error {
	if k == nil {
		return ErrClosed
	}
	err := k.h.use(func(p uintptr) error { return call(func() int { return f(keyHandle(p)) }) })
	runtime.KeepAlive(k)
	return err
}

// value runs a getter that cannot fail; zero after Close.
func keyValue[T any](k *Key, f func(h raw.KeyHandle) T) T {
	var v T
	if k != nil {
		_ = k.h.use(func(p uintptr) error { v = f(keyHandle(p)); return nil })
		runtime.KeepAlive(k)
	}
	return v
}

func (k *Key) derive(f func(out *uintptr, h raw.KeyHandle) int) (*Key, error) {
	var p uintptr
	if err := k.use(func(h raw.KeyHandle) int { return f(&p, h) }); err != nil {
		return nil, err
	}
	return wrapKey(p), nil
}

func (k *Key) text(f func(out *[]byte, h raw.KeyHandle) int) (string, error) {
	var b []byte
	err := k.use(func(h raw.KeyHandle) int { return f(&b, h) })
	return str(b), err
}

func (k *Key) bytes(f func(out *[]byte, h raw.KeyHandle) int) ([]byte, error) {
	var b []byte
	err := k.use(func(h raw.KeyHandle) int { return f(&b, h) })
	return b, err
}

// Type is the key family (0 after Close).
func (k *Key) Type() KeyType {
	return keyValue(k, func(h raw.KeyHandle) KeyType { return KeyType(raw.M2mauth_key_type_of(h)) })
}

// Bits is the RSA modulus size, EC field size, 256 for Ed25519 or secret length * 8 for HMAC.
func (k *Key) Bits() int {
	return keyValue(k, func(h raw.KeyHandle) int { return int(raw.M2mauth_key_bits(h)) })
}

// Curve is "P-256", "P-384", "P-521", "Ed25519", or "" for RSA and HMAC keys.
func (k *Key) Curve() string { return keyValue(k, raw.M2mauth_key_curve) }

// HasPrivate reports whether the key holds private (or secret) material.
func (k *Key) HasPrivate() bool {
	return keyValue(k, func(h raw.KeyHandle) bool { return raw.M2mauth_key_has_private(h) != 0 })
}

// KID is the key's "kid", "" if none.
func (k *Key) KID() string { return keyValue(k, raw.M2mauth_key_kid) }

// DefaultAlgorithm is the usual algorithm for the key: RS256, ES256/384/512 by curve, EdDSA or HS256.
func (k *Key) DefaultAlgorithm() Algorithm {
	return keyValue(k, func(raw.KeyHandle) Algorithm { return k.alg })
}

// Public is a new key holding only the public part.
func (k *Key) Public() (*Key, error) {
	return k.derive(func(out *uintptr, h raw.KeyHandle) int { return raw.M2mauth_key_public(out, h) })
}

// WithKID is a new key for the same material with this kid.
func (k *Key) WithKID(kid string) (*Key, error) {
	if err := text("kid", kid); err != nil {
		return nil, err
	}
	return k.derive(func(out *uintptr, h raw.KeyHandle) int { return raw.M2mauth_key_with_kid(out, h, []byte(kid)) })
}

// PublicPEM is the SPKI PEM ("BEGIN PUBLIC KEY").
func (k *Key) PublicPEM() (string, error) { return k.text(raw.M2mauth_key_public_pem) }

// PublicDER is the SPKI DER.
func (k *Key) PublicDER() ([]byte, error) { return k.bytes(raw.M2mauth_key_public_der) }

// PrivatePEM is the PKCS#8 PEM, encrypted (AES-256-CBC, PBKDF2) when passphrase is not nil. A secret.
func (k *Key) PrivatePEM(passphrase []byte) (string, error) {
	return k.text(func(out *[]byte, h raw.KeyHandle) int { return raw.M2mauth_key_private_pem(out, h, passphrase) })
}

// PublicJWK is the public JWK (with "kid" if the key has one). HMAC keys have none (ErrKeyType).
func (k *Key) PublicJWK() (string, error) { return k.PublicJWKWith(0, "") }

// PublicJWKWith adds "alg" (unless 0) and "use" (unless "") members.
func (k *Key) PublicJWKWith(alg Algorithm, use string) (string, error) {
	if err := text("use", use); err != nil {
		return "", err
	}
	var algName []byte
	if alg != 0 {
		algName = []byte(alg.String())
	}
	return k.text(func(out *[]byte, h raw.KeyHandle) int {
		return raw.M2mauth_key_public_jwk(out, h, algName, optional(use))
	})
}

// PrivateJWK is the private JWK. A secret.
func (k *Key) PrivateJWK() (string, error) { return k.text(raw.M2mauth_key_private_jwk) }

// Thumbprint is the RFC 7638 JWK thumbprint (SHA-256, base64url).
func (k *Key) Thumbprint() (string, error) { return k.text(raw.M2mauth_key_thumbprint) }

// JWKS is a {"keys":[...]} set of the public JWKs of keys (HMAC keys have none: ErrKeyType).
func JWKS(keys ...*Key) (string, error) {
	hs := make([]*nativeptr.Ptr, 0, len(keys))
	for _, k := range keys {
		if k == nil {
			return "", ErrClosed
		}
		hs = append(hs, &k.h.p)
	}
	var out []byte
	err := nativeptr.UseAll(hs, ErrClosed, func(ptrs []uintptr) error {
		return call(func() int { return raw.M2mauth_key_jwks(&out, ptrs) })
	})
	runtime.KeepAlive(keys)
	return str(out), err
}

// Close releases the key; later calls return ErrClosed. Safe to call more than once.
func (k *Key) Close() error {
	if k != nil {
		k.h.close()
		runtime.SetFinalizer(k, nil)
	}
	return nil
}

// String describes the key without any key material.
func (k *Key) String() string {
	if k == nil || k.h.closed() {
		return "Key(closed)"
	}
	priv := "public"
	if k.HasPrivate() {
		priv = "private"
	}
	s := fmt.Sprintf("Key(%s, %d bits, %s", k.Type(), k.Bits(), priv)
	if kid := k.KID(); kid != "" {
		s += ", kid=" + kid
	}
	return s + ")"
}
