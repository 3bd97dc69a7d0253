package m2mauth

import (
	"testing"

	"github.com/m2mauth/m2mauth/bindings/go/internal/cbench"
)

// Per-call cost of signing a typical client-assertion JWT, through the Go binding and from C itself.
//
//	PKG_CONFIG_PATH=<build>/pkgconfig go test -run '^$' -bench Sign -benchtime 2s ./m2mauth
//
// BenchmarkSign<alg>/C is the C baseline (the loop runs in C), /Go is SignJWT with WithAlgorithm (what an
// application writes), /GoDefaultHeader passes no options (no native header object is built).

const benchClaims = `{"iss":"m2mauth-client","sub":"m2mauth-client","aud":"https://as.example.com/token",` +
	`"iat":1700000000,"exp":1700000300,"jti":"4f1c2a9e-8d36-4a52-9d6e-0c8a9c3f7b21"}`

func benchSign(b *testing.B, alg Algorithm) {
	b.Run("C", func(b *testing.B) {
		k, err := cbench.NewKey(int(alg))
		if err != nil {
			b.Fatal(err)
		}
		defer k.Close()
		if _, err := k.SignLoop(int(alg), benchClaims, 100); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		if _, err := k.SignLoop(int(alg), benchClaims, b.N); err != nil {
			b.Fatal(err)
		}
	})
	key := keyFor(b, alg)
	b.Run("Go", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := SignJWT(key, benchClaims, WithAlgorithm(alg)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GoDefaultHeader", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := SignJWT(key, benchClaims); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSignHS256(b *testing.B) { benchSign(b, HS256) }
func BenchmarkSignRS256(b *testing.B) { benchSign(b, RS256) }
