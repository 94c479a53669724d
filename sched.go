package asyncio

import "time"

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
	t.when, t.cb = when, r
	if when == NoDeadline {
		return
	}
	l.timers.push(t, when, r)
}

// disarm removes t from the timers if it is armed; its callback will not run.
func (l *EventLoop) disarm(t *timer) { l.timers.remove(t) }

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

// timer is one entry of the loop's timer heap. Timers with equal deadlines fire
// in the order they were scheduled (seq breaks ties): asyncio leaves that
// order undefined, and FIFO is the order a reader expects. The zero timer is
// not scheduled.
type timer struct {
	when time.Duration
	seq  uint64
	pos  int // position in the heap plus one; 0 while not scheduled
	cb   runner
}

// armed reports whether t is in the heap.
func (t *timer) armed() bool { return t.pos != 0 }

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
	h.items[i].t.pos = i + 1
	h.items[j].t.pos = j + 1
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
	h.items = append(h.items, timerEntry{when, h.seq, t})
	t.pos = len(h.items)
	h.up(t.pos - 1)
}

func (h *timerHeap) peek() *timer {
	if len(h.items) == 0 {
		return nil
	}
	return h.items[0].t
}

func (h *timerHeap) remove(t *timer) {
	i := t.pos - 1
	if i < 0 || i >= len(h.items) || h.items[i].t != t {
		return
	}
	last := len(h.items) - 1
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = timerEntry{}
	h.items = h.items[:last]
	t.pos = 0
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
