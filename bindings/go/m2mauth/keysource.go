package m2mauth

import (
	"runtime"
	"time"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// KeySource is a rotating private key: read from a file (PEM or DER) or a pkcs11: URI, and read again
// by Reload (e.g. from the goroutine that receives SIGHUP) or, with a reload interval, on the first
// use after it. Give it to TokenClientConfig.KeySource: each new client assertion is signed by the
// current key, whose kid (its RFC 7638 thumbprint when the key has none) names it, so a rotation
// needs no restart. A failed reload keeps the current key. Safe for concurrent use.
type KeySource struct {
	h handle
}

func keySourceHandle(p uintptr) raw.KeySourceHandle { return raw.SwigcptrKeySourceHandle(p) }

// NewKeySource loads the key at location now. secret is the file's passphrase or the token's PIN
// (nil: none; copied, the caller may wipe it). reloadInterval 0 reloads on Reload only. A public key
// is ErrNoPrivateKey; the loaders' errors otherwise.
func NewKeySource(location string, secret []byte, reloadInterval time.Duration) (*KeySource, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	if err := text("location", location); err != nil {
		return nil, err
	}
	if reloadInterval < 0 {
		return nil, argError("reload interval must not be negative")
	}
	ms := reloadInterval.Milliseconds()
	if reloadInterval > 0 && ms == 0 {
		ms = 1
	}
	var p uintptr
	if err := call(func() int { return raw.M2mauth_key_source_new(&p, location, secret, ms) }); err != nil {
		return nil, err
	}
	s := &KeySource{}
	s.h.set(p, func(p uintptr) { raw.DeleteKeySourceHandle(keySourceHandle(p)) })
	runtime.SetFinalizer(s, (*KeySource).Close)
	return s, nil
}

func (s *KeySource) use(f func(h raw.KeySourceHandle) int) error {
	if s == nil {
		return ErrClosed
	}
	err := s.h.use(func(p uintptr) error { return call(func() int { return f(keySourceHandle(p)) }) })
	runtime.KeepAlive(s)
	return err
}

// Reload loads the key again now. On failure the source keeps its current key.
func (s *KeySource) Reload() error {
	return s.use(func(h raw.KeySourceHandle) int { return raw.M2mauth_key_source_reload(h) })
}

// Current is the current key (reloaded first when the interval has passed); the caller closes it.
func (s *KeySource) Current() (*Key, error) {
	var p uintptr
	if err := s.use(func(h raw.KeySourceHandle) int { return raw.M2mauth_key_source_current(&p, h) }); err != nil {
		return nil, err
	}
	return wrapKey(p), nil
}

// Close releases the caller's reference (token clients using the source keep theirs). Safe to call twice.
func (s *KeySource) Close() error {
	if s != nil {
		s.h.close()
		runtime.SetFinalizer(s, nil)
	}
	return nil
}
