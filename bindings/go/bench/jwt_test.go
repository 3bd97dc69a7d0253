package bench

import (
	"fmt"
	"testing"
	"time"

	josev4 "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	gojwt "github.com/golang-jwt/jwt/v5"
	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

// One JWT per call, as an application makes and checks them: sign = claims (iss, sub, aud, iat, exp, jti)
// from a Go struct to a compact JWT; verify = signature, algorithm allow-list, exp, iss and aud checked,
// claims decoded. Keys are parsed once, outside the loop, in each library's own key type.

const (
	iss = "bmp.digital.api.partner"
	aud = "https://auth.example.com/connect/token"
	jti = "8c1b0e9c-7a51-4a53-9b9a-3f0c3c4d7f00"
)

var (
	iat = time.Unix(1700000000, 0)
	exp = time.Unix(4102444800, 0)
)

// appClaims is what an application hands m2mauth (any value encoding/json turns into an object).
type appClaims struct {
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Aud string `json:"aud"`
	Iat int64  `json:"iat"`
	Exp int64  `json:"exp"`
	Jti string `json:"jti"`
}

type contender struct {
	sign   func() (string, error)
	verify func(token string) error
}

var algs = []string{"HS256", "RS256", "ES256", "EdDSA"}

func m2mauthContender(tb testing.TB, alg string) contender {
	var key, pub *m2mauth.Key
	var err error
	if alg == "HS256" {
		key, err = m2mauth.KeyFromSecret(hmacSecret)
		pub = key
	} else {
		if key, err = m2mauth.KeyFromPEM(readPEM(tb, alg, ".pem"), nil); err == nil {
			pub, err = m2mauth.KeyFromPEM(readPEM(tb, alg, ".pub.pem"), nil)
		}
	}
	if err != nil {
		tb.Fatal(err)
	}
	a, err := m2mauth.ParseAlgorithm(alg)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := m2mauth.NewVerifier(pub, m2mauth.WithAllowedAlgorithms(a), m2mauth.WithIssuer(iss),
		m2mauth.WithAudience(aud), m2mauth.WithRequiredClaims("exp"))
	if err != nil {
		tb.Fatal(err)
	}
	return contender{
		sign: func() (string, error) {
			c := appClaims{iss, iss, aud, iat.Unix(), exp.Unix(), jti}
			return m2mauth.SignJWT(key, c, m2mauth.WithAlgorithm(a))
		},
		// into each library's type for the registered claims: RegisteredClaims here, golang-jwt's
		// RegisteredClaims and go-jose's jwt.Claims below
		verify: func(token string) error { var c m2mauth.RegisteredClaims; return v.VerifyInto(token, &c) },
	}
}

func golangJWTContender(tb testing.TB, alg string) contender {
	priv, pub := goKeys(tb, alg)
	method := gojwt.GetSigningMethod(alg)
	parser := gojwt.NewParser(gojwt.WithValidMethods([]string{alg}), gojwt.WithIssuer(iss), gojwt.WithAudience(aud),
		gojwt.WithExpirationRequired())
	keyFunc := func(*gojwt.Token) (any, error) { return pub, nil }
	return contender{
		sign: func() (string, error) {
			c := gojwt.RegisteredClaims{Issuer: iss, Subject: iss, Audience: gojwt.ClaimStrings{aud},
				IssuedAt: gojwt.NewNumericDate(iat), ExpiresAt: gojwt.NewNumericDate(exp), ID: jti}
			return gojwt.NewWithClaims(method, c).SignedString(priv)
		},
		verify: func(token string) error {
			var c gojwt.RegisteredClaims
			_, err := parser.ParseWithClaims(token, &c, keyFunc)
			return err
		},
	}
}

func goJoseContender(tb testing.TB, alg string) contender {
	priv, pub := goKeys(tb, alg)
	sa := josev4.SignatureAlgorithm(alg)
	signer, err := josev4.NewSigner(josev4.SigningKey{Algorithm: sa, Key: priv}, (&josev4.SignerOptions{}).WithType("JWT"))
	if err != nil {
		tb.Fatal(err)
	}
	return contender{
		sign: func() (string, error) {
			c := josejwt.Claims{Issuer: iss, Subject: iss, Audience: josejwt.Audience{aud},
				IssuedAt: josejwt.NewNumericDate(iat), Expiry: josejwt.NewNumericDate(exp), ID: jti}
			return josejwt.Signed(signer).Claims(c).Serialize()
		},
		verify: func(token string) error {
			t, err := josejwt.ParseSigned(token, []josev4.SignatureAlgorithm{sa})
			if err != nil {
				return err
			}
			var c josejwt.Claims
			if err := t.Claims(pub, &c); err != nil {
				return err
			}
			if c.Expiry == nil {
				return fmt.Errorf("no exp")
			}
			return c.Validate(josejwt.Expected{Issuer: iss, AnyAudience: josejwt.Audience{aud}, Time: time.Now()})
		},
	}
}

var makers = []struct {
	name string
	make func(testing.TB, string) contender
}{{"m2mauth", m2mauthContender}, {"golang-jwt", golangJWTContender}, {"go-jose", goJoseContender}}

// Every contender verifies every other's token before anything is timed.
func TestInterop(t *testing.T) {
	for _, alg := range algs {
		var cs []contender
		for _, m := range makers {
			cs = append(cs, m.make(t, alg))
		}
		for i, signer := range cs {
			tok, err := signer.sign()
			if err != nil {
				t.Fatalf("%s %s sign: %v", alg, makers[i].name, err)
			}
			for j, v := range cs {
				if err := v.verify(tok); err != nil {
					t.Errorf("%s: %s cannot verify %s's token: %v", alg, makers[j].name, makers[i].name, err)
				}
			}
		}
	}
}

func BenchmarkJWT(b *testing.B) {
	for _, alg := range algs {
		for _, m := range makers {
			c := m.make(b, alg)
			token, err := c.sign()
			if err != nil {
				b.Fatal(err)
			}
			b.Run(alg+"/sign/"+m.name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := c.sign(); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(alg+"/verify/"+m.name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := c.verify(token); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
