package asyncio

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// heapOrder is a runner that records which timer fired.
type heapOrder struct {
	id    int
	fired *[]int
}

func (h *heapOrder) run(*futureCore) { *h.fired = append(*h.fired, h.id) }

// TestTimerHeapOrderUnderChurn arms, moves and removes timers at random,
// with many equal deadlines, and checks that popping gives (deadline, order
// of arming) order with every removed timer left out, and that each timer
// knows its position throughout.
func TestTimerHeapOrderUnderChurn(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		var h timerHeap
		n := 1 + rng.IntN(300)
		timers := make([]timer, n)
		type key struct {
			when time.Duration
			seq  int
		}
		want := map[int]key{} // armed timers by id
		var fired []int
		seq := 0
		for range 4 * n {
			i := rng.IntN(n)
			switch rng.IntN(3) {
			case 0, 1: // arm or move
				h.remove(&timers[i])
				when := time.Duration(rng.IntN(20))
				seq++
				h.push(&timers[i], when, &heapOrder{i, &fired})
				want[i] = key{when, seq}
			case 2:
				h.remove(&timers[i])
				delete(want, i)
			}
			for j, e := range h.items {
				if e.t.pos != j+1 {
					t.Fatalf("round %d: entry %d has pos %d", round, j, e.t.pos)
				}
			}
		}
		ids := make([]int, 0, len(want))
		for id := range want {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b int) int {
			ka, kb := want[a], want[b]
			if ka.when != kb.when {
				return int(ka.when - kb.when)
			}
			return ka.seq - kb.seq
		})
		for len(h.items) > 0 {
			h.pop().run(nil)
		}
		if !slices.Equal(fired, ids) {
			t.Fatalf("round %d: fired %v, want %v", round, fired, ids)
		}
		for i := range timers {
			if timers[i].armed() {
				t.Fatalf("round %d: timer %d still armed after the heap emptied", round, i)
			}
		}
	}
}
