package m2mauth

import (
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// tokenSnapshot is a token a TokenManager returned, with what the library said about serving it again
// (m2mauth_token_view version 2): until the time the library allowed (fresh_until_ms) and while the key's
// generation counter still reads seen, the token is the library's current one for its key, and Token
// returns it without a native call. The counter changes whenever the key's token is replaced or invalidated,
// from any goroutine, thread or language, so a refresh or an Invalidate is seen by the next read.
//
// The token is shared by every read that returns it: callers must not modify it (as with x/oauth2's
// ReuseTokenSource), which lets a read return it without allocating.
type tokenSnapshot struct {
	token OAuthToken
	// freshUntil is the view's fresh_until_ms turned into a reading of the monotonic clock (monoNow) when
	// the snapshot was made, so a read costs one monotonic clock reading, and a step of the system clock
	// cannot stretch the reuse beyond the time the library allowed; 0: never served without asking the
	// library (e.g. ReportCacheHits).
	freshUntil time.Duration
	generation *uint64 // in the native manager's memory, valid while the manager is open
	seen       uint64
	// hits are the key's reuse-hit counters (m2mauth_token_view version 3): hitMask + 1 of them (a power
	// of two), hitStride bytes apart, in the native manager's memory; each read served without a native
	// call adds 1 to one (countHit), which the library's stats add to the key's cache hits. nil: none.
	hits      unsafe.Pointer
	hitMask   uint64
	hitStride uint64
}

// monoBase anchors monoNow: time.Since of a time.Time with a monotonic reading reads only that clock.
var monoBase = time.Now()

func monoNow() time.Duration { return time.Since(monoBase) }

// newSnapshot keeps tok with the reuse fields of its view (glue sizes[3:6] and [7:10]; 0 address: no
// reuse).
func newSnapshot(tok OAuthToken, sizes []int64) *tokenSnapshot {
	freshUntilMs, counterAddress := sizes[3], sizes[4]
	s := &tokenSnapshot{token: tok, seen: uint64(sizes[5])}
	if freshUntilMs != 0 && counterAddress != 0 {
		left := time.Duration(freshUntilMs-time.Now().UnixMilli()) * time.Millisecond
		if left <= 0 {
			return s
		}
		s.freshUntil = monoNow() + left
		s.generation = counterAt(uintptr(counterAddress))
		if sizes[7] != 0 { // the glue gives the counters only with numbers one may index with
			s.hits = unsafe.Pointer(counterAt(uintptr(sizes[7])))
			s.hitMask, s.hitStride = uint64(sizes[8]-1), uint64(sizes[9])
		}
	}
	return s
}

// counterAt is the library's counter at address p: C memory, which Go's collector neither moves nor
// frees (the native manager does, on Close, which waits for readers: see fresh).
func counterAt(p uintptr) *uint64 { return (*uint64)(unsafe.Add(nil, p)) }

// fresh tells whether s may be served without a native call: before its freshUntil and its counter
// unchanged (an acquire load, as m2mauth_token_view asks); if so, the read is counted as a cache hit of
// its key (countHit), as the view asks too. The counters are touched inside the manager's read gate, so
// Close cannot free them meanwhile, and goroutines on different cores write no word in common; a closed
// manager is never fresh.
func (m *TokenManager) fresh(s *tokenSnapshot) bool {
	if s == nil || s.freshUntil == 0 || monoNow() >= s.freshUntil {
		return false
	}
	h := goroutineHash()
	in := m.gate.Enter(h)
	if in == nil {
		return false
	}
	ok := atomic.LoadUint64(s.generation) == s.seen
	if ok && s.hits != nil {
		s.countHit(h)
	}
	m.gate.Exit(in)
	return ok
}

// goroutineHash is a hash of the calling goroutine's stack address: goroutines, each on a stack of its
// own, mostly get different ones, so they mostly pick different reader slots and hit counters.
func goroutineHash() uint64 {
	var probe byte
	return uint64(uintptr(unsafe.Pointer(&probe))>>10) * 0x9e3779b97f4a7c15 >> 32
}

// countHit adds 1 to the reuse-hit counter that h (goroutineHash) picks.
func (s *tokenSnapshot) countHit(h uint64) {
	atomic.AddUint64((*uint64)(unsafe.Add(s.hits, (h&s.hitMask)*s.hitStride)), 1)
}

// keySnapshots holds the last snapshot of each TokenScope read with TokenFor. Keys are only added
// (after a successful read, so there are at most the manager's MaxKeys); each slot is replaced atomically.
type keySnapshots struct {
	mu    sync.RWMutex
	slots map[TokenScope]*atomic.Pointer[tokenSnapshot]
}

func (k *keySnapshots) load(key TokenScope) *tokenSnapshot {
	k.mu.RLock()
	slot := k.slots[key]
	k.mu.RUnlock()
	if slot == nil {
		return nil
	}
	return slot.Load()
}

func (k *keySnapshots) store(key TokenScope, s *tokenSnapshot) {
	k.mu.RLock()
	slot := k.slots[key]
	k.mu.RUnlock()
	if slot == nil {
		k.mu.Lock()
		if slot = k.slots[key]; slot == nil {
			if k.slots == nil {
				k.slots = make(map[TokenScope]*atomic.Pointer[tokenSnapshot])
			}
			slot = new(atomic.Pointer[tokenSnapshot])
			k.slots[key] = slot
		}
		k.mu.Unlock()
	}
	slot.Store(s)
}
