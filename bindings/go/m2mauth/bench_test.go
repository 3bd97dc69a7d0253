package m2mauth

import (
	"math"
	"os"
	"testing"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/cbench"
)

// Per-call cost of signing a typical client-assertion JWT, through the Go binding and from C itself.
//
//	PKG_CONFIG_PATH=<build>/pkgconfig go test -run '^$' -bench Sign -benchtime 2s ./m2mauth
//	M2MAUTH_BENCH=1 PKG_CONFIG_PATH=<build>/pkgconfig go test -run SignOverhead -v ./m2mauth
//
// BenchmarkSign<alg>/C is the C baseline (the loop runs in C), /Go is SignJWT with WithAlgorithm (what an
// application writes), /GoHeader adds WithKeyID, so a native JwsHeader object is built per call.
// TestSignOverhead interleaves short rounds of the three and keeps each one's fastest round, which holds
// up better than testing.B on a machine shared with other work.

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
	b.Run("GoHeader", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := SignJWT(key, benchClaims, WithAlgorithm(alg), WithKeyID("k1")); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Verification of one HS256 token: C (verify + claims as JSON, the loop in C), Go's Verify (a Token with
// generic maps), VerifyInto into an application's struct (encoding/json, as golang-jwt's ParseWithClaims
// with its own type) and into RegisteredClaims (the scanner, as ParseWithClaims with RegisteredClaims):
//
//	PKG_CONFIG_PATH=<build>/pkgconfig go test -run '^$' -bench VerifyHS256 -benchmem ./m2mauth
const benchVerifyClaims = `{"iss":"m2mauth-client","sub":"m2mauth-client","aud":"https://as.example.com/token",` +
	`"iat":1700000000,"exp":4102444800,"jti":"4f1c2a9e-8d36-4a52-9d6e-0c8a9c3f7b21"}`

func BenchmarkVerifyHS256(b *testing.B) {
	b.Run("C", func(b *testing.B) {
		k, err := cbench.NewKey(int(HS256))
		if err != nil {
			b.Fatal(err)
		}
		defer k.Close()
		b.ResetTimer()
		if _, err := k.VerifyLoop(int(HS256), benchVerifyClaims, "https://as.example.com/token", b.N); err != nil {
			b.Fatal(err)
		}
	})
	key := keyFor(b, HS256)
	token, err := SignJWT(key, benchVerifyClaims, WithAlgorithm(HS256))
	if err != nil {
		b.Fatal(err)
	}
	v, err := NewVerifier(key, WithAllowedAlgorithms(HS256), WithAudience("https://as.example.com/token"))
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	b.Run("Go", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := v.Verify(token); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GoInto", func(b *testing.B) {
		var c struct {
			Iss string `json:"iss"`
			Sub string `json:"sub"`
			Aud string `json:"aud"`
			Iat int64  `json:"iat"`
			Exp int64  `json:"exp"`
			Jti string `json:"jti"`
		}
		for i := 0; i < b.N; i++ {
			if err := v.VerifyInto(token, &c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GoRegistered", func(b *testing.B) {
		var c RegisteredClaims
		for i := 0; i < b.N; i++ {
			if err := v.VerifyInto(token, &c); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSignHS256(b *testing.B) { benchSign(b, HS256) }
func BenchmarkSignRS256(b *testing.B) { benchSign(b, RS256) }

func TestSignOverhead(t *testing.T) {
	if os.Getenv("M2MAUTH_BENCH") == "" {
		t.Skip("a benchmark: set M2MAUTH_BENCH=1")
	}
	for _, alg := range []Algorithm{HS256, RS256} {
		n, rounds := 2000, 60
		if alg == RS256 {
			n, rounds = 20, 40
		}
		ck, err := cbench.NewKey(int(alg))
		if err != nil {
			t.Fatal(err)
		}
		key := keyFor(t, alg)
		goRound := func(opts ...SignOption) float64 {
			start := time.Now()
			for i := 0; i < n; i++ {
				if _, err := SignJWT(key, benchClaims, opts...); err != nil {
					t.Fatal(err)
				}
			}
			return float64(time.Since(start).Nanoseconds()) / float64(n)
		}
		best := [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
		for r := 0; r < rounds; r++ {
			d, err := ck.SignLoop(int(alg), benchClaims, n)
			if err != nil {
				t.Fatal(err)
			}
			best[0] = math.Min(best[0], float64(d.Nanoseconds())/float64(n))
			best[1] = math.Min(best[1], goRound(WithAlgorithm(alg)))
			best[2] = math.Min(best[2], goRound(WithAlgorithm(alg), WithKeyID("k1")))
		}
		ck.Close()
		t.Logf("%v: C %.0f ns/op; Go %.0f ns/op (+%.0f); Go with a header option %.0f ns/op (+%.0f)",
			alg, best[0], best[1], best[1]-best[0], best[2], best[2]-best[0])
	}
}
