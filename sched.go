package asyncio

import (
	"runtime"
	"time"
)

// This file holds the loop's two schedules, the ready queue and the timer
// heap, and the three verbs by which everything else reaches them: soon,
// arm and disarm. Only these verbs and the loop's run touch the structures,
// so every producer of ready work (handles, task steps, done-callbacks,
// sleeps, timeouts, ctx watches, I/O readiness, thread-safe posts) follows
// one rule.

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

// soon queues r to run in a later loop iteration, after the work already
// queued (FIFO). Until the loop runs, work goes through the inbox, so that
// setup calls made before RunForever and CallSoonThreadsafe calls from other
// goroutines keep one order (EL-16). Call it on the loop's goroutine, or
// from the goroutine setting up a stopped loop.
func (l *EventLoop) soon(r runner, src *futureCore) {
	if l.driverG.Load() != 0 {
		l.ready.push(r, src)
		return
	}
	l.post(r, src)
}

// arm schedules r to run once the loop's clock reaches when: t is the timer's
// storage, usually embedded in its owner so that arming allocates nothing.
// A when of NoDeadline is never reached: nothing is scheduled, so that the
// virtual clock cannot jump to it. Arming an armed timer moves it.
func (l *EventLoop) arm(t *timer, when time.Duration, r runner) {
	l.timers.remove(t)
	if when == NoDeadline {
		return
	}
	l.timers.push(t, when, r)
}

// handOff gives worker w, whose task done has just returned, the next item
// of the ready queue when that item is the first step of a task and belongs
// to the current iteration; it returns that task, now w's, or nil. Running
// it on w, as the loop would have next, spares the two switches through the
// loop's goroutine: a burst of short tasks runs on one goroutine without
// switching at all, in the order the loop would have run it. Items that
// start nothing (a task done or cancelled before it started) are consumed
// on the way, as the loop consumes them.
func (l *EventLoop) handOff(w *worker, done *taskCore) *taskCore {
	if l.stepping != done { // not a step of the loop's run: Close unwinding done
		return nil
	}
	for l.tickLeft > 0 {
		t, ok := l.ready.buf[l.ready.head].r.(*taskCore)
		if !ok || t.worker != nil {
			return nil
		}
		l.take()
		switch {
		case t.fut.state != statePending:
		case t.mustCancel: // cancelled before it started: the body never runs
			t.finish(&CancelledError{Message: t.msg()})
		default:
			done.worker = nil
			w.task, t.worker = t, w
			l.stepping = t
			return t
		}
	}
	return nil
}

// take removes the next ready item of the current iteration, wherever the
// loop runs (run, dispatch, handOff).
func (l *EventLoop) take() readyItem {
	l.tickLeft--
	l.pace()
	return l.ready.pop()
}

// paceInterval is how many ready items run between two yields to Go's
// scheduler (see pace): a power of two, for the mask.
const paceInterval = 256

// pace yields to Go's scheduler once every paceInterval ready items. The
// coroutine switch bypasses the scheduler, so a loop that always has work
// ready never lets another goroutine onto its P: with GOMAXPROCS=1 the
// garbage collector's mark worker then waits for the 10 ms preemption, a
// mark phase lasts 7 ms instead of half of one (GODEBUG=gctrace=1), and
// write barriers and allocation assists stay on all that time, a fifth of
// a ping-pong's cost. Other goroutines (ToThread's, the runtime's timers)
// get the P sooner too. A yield costs about 100 ns, under half a
// nanosecond an item.
func (l *EventLoop) pace() {
	l.paced++
	if l.paced&(paceInterval-1) == 0 {
		runtime.Gosched()
	}
}

// disarm removes t from the timers if it is armed; its callback will not run.
func (l *EventLoop) disarm(t *timer) { l.timers.remove(t) }

// deadline returns the loop time at which armed timer t fires.
func (l *EventLoop) deadline(t *timer) time.Duration { return l.timers.when(t) }

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

// timer is a handle on one entry of the loop's timer heap, embedded in the
// entry's owner (a sleeping task, a TimerHandle, a timeout). The deadline and
// callback live in the heap's own array, not here, because every task embeds
// a timer and most tasks never sleep. The zero timer is not scheduled.
type timer struct {
	pos int // position in the heap plus one; 0 while not scheduled
}

// armed reports whether t is in the heap.
func (t *timer) armed() bool { return t.pos != 0 }

// timerHeap is a 4-ary min-heap on (when, seq). Timers with equal deadlines
// fire in the order they were scheduled (seq breaks ties): asyncio leaves
// that order undefined, and FIFO is the order a reader expects. Removal is
// eager, by index, so a timer embedded in a task can be re-armed as soon as
// it is removed.
//
// The keys are kept in the heap's own array: with many timers, following a
// pointer to each one on every comparison is a cache miss each time. What
// still misses is the position written back to each timer that moves, in
// its owner's memory; four children per node halve the levels a timer
// crosses, and sifting moves a hole rather than swapping, so each level
// writes one position rather than two. With 100,000 sleeping tasks that
// write-back was most of the heap's cost.
type timerHeap struct {
	items []timerEntry
	seq   uint64
}

type timerEntry struct {
	when time.Duration
	seq  uint64
	t    *timer
	cb   runner
}

func (a *timerEntry) before(b *timerEntry) bool {
	return a.when < b.when || (a.when == b.when && a.seq < b.seq)
}

// place puts e at index i and tells its timer.
func (h *timerHeap) place(i int, e timerEntry) {
	h.items[i] = e
	e.t.pos = i + 1
}

// up moves e, destined for index i, towards the root to its place.
func (h *timerHeap) up(i int, e timerEntry) {
	for i > 0 {
		p := (i - 1) / 4
		if !e.before(&h.items[p]) {
			break
		}
		h.place(i, h.items[p])
		i = p
	}
	h.place(i, e)
}

// down moves e, destined for index i, towards the leaves to its place.
func (h *timerHeap) down(i int, e timerEntry) {
	n := len(h.items)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for k := c + 1; k < min(c+4, n); k++ {
			if h.items[k].before(&h.items[m]) {
				m = k
			}
		}
		if !h.items[m].before(&e) {
			break
		}
		h.place(i, h.items[m])
		i = m
	}
	h.place(i, e)
}

func (h *timerHeap) push(t *timer, when time.Duration, cb runner) {
	h.seq++
	e := timerEntry{when, h.seq, t, cb}
	h.items = append(h.items, e)
	h.up(len(h.items)-1, e)
}

// next returns the earliest deadline, or false when no timer is armed.
func (h *timerHeap) next() (time.Duration, bool) {
	if len(h.items) == 0 {
		return 0, false
	}
	return h.items[0].when, true
}

// when returns armed timer t's deadline.
func (h *timerHeap) when(t *timer) time.Duration { return h.items[t.pos-1].when }

func (h *timerHeap) remove(t *timer) {
	i := t.pos - 1
	if i < 0 || i >= len(h.items) || h.items[i].t != t {
		return
	}
	t.pos = 0
	last := len(h.items) - 1
	e := h.items[last]
	h.items[last] = timerEntry{}
	h.items = h.items[:last]
	if i == last {
		return
	}
	// The last entry fills the hole, moving whichever way its key says.
	if i > 0 && e.before(&h.items[(i-1)/4]) {
		h.up(i, e)
	} else {
		h.down(i, e)
	}
}

// pop removes the earliest timer and returns its callback.
func (h *timerHeap) pop() runner {
	e := h.items[0]
	h.remove(e.t)
	return e.cb
}
