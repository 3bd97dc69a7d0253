package bench

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// The repository's test keys (tests/servers/keys), so every contender signs with the same key.
func keyDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "tests", "servers", "keys")
}

var keyFiles = map[string]string{"RS256": "rsa2048", "ES256": "ec-p256", "EdDSA": "ed25519"}

var hmacSecret = []byte("m2mauth-bench-hs256-secret-32byt")

func readPEM(tb testing.TB, alg, suffix string) []byte {
	b, err := os.ReadFile(filepath.Join(keyDir(), keyFiles[alg]+suffix))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// goKeys: the private and public key as crypto values (the form golang-jwt and go-jose take).
func goKeys(tb testing.TB, alg string) (crypto.PrivateKey, crypto.PublicKey) {
	if alg == "HS256" {
		return hmacSecret, hmacSecret
	}
	pb, _ := pem.Decode(readPEM(tb, alg, ".pem"))
	priv, err := x509.ParsePKCS8PrivateKey(pb.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	ub, _ := pem.Decode(readPEM(tb, alg, ".pub.pem"))
	pub, err := x509.ParsePKIXPublicKey(ub.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return priv, pub
}
