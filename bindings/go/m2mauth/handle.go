package m2mauth

import "github.com/m2mauth/m2mauth/bindings/go/internal/nativeptr"

// handle is one native pointer shared by goroutines and released once (internal/nativeptr): Close waits
// for calls in flight; after Close every use returns ErrClosed.
type handle struct{ p nativeptr.Ptr }

func (h *handle) set(p uintptr, free func(uintptr)) { h.p.Set(p, free) }

// use runs f with the live pointer, or returns ErrClosed.
func (h *handle) use(f func(p uintptr) error) error { return h.p.Use(ErrClosed, f) }

func (h *handle) close() { h.p.Close() }

func (h *handle) closed() bool { return h.p.Closed() }
