// Package nativeptr holds one native pointer shared by goroutines and released once, for package m2mauth
// and its sub-packages. Each use holds the read lock, so Close (the write lock) waits for calls in flight
// instead of freeing memory under them; after Close (or before Set: the zero value) every use returns
// the caller's "closed" error.
// Nothing here is API: it is internal to the module.
package nativeptr

import "sync"

// Ptr is the pointer and its release function. The zero value holds no pointer.
type Ptr struct {
	mu   sync.RWMutex
	ptr  uintptr
	free func(uintptr)
}

// Set stores p (before the Ptr is shared) and the function that releases it.
func (h *Ptr) Set(p uintptr, free func(uintptr)) {
	h.ptr = p
	h.free = free
}

// Use runs f with the live pointer, or returns closedErr.
func (h *Ptr) Use(closedErr error, f func(p uintptr) error) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.ptr == 0 {
		return closedErr
	}
	return f(h.ptr)
}

// Close releases the pointer once, after the uses in flight.
func (h *Ptr) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ptr != 0 {
		h.free(h.ptr)
		h.ptr = 0
	}
}

// Closed tells whether the pointer is released (or was never set).
func (h *Ptr) Closed() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.ptr == 0
}

// UseAll runs f with the live pointers of hs, in order, each held under its read lock for the call (a
// Ptr listed twice is locked once: sync.RWMutex forbids taking a read lock twice). A released one makes
// it return closedErr without calling f.
func UseAll(hs []*Ptr, closedErr error, f func(ptrs []uintptr) error) error {
	ptrs := make([]uintptr, 0, len(hs))
	held := make(map[*Ptr]bool, len(hs))
	for _, h := range hs {
		if !held[h] {
			held[h] = true
			h.mu.RLock()
			defer h.mu.RUnlock()
		}
		if h.ptr == 0 {
			return closedErr
		}
		ptrs = append(ptrs, h.ptr)
	}
	return f(ptrs)
}
