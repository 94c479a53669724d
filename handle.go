package asyncio

import (
	"fmt"
	"time"
)

// runner is anything the loop can run from its ready queue: a callback's
// Handle, a task step, a future's done-callback. src is the future whose
// completion scheduled the run, or nil.
type runner interface {
	run(src *futureCore)
}

type readyItem struct {
	r   runner
	src *futureCore
}

// readyQueue is the loop's FIFO of work for the next tick: a growable ring, so
// that steady-state scheduling allocates nothing.
type readyQueue struct {
	buf  []readyItem
	head int
	n    int
}

func (q *readyQueue) push(r runner, src *futureCore) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = readyItem{r, src}
	q.n++
}

func (q *readyQueue) pop() readyItem {
	it := q.buf[q.head]
	q.buf[q.head] = readyItem{}
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	return it
}

func (q *readyQueue) grow() {
	size := max(2*len(q.buf), 64) // a power of two, for the index mask
	buf := make([]readyItem, size)
	for i := range q.n {
		buf[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = buf, 0
}

// A Handle is a callback scheduled on an event loop by CallSoon or
// CallSoonThreadsafe. It runs once, in a later loop iteration, unless
// cancelled first.
type Handle struct {
	fn        func()
	loop      *EventLoop
	cancelled bool // loop goroutine only
}

// Cancel stops the callback from running if it has not run yet; otherwise it
// does nothing. Called from a goroutine other than the loop's, Cancel passes
// the request to the loop with CallSoonThreadsafe, so the callback may still
// run once before the request arrives.
func (h *Handle) Cancel() {
	if !h.loop.onLoopGoroutine() {
		h.loop.CallSoonThreadsafe(h.Cancel)
		return
	}
	h.cancelled = true
}

// Cancelled reports whether Cancel took effect. Call it on the loop's
// goroutine.
func (h *Handle) Cancelled() bool { return h.cancelled }

func (h *Handle) String() string {
	if h.cancelled {
		return "<Handle cancelled>"
	}
	return fmt.Sprintf("<Handle %p>", h.fn)
}

func (h *Handle) run(*futureCore) {
	if h.cancelled {
		return
	}
	h.loop.runCallback(h, h.fn)
}

// A TimerHandle is a callback scheduled by CallLater or CallAt.
type TimerHandle struct {
	Handle
	timer timer
}

// When returns the loop time at which the callback is scheduled to run.
func (h *TimerHandle) When() time.Duration { return h.timer.when }

// Cancel stops the callback from running if it has not run yet, and removes
// it from the loop's timers at once. Called from another goroutine it behaves
// as Handle.Cancel does.
func (h *TimerHandle) Cancel() {
	if !h.loop.onLoopGoroutine() {
		h.loop.CallSoonThreadsafe(h.Cancel)
		return
	}
	h.cancelled = true
	h.loop.timers.remove(&h.timer)
}

func (h *TimerHandle) String() string {
	state := "pending"
	if h.cancelled {
		state = "cancelled"
	}
	return fmt.Sprintf("<TimerHandle %s when=%v>", state, h.timer.when)
}

// timer is one entry of the loop's timer heap. Timers with equal deadlines fire
// in the order they were scheduled (seq breaks ties): asyncio leaves that
// order undefined, and FIFO is the order a reader expects.
type timer struct {
	when  time.Duration
	seq   uint64
	index int // position in the heap; -1 while not scheduled
	cb    runner
}

// timerHeap is a binary min-heap on (when, seq). Removal is eager, by index,
// so a timer embedded in a task can be re-armed as soon as it is removed. The
// keys are copied into the heap's own array: with many timers, following a
// pointer to each one on every comparison is a cache miss each time.
type timerHeap struct {
	items []timerEntry
	seq   uint64
}

type timerEntry struct {
	when time.Duration
	seq  uint64
	t    *timer
}

func (h *timerHeap) less(i, j int) bool {
	a, b := &h.items[i], &h.items[j]
	return a.when < b.when || (a.when == b.when && a.seq < b.seq)
}

func (h *timerHeap) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].t.index = i
	h.items[j].t.index = j
}

func (h *timerHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *timerHeap) down(i int) {
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h.swap(i, m)
		i = m
	}
}

func (h *timerHeap) push(t *timer, when time.Duration, cb runner) {
	h.seq++
	t.when, t.seq, t.cb = when, h.seq, cb
	t.index = len(h.items)
	h.items = append(h.items, timerEntry{when, h.seq, t})
	h.up(t.index)
}

func (h *timerHeap) peek() *timer {
	if len(h.items) == 0 {
		return nil
	}
	return h.items[0].t
}

func (h *timerHeap) remove(t *timer) {
	i := t.index
	if i < 0 || i >= len(h.items) || h.items[i].t != t {
		return
	}
	last := len(h.items) - 1
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = timerEntry{}
	h.items = h.items[:last]
	t.index = -1
	if i != last {
		h.down(i)
		h.up(i)
	}
}

func (h *timerHeap) pop() *timer {
	t := h.items[0].t
	h.remove(t)
	return t
}
