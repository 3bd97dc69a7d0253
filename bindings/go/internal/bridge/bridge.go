// Package bridge lets the binding's sub-packages (m2mauth/senhasegura) reach the handles of package
// m2mauth's objects without making them part of its public API. Package m2mauth fills the function
// variables in its init; a sub-package imports m2mauth (so that init has run) and this package.
// Nothing here is API: it is internal to the module.
package bridge

import (
	"context"

	"github.com/m2mauth/m2mauth/bindings/go/internal/raw"
)

// Set by package m2mauth (bridge.go there). The With* functions run f with the live native handle of
// the object (*m2mauth.HTTP, *m2mauth.Key, *m2mauth.Certificate, *m2mauth.Config) under its read lock,
// so that Close waits for f, and return m2mauth.ErrClosed after Close (or for a nil object). They do
// not check a status: f calls Call for that.
var (
	// Call is the status gate (m2mauth's call): f runs on a locked OS thread; a negative status
	// becomes a *m2mauth.Error read from the same thread's error record.
	Call func(f func() int) error
	// Ready checks once that the loaded libm2mauth matches the headers the binding was built for.
	Ready      func() error
	WithHTTP   func(http any, f func(raw.HttpHandle) error) error
	WithKey    func(key any, f func(raw.KeyHandle) error) error
	WithCert   func(cert any, f func(raw.CertHandle) error) error
	WithConfig func(config any, f func(raw.ConfigHandle) error) error
	// ManagerOptions converts a *m2mauth.ManagerOptions into the native struct (the caller deletes it).
	ManagerOptions func(opts any) (raw.TokenManagerOptionsStruct, error)
	// Error makes a *m2mauth.Error for a refusal of the Go layer (code: an m2mauth_error_code).
	Error func(code int, message string) error
	// Native runs f, a native call taking call options, bounded by ctx: ctx's deadline becomes
	// timeoutMs and ctx's end requests the native cancel, which stops the transfer in progress; the
	// error is then ctx.Err() (m2mauth's nativeCall).
	Native func(ctx context.Context, f func(timeoutMs int64, cancel raw.CancelHandle) error) error
)
