package m2mauth

import (
	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Signer signs with a private key held elsewhere: a cloud KMS, a Vault transit key, an HSM.
//
// Sign returns the signature of exactly data with alg: a JWS name ("RS256", "PS256", "ES256",
// "EdDSA", ...) or "RSA-SHA1" (OAuth 1.0). RSA signatures as usual; ECDSA as raw R||S or ASN.1 DER
// (what crypto/ecdsa.SignASN1 and KMS APIs return); Ed25519 64 bytes. Every signature is checked with
// the public key before use. An error fails the signing call with ErrSigner and the error's text.
//
// The library calls Sign from the signing goroutine's thread (or one of its own), one call at a time
// per key, never from inside another call of the same key.
type Signer interface {
	Sign(alg string, data []byte) ([]byte, error)
}

// SignerFunc adapts a function to Signer.
type SignerFunc func(alg string, data []byte) ([]byte, error)

// Sign calls f.
func (f SignerFunc) Sign(alg string, data []byte) ([]byte, error) { return f(alg, data) }

// KeyFromSigner is a key whose private part stays with s: it signs everywhere a private key does (JWTs,
// private_key_jwt client assertions, OAuth 1.0 RSA). publicKey says what the key is (its public part
// is used, its kid kept); alg (0: none) binds the key to one algorithm. The private key cannot be
// exported. The library keeps s for as long as this key or any key derived from it lives.
func KeyFromSigner(publicKey *Key, alg Algorithm, s Signer) (*Key, error) {
	if s == nil {
		return nil, argError("signer is nil")
	}
	return publicKey.derive(func(out *uintptr, h raw.KeyHandle) int {
		// The library owns payload from here on (released with the key, or at once on failure).
		payload := raw.NewCallback(raw.SignFunc(func(name string, data []byte) ([]byte, string) {
			sig, err := s.Sign(name, data)
			if err != nil {
				if msg := err.Error(); msg != "" {
					return nil, msg
				}
				return nil, "the signer failed"
			}
			return sig, ""
		}))
		return raw.M2mauth_glue_key_from_signer(out, int(alg), h, payload)
	})
}

// IsSigner reports whether k was made by KeyFromSigner.
func (k *Key) IsSigner() bool {
	return keyValue(k, func(h raw.KeyHandle) bool { return raw.M2mauth_key_is_signer(h) != 0 })
}

// KeyFromPKCS11 is a private key held by a PKCS#11 token (an HSM, a smart card, SoftHSM), named by an
// RFC 7512 URI such as "pkcs11:token=prod;object=signing-key;type=private". It signs everywhere a
// private key does and never leaves the token. pin may be nil: then the URI's pin-value, else the
// environment's M2MAUTH_PKCS11_PIN. The module is the URI's module-path query attribute, else
// M2MAUTH_PKCS11_MODULE. Needs OpenSSL's pkcs11 engine (Debian: libengine-pkcs11-openssl).
func KeyFromPKCS11(uri string, pin []byte) (*Key, error) {
	if err := text("uri", uri); err != nil {
		return nil, err
	}
	return newKey(func(out *uintptr) int { return raw.M2mauth_key_from_pkcs11(out, uri, pin) })
}
