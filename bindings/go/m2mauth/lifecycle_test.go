package m2mauth

import (
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestUseAfterClose(t *testing.T) {
	k := keyFor(t, ES256)
	token := must(SignJWS(k, []byte("x")))(t)
	cert := must(SelfSignedCertificate(k, "c", 1))(t)
	v := must(NewVerifier(k))(t)
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	k.Close() // twice is fine
	if _, err := SignJWS(k, []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("sign after close: %v", err)
	}
	if _, err := k.PublicPEM(); !errors.Is(err, ErrClosed) {
		t.Fatalf("export after close: %v", err)
	}
	if _, err := k.Public(); !errors.Is(err, ErrClosed) {
		t.Fatalf("derive after close: %v", err)
	}
	if k.Type() != 0 || k.Bits() != 0 || k.String() != "Key(closed)" {
		t.Fatal("getters after close")
	}
	// The verifier and certificate made from the key live on.
	if _, err := VerifyJWS(token, must(cert.PublicKey())(t), ES256); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(must(SignJWT(keyFor(t, ES256), Claims{}))(t)); !errors.Is(err, ErrSignature) {
		t.Fatalf("verifier after key close: %v", err)
	}
	cert.Close()
	v.Close()
	if _, err := cert.Subject(); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	if _, err := v.Verify(token); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	var nilKey *Key
	if _, err := SignJWS(nilKey, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("nil key: %v", err)
	}
}

func TestFinalizerReleasesUnclosedKeys(t *testing.T) {
	for i := 0; i < 200; i++ {
		k, err := GenerateHMAC(32)
		if err != nil {
			t.Fatal(err)
		}
		_ = k
	}
	runtime.GC()
	runtime.GC()
}

// 16 goroutines sign with one key and verify with one verifier, then the key is closed while they run.
func TestConcurrentUseOfOneKey(t *testing.T) {
	for _, alg := range []Algorithm{HS256, RS256, ES256, EdDSA} {
		t.Run(alg.String(), func(t *testing.T) {
			k := keyFor(t, alg)
			v := must(NewVerifier(k, WithAllowedAlgorithms(alg)))(t)
			defer v.Close()
			const workers, rounds = 16, 50
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < rounds; i++ {
						token, err := SignJWT(k, Claims{"w": w, "i": i}, WithAlgorithm(alg))
						if err != nil {
							errs <- err
							return
						}
						tok, err := v.Verify(token)
						if err != nil {
							errs <- err
							return
						}
						if n, _ := tok.Claims.Int64("w"); n != int64(w) {
							errs <- errors.New("claims crossed between goroutines")
							return
						}
					}
				}(w)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		})
	}
}

func TestCloseWhileInUse(t *testing.T) {
	k := keyFor(t, RS256)
	var wg sync.WaitGroup
	stop := time.Now().Add(300 * time.Millisecond)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if _, err := SignJWS(k, []byte("x")); err != nil {
					if !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
					return
				}
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	k.Close()
	wg.Wait()
}

// Nil and zero-value objects give errors, never panics.
func TestNilAndZeroValuesDoNotPanic(t *testing.T) {
	var k *Key
	var c *Certificate
	var v *Verifier
	var zk Key
	var zv Verifier
	calls := []func() error{
		func() error { _, err := SignJWT(k, Claims{}); return err },
		func() error { _, err := SignJWT(&zk, Claims{}); return err },
		func() error { _, err := VerifyJWT("a.b.c", k); return err },
		func() error { _, err := VerifyJWS("a.b.c", &zk, HS256); return err },
		func() error { _, err := NewVerifier(k); return err },
		func() error { _, err := SelfSignedCertificate(k, "x", 1); return err },
		func() error { _, err := c.NotAfter(); return err },
		func() error { _, err := c.PublicKey(); return err },
		func() error { _, err := v.Verify("a.b.c"); return err },
		func() error { _, err := zv.Verify("a.b.c"); return err },
		func() error { _, err := k.Public(); return err },
		func() error { _, err := SignJWS(keyFor(t, HS256), nil, WithCertificate(c, X5T)); return err },
	}
	for i, f := range calls {
		if err := f(); err == nil && i != len(calls)-1 {
			t.Errorf("call %d: no error", i)
		}
	}
	_ = k.String() + c.String() + zk.String()
	k.Close()
	c.Close()
	v.Close()
}
