package nativeptr

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestReadGateTurnsReadersAwayAfterClose(t *testing.T) {
	var g ReadGate
	for h := uint64(0); h < 2*gateSlots; h++ {
		n := g.Enter(h)
		if n == nil {
			t.Fatalf("an open gate refused hash %d", h)
		}
		g.Exit(n)
	}
	g.Close()
	if g.Enter(7) != nil {
		t.Fatal("a closed gate admitted a reader")
	}
	g.Close() // twice is fine
	for i := range g.slots {
		if v := g.slots[i].n.Load(); v != 0 {
			t.Fatalf("slot %d left at %d by a refused reader", i, v)
		}
	}
}

func TestReadGateCloseWaitsForTheReaderInFlight(t *testing.T) {
	var g ReadGate
	in := g.Enter(3)
	closed := make(chan struct{})
	go func() {
		g.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while a reader was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	if g.Enter(4) != nil {
		t.Fatal("a closing gate admitted a new reader")
	}
	g.Exit(in)
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return after the last reader left")
	}
}

// Readers on every slot against a Close that then "frees" the memory: no reader is ever inside once it
// is freed (run under -race by go_binding_race).
func TestReadGateConcurrentReadersAndClose(t *testing.T) {
	for round := 0; round < 50; round++ {
		var g ReadGate
		var freed atomic.Bool
		var inside atomic.Int64
		var wg sync.WaitGroup
		for r := 0; r < 8; r++ {
			wg.Add(1)
			go func(h uint64) {
				defer wg.Done()
				for i := 0; ; i++ {
					n := g.Enter(h + uint64(i))
					if n == nil {
						return
					}
					inside.Add(1)
					if freed.Load() {
						t.Error("a reader was admitted to freed memory")
					}
					inside.Add(-1)
					g.Exit(n)
				}
			}(uint64(r))
		}
		time.Sleep(time.Millisecond)
		g.Close()
		if inside.Load() != 0 {
			t.Fatal("Close returned with a reader inside")
		}
		freed.Store(true)
		wg.Wait()
	}
}
