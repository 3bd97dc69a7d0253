package m2mauth

import "sync"

// handle is one native pointer shared by goroutines and released once. Each use holds the read lock, so
// Close (the write lock) waits for calls in flight instead of freeing memory under them; after Close
// every use returns ErrClosed.
type handle struct {
	mu   sync.RWMutex
	ptr  uintptr
	free func(uintptr)
}

func (h *handle) set(p uintptr, free func(uintptr)) {
	h.ptr = p
	h.free = free
}

// use runs f with the live pointer, or returns ErrClosed.
func (h *handle) use(f func(p uintptr) error) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.ptr == 0 {
		return ErrClosed
	}
	return f(h.ptr)
}

func (h *handle) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ptr != 0 {
		h.free(h.ptr)
		h.ptr = 0
	}
}

func (h *handle) closed() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.ptr == 0
}
