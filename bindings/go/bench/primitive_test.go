package bench

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"strings"
	"testing"
)

// A message the size of a client assertion's signing input.
var primitiveMessage = []byte(strings.Repeat("eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJjbGllbnQifQ", 5))

// BenchmarkPrimitive/<alg>/<sign|verify>/<openssl|go-crypto>: the raw primitives, no JWT around them.
func BenchmarkPrimitive(b *testing.B) {
	for _, alg := range []string{"ES256", "EdDSA"} {
		priv, pub := goKeys(b, alg)
		o, err := newOpenSSLKey(readPEM(b, alg, ".pem"), alg == "EdDSA")
		if err != nil {
			b.Fatal(err)
		}
		digest := sha256.Sum256(primitiveMessage)
		var goSign func() ([]byte, error)
		var goVerify func(sig []byte) bool
		if alg == "EdDSA" {
			k := priv.(ed25519.PrivateKey)
			goSign = func() ([]byte, error) { return ed25519.Sign(k, primitiveMessage), nil }
			goVerify = func(sig []byte) bool { return ed25519.Verify(pub.(ed25519.PublicKey), primitiveMessage, sig) }
		} else {
			k := priv.(*ecdsa.PrivateKey)
			goSign = func() ([]byte, error) { return k.Sign(rand.Reader, digest[:], crypto.SHA256) }
			goVerify = func(sig []byte) bool { return ecdsa.VerifyASN1(pub.(*ecdsa.PublicKey), digest[:], sig) }
		}
		for _, op := range []string{"sign", "verify"} {
			verify := op == "verify"
			b.Run(alg+"/"+op+"/openssl", func(b *testing.B) {
				if err := o.run(primitiveMessage, b.N, verify); err != nil {
					b.Fatal(err)
				}
			})
			b.Run(alg+"/"+op+"/go-crypto", func(b *testing.B) {
				sig, err := goSign()
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if verify {
						if !goVerify(sig) {
							b.Fatal("verification failed")
						}
					} else if _, err := goSign(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
