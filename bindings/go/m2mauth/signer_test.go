package m2mauth_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/m2mauth/m2mauth/bindings/go/m2mauth"
)

// kms signs with a crypto.Signer the library never sees, as a cloud KMS would (ECDSA as ASN.1 DER).
type kms struct {
	key    crypto.Signer
	calls  atomic.Int32
	inside atomic.Int32
	most   atomic.Int32
	fail   error
}

func (k *kms) Sign(alg string, data []byte) ([]byte, error) {
	k.calls.Add(1)
	if n := k.inside.Add(1); n > k.most.Load() {
		k.most.Store(n)
	}
	defer k.inside.Add(-1)
	if k.fail != nil {
		return nil, k.fail
	}
	switch alg {
	case "EdDSA":
		return k.key.Sign(rand.Reader, data, crypto.Hash(0))
	case "RS256", "ES256":
		sum := sha256.Sum256(data)
		return k.key.Sign(rand.Reader, sum[:], crypto.SHA256)
	}
	return nil, errors.New("unexpected algorithm " + alg)
}

func publicKeyOf(t *testing.T, s crypto.Signer) *m2mauth.Key {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	k, err := m2mauth.KeyFromPEM(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func TestSignerKeysSignTokensThatVerify(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	for _, c := range []struct {
		alg m2mauth.Algorithm
		key crypto.Signer
	}{{m2mauth.RS256, rsaKey}, {m2mauth.ES256, ecKey}, {m2mauth.EdDSA, edKey}} {
		pub := publicKeyOf(t, c.key)
		k := &kms{key: c.key}
		key, err := m2mauth.KeyFromSigner(pub, c.alg, k)
		if err != nil {
			t.Fatal(err)
		}
		if !key.IsSigner() || pub.IsSigner() || !key.HasPrivate() {
			t.Fatal("IsSigner/HasPrivate")
		}
		token, err := m2mauth.SignJWT(key, map[string]any{"sub": "svc"})
		if err != nil {
			t.Fatal(c.alg, err)
		}
		if _, err := m2mauth.VerifyJWT(token, pub, m2mauth.WithAllowedAlgorithms(c.alg)); err != nil {
			t.Fatal(c.alg, err)
		}
		if k.calls.Load() != 1 {
			t.Fatal("calls", k.calls.Load())
		}
		if _, err := key.PrivatePEM(nil); !errors.Is(err, m2mauth.ErrNoPrivateKey) {
			t.Fatal("export:", err)
		}
		key.Close()
	}
}

func TestSignerErrorCarriesTheMessage(t *testing.T) {
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	k := &kms{key: edKey, fail: errors.New("kms: key disabled\n\x1b[2J")}
	key, err := m2mauth.KeyFromSigner(publicKeyOf(t, edKey), 0, k)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	_, err = m2mauth.SignJWT(key, map[string]any{"sub": "svc"})
	var e *m2mauth.Error
	if !errors.Is(err, m2mauth.ErrSigner) || !errors.Is(err, m2mauth.ErrInvalidKey) || !errors.As(err, &e) {
		t.Fatal("not ErrSigner:", err)
	}
	if !strings.Contains(e.Message, `kms: key disabled\n\x1B[2J`) || strings.ContainsAny(e.Message, "\n\x1b") {
		t.Fatalf("message %q", e.Message)
	}
	// A panic in the signer is an ErrSigner too, never a crash.
	panicky, err := m2mauth.KeyFromSigner(publicKeyOf(t, edKey), 0, m2mauth.SignerFunc(func(string, []byte) ([]byte, error) {
		panic("boom")
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer panicky.Close()
	if _, err := m2mauth.SignJWT(panicky, map[string]any{}); !errors.Is(err, m2mauth.ErrSigner) ||
		!strings.Contains(err.Error(), "panic: boom") {
		t.Fatal(err)
	}
	if _, err := m2mauth.KeyFromSigner(publicKeyOf(t, edKey), 0, nil); err == nil {
		t.Fatal("nil signer accepted")
	}
}

func TestSignerIsCalledOneAtATime(t *testing.T) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k := &kms{key: ecKey}
	key, err := m2mauth.KeyFromSigner(publicKeyOf(t, ecKey), m2mauth.ES256, k)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if _, err := m2mauth.SignJWT(key, map[string]any{"sub": "svc"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if k.calls.Load() != 120 || k.most.Load() != 1 {
		t.Fatal("calls", k.calls.Load(), "most at once", k.most.Load())
	}
}
