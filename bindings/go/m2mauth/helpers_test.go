package m2mauth

import (
	"testing"
)

// keyFor makes a fresh key for alg.
func keyFor(t testing.TB, alg Algorithm) *Key {
	t.Helper()
	var k *Key
	var err error
	switch alg {
	case HS256:
		k, err = GenerateHMAC(32)
	case HS384:
		k, err = GenerateHMAC(48)
	case HS512:
		k, err = GenerateHMAC(64)
	case ES256:
		k, err = GenerateEC("P-256")
	case ES384:
		k, err = GenerateEC("P-384")
	case ES512:
		k, err = GenerateEC("P-521")
	case EdDSA:
		k, err = GenerateEd25519()
	default:
		k, err = GenerateRSA(2048)
	}
	if err != nil {
		t.Fatalf("generate key for %v: %v", alg, err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

// verifierKey is what a verifier holds: the public key, or the same secret for HMAC.
func verifierKey(t testing.TB, k *Key) *Key {
	t.Helper()
	var v *Key
	var err error
	if k.Type() == KeyOct {
		var jwk string
		if jwk, err = k.PrivateJWK(); err == nil {
			v, err = KeyFromJWK(jwk)
		}
	} else {
		v, err = k.Public()
	}
	if err != nil {
		t.Fatalf("verifier key: %v", err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// testManager is a token manager over a new HTTP transport and a client made from cfg (its HTTP set
// here), all three closed when the test ends (closing the manager earlier is fine).
func testManager(t testing.TB, cfg TokenClientConfig, opts ManagerOptions) *TokenManager {
	t.Helper()
	h := must(NewHTTP(HTTPOptions{}))(t)
	t.Cleanup(func() { h.Close() })
	cfg.HTTP = h
	client := must(NewTokenClient(cfg))(t)
	t.Cleanup(func() { client.Close() })
	m := must(NewTokenManager(client, opts))(t)
	t.Cleanup(func() { m.Close() })
	return m
}

// must(f())(t) is f's value, failing the test on f's error.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}
