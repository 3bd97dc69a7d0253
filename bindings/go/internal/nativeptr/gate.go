package nativeptr

import (
	"runtime"
	"sync/atomic"
)

// gateSlots is how many reader counts a ReadGate spreads its readers over: enough that goroutines on
// different cores rarely share one. Each sits in 128 bytes of its own (a cache line and the line the
// hardware fetches with it), so a ReadGate is 2 KiB.
const gateSlots = 16

// ReadGate lets goroutines touch memory a native object owns (a counter the library hands out) with no
// lock and no write to a word they all share, until Close, which waits for those in flight. It is the
// read path's alternative to Ptr.Use's read lock: RWMutex.RLock adds to one shared word, so two cores
// reading at once take turns owning its cache line.
//
// A reader adds 1 to the slot its hash picks and then reads closed; Close sets closed and then waits
// for every slot to be 0. Go's atomics are sequentially consistent, so either Close sees the reader's
// 1 and waits, or the reader sees closed and backs out. The zero value is open.
type ReadGate struct {
	slots [gateSlots]struct {
		n atomic.Int64
		_ [120]byte
	}
	// closed comes after the last slot's padding: every reader reads it, so no slot may share its line
	// (before it, slot 0 did, and two readers ran a third slower).
	closed atomic.Bool
}

// Enter admits a reader picked by hash (any number; equal hashes share a slot) and returns the count to
// pass to Exit, or nil when the gate is closed (the memory may be gone: read nothing).
func (g *ReadGate) Enter(hash uint64) *atomic.Int64 {
	n := &g.slots[hash%gateSlots].n
	n.Add(1)
	if g.closed.Load() {
		n.Add(-1)
		return nil
	}
	return n
}

// Exit ends the read Enter admitted (n is what Enter returned).
func (g *ReadGate) Exit(n *atomic.Int64) { n.Add(-1) }

// Close turns readers away and returns once none is between Enter and Exit; after it the memory may be
// freed. Reads are a few nanoseconds, so it yields rather than sleeps.
func (g *ReadGate) Close() {
	g.closed.Store(true)
	for i := range g.slots {
		for g.slots[i].n.Load() != 0 {
			runtime.Gosched()
		}
	}
}
