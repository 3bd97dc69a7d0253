package m2mauth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	jwt "github.com/golang-jwt/jwt/v5"
)

// Interop with github.com/golang-jwt/jwt/v5, an independent implementation, in both directions for
// every algorithm it supports (all thirteen). Keys move between the two as PKCS#8 / SPKI.

func jwtMethod(alg Algorithm) jwt.SigningMethod {
	return jwt.GetSigningMethod(alg.String())
}

// goKeys makes a key pair with Go's crypto for alg: (signing key, verification key, PKCS#8 PEM).
func goKeys(t *testing.T, alg Algorithm) (any, any, []byte) {
	t.Helper()
	var priv any
	var err error
	switch alg {
	case HS256, HS384, HS512:
		secret := make([]byte, map[Algorithm]int{HS256: 32, HS384: 48, HS512: 64}[alg])
		rand.Read(secret)
		return secret, secret, nil
	case ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case ES384:
		priv, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case ES512:
		priv, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case EdDSA:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	default:
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	var pub any
	switch p := priv.(type) {
	case *rsa.PrivateKey:
		pub = &p.PublicKey
	case *ecdsa.PrivateKey:
		pub = &p.PublicKey
	case ed25519.PrivateKey:
		pub = p.Public()
	}
	return priv, pub, pemBytes
}

// goVerifyKey is the public half of an m2mauth key as golang-jwt takes it (HMAC keys are made from
// known bytes instead).
func goVerifyKey(t *testing.T, k *Key) any {
	t.Helper()
	der := must(k.PublicDER())(t)
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func TestInteropM2mauthToGolangJWT(t *testing.T) {
	for _, alg := range Algorithms {
		t.Run(alg.String(), func(t *testing.T) {
			var key *Key
			var verifyWith any
			if alg == HS256 || alg == HS384 || alg == HS512 {
				secret, _, _ := goKeys(t, alg)
				key = must(KeyFromSecret(secret.([]byte)))(t)
				verifyWith = secret
			} else {
				key = keyFor(t, alg)
				verifyWith = goVerifyKey(t, key)
			}
			defer key.Close()
			exp := time.Now().Add(time.Minute).Unix()
			token := must(SignJWT(key, Claims{"sub": "m2mauth", "aud": "peer", "exp": exp}, WithAlgorithm(alg)))(t)
			parsed, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return verifyWith, nil },
				jwt.WithValidMethods([]string{alg.String()}), jwt.WithAudience("peer"), jwt.WithExpirationRequired())
			if err != nil || !parsed.Valid {
				t.Fatalf("golang-jwt refused m2mauth's %v token: %v", alg, err)
			}
			if sub, _ := parsed.Claims.GetSubject(); sub != "m2mauth" {
				t.Fatalf("sub %q", sub)
			}
		})
	}
}

func TestInteropGolangJWTToM2mauth(t *testing.T) {
	for _, alg := range Algorithms {
		t.Run(alg.String(), func(t *testing.T) {
			signWith, _, pemBytes := goKeys(t, alg)
			var key *Key
			if pemBytes == nil {
				key = must(KeyFromSecret(signWith.([]byte)))(t)
			} else {
				priv := must(KeyFromPEM(pemBytes, nil))(t)
				key = must(priv.Public())(t)
				priv.Close()
			}
			defer key.Close()
			claims := jwt.MapClaims{"sub": "golang-jwt", "iss": "peer", "exp": time.Now().Add(time.Minute).Unix()}
			token, err := jwt.NewWithClaims(jwtMethod(alg), claims).SignedString(signWith)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := VerifyJWT(token, key, WithAllowedAlgorithms(alg), WithIssuer("peer"), WithRequiredClaims("exp"))
			if err != nil {
				t.Fatalf("m2mauth refused golang-jwt's %v token: %v", alg, err)
			}
			if tok.Claims.Subject() != "golang-jwt" {
				t.Fatalf("claims %s", tok.ClaimsJSON)
			}
			// And a tampered copy is refused.
			bad := token[:len(token)-4] + flip(token[len(token)-4:])
			if _, err := VerifyJWT(bad, key, WithAllowedAlgorithms(alg)); err == nil {
				t.Fatal("tampered token accepted")
			}
		})
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}
